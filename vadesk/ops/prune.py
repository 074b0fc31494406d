"""Old bookkeeping out of the database: finished jobs and runs (with their files), fired schedule slots, delivered
outbox mail, finished webhook deliveries, expired sessions.

Each kind has its retention (`VADESK_PRUNE_*_DAYS`, docs/operations.md). Rows go in batches of a few hundred,
one short transaction each, so that a first run over years of rows never holds a lock for long (SQLite has one
writer at a time). Running it twice deletes nothing more: it is idempotent, as a job must be.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from vadesk.comms.models import OutboxMessage
from vadesk.jobs.models import JobRun, ScheduleSlot
from vadesk.webhooks.models import Delivery

BATCH = 500
DATABASE_SESSIONS = {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"}


@dataclass(frozen=True)
class Pruned:
    jobs: int
    failed_jobs: int
    schedule_slots: int
    outbox: int
    webhook_deliveries: int
    job_runs: int
    sessions: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def delete_in_batches(queryset: models.QuerySet) -> int:
    deleted = 0
    while pks := list(queryset.values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            queryset.model.objects.filter(pk__in=pks).delete()
        deleted += len(pks)
    return deleted


def prune_run(*, now: datetime | None = None) -> Pruned:
    """Delete what is past its retention; returns how many rows of each kind went."""
    now = now or timezone.now()

    def before(days: int) -> datetime:
        return now - timedelta(days=days)

    jobs = DBTaskResult.objects.filter(
        status=TaskResultStatus.SUCCESSFUL, finished_at__lt=before(settings.PRUNE_JOBS_DAYS)
    )
    # Failed jobs stay longer: they are listed for a retry on /jobs/ until an owner or operator has seen them.
    failed = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, finished_at__lt=before(settings.PRUNE_FAILED_JOBS_DAYS)
    )
    slots = ScheduleSlot.objects.filter(slot__lt=before(settings.PRUNE_SCHEDULE_SLOTS_DAYS))
    # Only what was delivered: pending, uncertain and failed mail still needs someone (or the worker).
    outbox = OutboxMessage.objects.filter(
        state=OutboxMessage.State.SENT, sent_at__lt=before(settings.PRUNE_OUTBOX_DAYS)
    )
    counts = Pruned(
        jobs=delete_in_batches(jobs),
        failed_jobs=delete_in_batches(failed),
        schedule_slots=delete_in_batches(slots),
        outbox=delete_in_batches(outbox),
        webhook_deliveries=delete_in_batches(deliveries_past(before(settings.PRUNE_WEBHOOK_DELIVERIES_DAYS))),
        job_runs=job_runs_prune(before(settings.PRUNE_JOB_RUNS_DAYS)),
        sessions=sessions_prune(now),
    )
    return counts


def deliveries_past(cutoff: datetime) -> models.QuerySet[Delivery]:
    """Deliveries that are settled (delivered or failed) and were last tried before the cutoff; a pending one (a
    retry or a resend under way) stays, however old."""
    settled = [Delivery.Status.DELIVERED, Delivery.Status.FAILED]
    last_tried_before = Q(last_attempt_at__lt=cutoff) | Q(last_attempt_at__isnull=True, created_at__lt=cutoff)
    return Delivery.objects.filter(last_tried_before, status__in=settled)


def job_runs_prune(cutoff: datetime) -> int:
    """Finished runs before the cutoff, and their uploaded and result files (an export's ZIP).

    The files go first, then the rows: a prune stopped in between leaves rows whose files are gone, which the
    next prune deletes (deleting a missing file is no error); the other order could leave files nobody names."""
    finished = JobRun.objects.filter(state__in=[JobRun.State.DONE, JobRun.State.FAILED], finished_at__lt=cutoff)
    deleted = 0
    while batch := list(finished.values_list("pk", "input_name", "result_name")[:BATCH]):
        for _pk, *names in batch:
            for name in filter(None, names):
                default_storage.delete(name)
        with transaction.atomic():
            JobRun.objects.filter(pk__in=[pk for pk, *_names in batch]).delete()
        deleted += len(batch)
    return deleted


def sessions_prune(now: datetime) -> int:
    """Sessions past their expiry: the rows of the database engines (counted), else the engine's own clean-up."""
    if settings.SESSION_ENGINE in DATABASE_SESSIONS:
        return delete_in_batches(Session.objects.filter(expire_date__lt=now))
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()  # what `vadesk clearsessions` does
    return 0
