"""The domain's gauges, computed from the database at each scrape of /metrics (a few aggregate queries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Min, Q, Sum
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from vadesk.agenda.models import Calendar
from vadesk.comms.models import InboundMessage, OutboxMessage

REMINDER_KINDS = (OutboxMessage.Kind.REMINDER, OutboxMessage.Kind.PAYMENT)


@dataclass(frozen=True)
class Gauge:
    name: str
    help: str
    value: float


def _age(now: datetime, then: datetime | None) -> float:
    return max((now - then).total_seconds(), 0.0) if then else 0.0


def outbox_gauges(now: datetime) -> list[Gauge]:
    """Messages due and not yet delivered (pending or being sent), the wait of the oldest, those held or failed.

    Computed here from OutboxMessage until comms offers `outbox_backlog()`; then this calls it.
    """
    due = Q(state__in=[OutboxMessage.State.PENDING, OutboxMessage.State.SENDING], not_before__lte=now)
    row = OutboxMessage.objects.aggregate(
        backlog=Count("pk", filter=due),
        oldest=Min("not_before", filter=due),
        uncertain=Count("pk", filter=Q(state=OutboxMessage.State.UNCERTAIN)),
        failed=Count("pk", filter=Q(state=OutboxMessage.State.FAILED)),
        reminders=Count("pk", filter=due & Q(kind__in=REMINDER_KINDS)),
    )
    return [
        Gauge("vadesk_outbox_backlog", "Outbox messages due and not yet delivered.", row["backlog"]),
        Gauge(
            "vadesk_outbox_oldest_age_seconds",
            "Seconds the oldest due outbox message has waited.",
            _age(now, row["oldest"]),
        ),
        Gauge("vadesk_outbox_uncertain", "Outbox messages held as maybe sent (need a person).", row["uncertain"]),
        Gauge("vadesk_outbox_failed", "Outbox messages that failed for good.", row["failed"]),
        Gauge(
            "vadesk_reminders_due",
            "Appointment and payment reminders due and not yet delivered.",
            row["reminders"],
        ),
    ]


def job_gauges(now: datetime) -> list[Gauge]:
    """The queue of django-tasks-db: jobs due (READY, run_after passed or unset), their oldest, running, failed."""
    never = get_date_max()  # django-tasks-db's run_after for "as soon as possible"
    ready = Q(status=TaskResultStatus.READY)
    row = DBTaskResult.objects.aggregate(
        due=Count("pk", filter=ready & (Q(run_after=never) | Q(run_after__lte=now))),
        oldest_asap=Min("enqueued_at", filter=ready & Q(run_after=never)),
        oldest_delayed=Min("run_after", filter=ready & Q(run_after__lte=now)),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED)),
    )
    return [
        Gauge("vadesk_jobs_due", "Background jobs due and waiting for a worker.", row["due"]),
        Gauge(
            "vadesk_jobs_oldest_due_age_seconds",
            "Seconds the oldest due job has waited for a worker.",
            oldest_due_job_age(now, row["oldest_asap"], row["oldest_delayed"]),
        ),
        Gauge("vadesk_jobs_running", "Background jobs running now.", row["running"]),
        Gauge("vadesk_jobs_failed", "Background jobs that failed for good (listed for retry).", row["failed"]),
    ]


def oldest_due_job_age(now: datetime, oldest_asap: datetime | None, oldest_delayed: datetime | None) -> float:
    """A job waits from its enqueueing (no run_after) or from its run_after (a delayed job or a retry)."""
    return max(_age(now, oldest_asap), _age(now, oldest_delayed))


def job_wait_seconds(now: datetime | None = None) -> float:
    """Seconds the oldest due job has waited (0 when none is due): what /readyz compares to its threshold."""
    now = now or timezone.now()
    never = get_date_max()
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    row = ready.aggregate(
        oldest_asap=Min("enqueued_at", filter=Q(run_after=never)),
        oldest_delayed=Min("run_after", filter=Q(run_after__lte=now)),
    )
    return oldest_due_job_age(now, row["oldest_asap"], row["oldest_delayed"])


def inbound_gauges(now: datetime) -> list[Gauge]:
    """Inbound lag: how long ago the newest received e-mail was filed (grows when polling or receiving stops)."""
    row = InboundMessage.objects.aggregate(
        newest=Max("received_at"), triage=Count("pk", filter=Q(outcome=InboundMessage.Outcome.TRIAGE))
    )
    return [
        Gauge(
            "vadesk_inbound_last_received_age_seconds",
            "Seconds since the newest inbound e-mail was filed (0 when none ever came).",
            _age(now, row["newest"]),
        ),
        Gauge("vadesk_inbound_triage", "Inbound e-mails waiting in triage.", row["triage"]),
    ]


def calendar_gauges(now: datetime) -> list[Gauge]:
    """Calendars whose last sync failed, and the failed attempts in a row summed over them."""
    row = Calendar.objects.filter(sync_failures__gt=0).aggregate(calendars=Count("pk"), attempts=Sum("sync_failures"))
    return [
        Gauge("vadesk_calendar_sync_failing", "Calendars whose last synchronisation failed.", row["calendars"]),
        Gauge(
            "vadesk_calendar_sync_failures",
            "Failed synchronisation attempts in a row, summed over the failing calendars.",
            row["attempts"] or 0,
        ),
    ]


def domain_gauges(now: datetime | None = None) -> list[Gauge]:
    now = now or timezone.now()
    return [*outbox_gauges(now), *job_gauges(now), *inbound_gauges(now), *calendar_gauges(now)]
