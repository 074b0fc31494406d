"""Putting a whole .ics (an upload or a subscription) into a calendar: replace its events, report what was left out."""

from __future__ import annotations

from dataclasses import dataclass, field

import icalendar
from django.db import transaction
from django.utils import timezone

from vadesk.agenda import ical
from vadesk.agenda.materialise import calendar_expand, occurrences_store
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

    Raises ical.IcsError when the file as a whole is unusable; the calendar is then untouched. The file is
    parsed, described and expanded before the one short transaction that writes it, so that an import of a
    large calendar never holds the database's write lock while it works (on SQLite that lock is the whole
    database's).
    """
    parsed = ical.parse_ics(data)
    objects = ical.split_by_uid(parsed)
    described = {uid: _described(Event(calendar=calendar, uid=uid, ics=text)) for uid, text in objects.items()}
    expansion = calendar_expand(objects.values())
    report = ImportReport(imported=len(objects), problems=[str(p) for p in parsed.problems])
    report.problems += [str(p) for p in expansion.problems]
    now = timezone.now()
    with transaction.atomic():
        existing = {e.uid: e for e in Event.objects.filter(calendar=calendar)}
        stale = [e.pk for uid, e in existing.items() if uid not in objects]
        report.removed = len(stale)
        Event.objects.filter(pk__in=stale).delete()
        new, changed = [], []
        for uid, fresh in described.items():
            event = existing.get(uid)
            if event is None:
                new.append(fresh)
            elif event.ics != fresh.ics:
                for name in DESCRIBED:
                    setattr(event, name, getattr(fresh, name))
                event.updated_at = now
                changed.append(event)
        Event.objects.bulk_create(new, batch_size=500)
        Event.objects.bulk_update(changed, [*DESCRIBED, "updated_at"], batch_size=500)
        event_ids = dict(Event.objects.filter(calendar=calendar, deleted=False).values_list("uid", "pk"))
        occurrences_store(calendar=calendar, expansion=expansion, event_ids=event_ids)
        calendar.import_problems = report.problems[:200]
        calendar.last_synced_at = now
        calendar.last_error, calendar.sync_failures = "", 0
        calendar.save(update_fields=["import_problems", "last_synced_at", "last_error", "sync_failures"])
    return report


# What an import sets on an event: its text and what lists show of it.
DESCRIBED = ["ics", "summary", "location", "sequence", "organizer_email"]


def _described(event: Event) -> Event:
    _describe(event)
    return event


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
