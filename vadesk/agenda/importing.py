"""Putting a whole .ics (an upload or a subscription) into a calendar: replace its events, report what was left out."""

from __future__ import annotations

from dataclasses import dataclass, field

import icalendar
from django.db import transaction
from django.utils import timezone

from vadesk.agenda import ical
from vadesk.agenda.materialise import calendar_materialise
from vadesk.agenda.models import Calendar, Event


@dataclass
class ImportReport:
    imported: int = 0
    removed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        return bool(self.problems)


def calendar_import_ics(*, calendar: Calendar, data: bytes | str) -> ImportReport:
    """Replace a read-only calendar's events with the file's; bad events are named and left out.

    Raises ical.IcsError when the file as a whole is unusable; the calendar is then untouched.
    """
    parsed = ical.parse_ics(data)
    objects = ical.split_by_uid(parsed)
    report = ImportReport(imported=len(objects), problems=[str(p) for p in parsed.problems])
    with transaction.atomic():
        existing = {e.uid: e for e in Event.objects.filter(calendar=calendar)}
        stale = [e.pk for uid, e in existing.items() if uid not in objects]
        report.removed = len(stale)
        Event.objects.filter(pk__in=stale).delete()
        changed = []
        for uid, text in objects.items():
            event = existing.get(uid) or Event(calendar=calendar, uid=uid)
            if event.ics != text:
                event.ics = text
                _describe(event)
                changed.append(event)
        for event in changed:
            event.save()
        problems = calendar_materialise(calendar=calendar)
        report.problems += [str(p) for p in problems]
        calendar.import_problems = report.problems[:200]
        calendar.last_synced_at = timezone.now()
        calendar.last_error, calendar.sync_failures = "", 0
        calendar.save(update_fields=["import_problems", "last_synced_at", "last_error", "sync_failures"])
    return report


def _describe(event: Event) -> None:
    """Cache the master component's summary, location and sequence for lists."""
    calendar = icalendar.Calendar.from_ical(event.ics)
    masters = [c for c in calendar.walk("VEVENT") if c.get("RECURRENCE-ID") is None] or calendar.walk("VEVENT")
    master = masters[0]
    event.summary = str(master.get("SUMMARY", ""))[:300]
    event.location = str(master.get("LOCATION", ""))[:300]
    event.sequence = int(master.get("SEQUENCE", 0) or 0)
    organizer = master.get("ORGANIZER")
    event.organizer_email = str(organizer).removeprefix("mailto:").removeprefix("MAILTO:")[:254] if organizer else ""
