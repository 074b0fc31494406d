"""The agenda's periodic upkeep: sync due calendars, renew rolling horizons, queue reminders.

Run by the scheduled job (agenda/jobs.py) and by `vadesk agenda_sync`; safe to repeat at any time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from vadesk.agenda.caldav_sync import calendar_refresh
from vadesk.agenda.materialise import HORIZON_RENEW, calendar_materialise
from vadesk.agenda.models import Calendar, Conflict, Event
from vadesk.agenda.services import reminders_send
from vadesk.lib.hooks import Hook

log = logging.getLogger(__name__)
conflicts_found = Hook("agenda.conflicts_found")  # conflicts=: those the sync of this upkeep recorded


@dataclass
class Upkeep:
    synced: int = 0
    failures: list[tuple[Calendar, str]] = field(default_factory=list)  # each failing calendar and its error
    renewed: int = 0
    reminded: int = 0

    def summary(self) -> str:
        return (
            f"Synced {self.synced}, failed {len(self.failures)}, horizons renewed {self.renewed}, "
            f"reminders queued {self.reminded}."
        )


def agenda_upkeep(*, now: datetime) -> Upkeep:
    """1. Sync every CalDAV calendar and subscription that is due or has changes waiting to go up.
    2. Re-expand calendars whose materialised horizon ends within HORIZON_RENEW.
    3. Queue the appointment reminders that are due in the comms outbox.
    A failing calendar is recorded on its row and counted; it does not stop the others.
    """
    upkeep, started = Upkeep(), timezone.now()
    remote = Calendar.objects.filter(source__in=[Calendar.Source.CALDAV, Calendar.Source.SUBSCRIPTION])
    waiting = Event.objects.filter(pending_push=True).values("calendar_id")
    for calendar in remote.filter(Q(next_sync_at__isnull=True) | Q(next_sync_at__lte=now) | Q(pk__in=waiting)):
        if calendar_refresh(calendar=calendar):
            upkeep.failures.append((calendar, Calendar.objects.get(pk=calendar.pk).last_error))
        else:
            upkeep.synced += 1
    found = list(Conflict.objects.filter(detected_at__gte=started).select_related("event__calendar__party"))
    if found:
        conflicts_found.fire(conflicts=found)
    for calendar in Calendar.objects.filter(
        Q(materialised_until__isnull=True) | Q(materialised_until__lt=now + HORIZON_RENEW)
    ):
        try:
            calendar_materialise(calendar=calendar, now=now)
        except Exception as exc:  # one unreadable calendar must not stop the renewal and reminders of the others
            log.exception("calendar %s could not be re-expanded", calendar.pk)
            upkeep.failures.append((calendar, type(exc).__name__))
            continue
        upkeep.renewed += 1
    upkeep.reminded = reminders_send(now=now)
    return upkeep
