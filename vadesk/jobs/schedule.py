"""The schedule of periodic jobs (it replaces cron): declared here, fired once per slot however many workers run.

Each worker calls `schedule_tick()` every few seconds. For every entry it works out the latest slot that is
due and inserts a `ScheduleSlot` row for it; the unique constraint on (key, slot) lets exactly one insert
win, and only the winner enqueues the job, in the same transaction. A slot missed while no worker ran is
fired late, once; older missed slots are not made up (the jobs are idempotent and catch up by themselves).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from vadesk.accounts.models import Organisation
from vadesk.jobs.models import ScheduleSlot

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
KEEP_SLOTS = timedelta(days=30)


@dataclass(frozen=True)
class Periodic:
    """A periodic job: `every` (slots aligned on UTC, so DST cannot touch them) or daily `at` a wall-clock time.

    Daily slots are one per local date: on the spring-forward day a time in the gap (02:30 in Europe/Amsterdam)
    fires at the same moment of UTC it would have had before the change (03:30 summer time); on the fall-back
    day a time that happens twice fires at its first occurrence. `per_organisation` runs the job once per
    organisation, in the organisation's time zone, with `organisation_id=` as its argument.
    """

    name: str
    task: str  # dotted path to a @job in an app's jobs.py
    every: timedelta | None = None
    at: time | None = None
    per_organisation: bool = False
    kwargs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.every is None) == (self.at is None):
            raise ValueError(f"{self.name}: give either every= or at=")

    def latest_slot(self, now: datetime, zone: ZoneInfo) -> datetime:
        """The latest slot at or before `now`, in UTC."""
        if self.every is not None:
            return EPOCH + (now - EPOCH) // self.every * self.every
        assert self.at is not None
        day = now.astimezone(zone).date()
        for candidate_day in (day, day - timedelta(days=1)):
            # fold=0: in a gap the pre-change offset, in a repeated hour the first occurrence.
            slot = datetime.combine(candidate_day, self.at, tzinfo=zone).astimezone(UTC)
            if slot <= now:
                return slot
        raise AssertionError("a daily slot is at most a day and an hour back")

    def targets(self) -> Iterator[tuple[str, ZoneInfo, dict[str, Any]]]:
        """(slot key, time zone, job arguments) per run of one slot."""
        if not self.per_organisation:
            yield self.name, ZoneInfo(settings.JOBS_TIME_ZONE), dict(self.kwargs)
            return
        for pk, zone in Organisation.objects.order_by("pk").values_list("pk", "time_zone"):
            yield f"{self.name}:{pk}", ZoneInfo(zone), {**self.kwargs, "organisation_id": pk}


SCHEDULE: list[Periodic] = [
    # `vadesk recurring_tasks`: an occurrence never becomes two tasks, so a slot that fires late is harmless.
    Periodic("tasks.recurring", "vadesk.tasks.jobs.recurring_tasks_spawn_job", every=timedelta(minutes=5)),
    # `vadesk agenda_sync`: due CalDAV calendars, horizons, appointment reminders.
    Periodic("agenda.sync", "vadesk.agenda.jobs.agenda_sync_job", every=timedelta(minutes=5)),
    # `vadesk invoice_reminders`: each organisation's payment reminders, at 08:00 where it is.
    Periodic(
        "invoicing.reminders", "vadesk.invoicing.jobs.invoice_reminders_job", at=time(8, 0), per_organisation=True
    ),
    # Follow-ups that fell due, mail held through quiet hours, daily summaries (each at the person's own time).
    Periodic("notifications.mail", "vadesk.notifications.jobs.notifications_mail_job", every=timedelta(minutes=5)),
    # The comms pipelines (vadesk/comms/jobs.py). The outbox sweep delivers what the on-commit kick did not (retries
    # after their back-off, messages held through quiet hours, rows of a killed worker); digests go at each contact's
    # own minute; the IMAP mailbox is read once a minute (nothing happens without VADESK_IMAP_HOST).
    Periodic("comms.outbox", "vadesk.comms.jobs.outbox_deliver_job", every=timedelta(minutes=1)),
    Periodic("comms.digests", "vadesk.comms.jobs.digests_build_job", every=timedelta(minutes=1)),
    Periodic("comms.imap", "vadesk.comms.jobs.inbound_imap_job", every=timedelta(minutes=1)),
    # Finished jobs and runs, old slots, delivered mail and webhooks, expired sessions past their retention (VADESK_PRUNE_*).
    Periodic("ops.prune", "vadesk.ops.jobs.prune_job", at=time(3, 30)),
    # Issue 14 point 5: open work of absences that start (cover or hand over) and back when they end, before 06:00.
    Periodic("team.cover", "vadesk.team.jobs.covers_refresh_job", at=time(5, 30), per_organisation=True),
    # The coverage check: clients nobody of their team can serve in the next 14 days, teams with too little room.
    Periodic("team.coverage", "vadesk.team.jobs.coverage_check_job", at=time(6, 0), per_organisation=True),
    # Issue 11: last month's monthly reports, from the first working day at 07:00 where the organisation is.
    # Issue 11.3: consent questions that lapsed unanswered; the team hears that the engagement's terms apply again.
    Periodic("portal.consents", "vadesk.portal.jobs.consents_lapse_job", every=timedelta(minutes=15)),
    Periodic("reports.monthly", "vadesk.reports.jobs.monthly_reports_job", at=time(7, 0), per_organisation=True),
]


def schedule_tick(*, now: datetime | None = None, schedule: list[Periodic] | None = None) -> list[ScheduleSlot]:
    """Fire every entry whose latest slot has no row yet; returns the slots this call fired."""
    now = now or timezone.now()
    fired = []
    for periodic in SCHEDULE if schedule is None else schedule:
        due = [(key, periodic.latest_slot(now, zone), kwargs) for key, zone, kwargs in periodic.targets()]
        taken = set(
            ScheduleSlot.objects.filter(
                key__in=[key for key, _, _ in due], slot__gte=now - timedelta(days=2)
            ).values_list("key", "slot")
        )
        for key, slot, kwargs in due:
            if (key, slot) in taken:
                continue
            try:
                with transaction.atomic():
                    row = ScheduleSlot.objects.create(key=key, slot=slot)
                    result = import_string(periodic.task).enqueue(**kwargs)
                    row.result_id = str(result.id)
                    row.save(update_fields=["result_id"])
            except IntegrityError:
                continue  # another worker fired this slot
            fired.append(row)
    if fired:  # slots a month old can no longer conflict with anything
        ScheduleSlot.objects.filter(slot__lt=now - KEEP_SLOTS).delete()
    return fired
