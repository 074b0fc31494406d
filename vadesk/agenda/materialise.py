"""Materialising a calendar: expand its events once per change over a rolling horizon and store the occurrences."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from vadesk.agenda import ical
from vadesk.agenda.models import Calendar, Event, Occurrence

HORIZON_PAST = timedelta(days=31)
HORIZON_FUTURE = timedelta(days=400)
# The rolling horizon is re-expanded when less than this much future is left.
HORIZON_RENEW = timedelta(days=335)


def _stored(value: datetime | date) -> datetime:
    """Fixed instants as they are; floating and all-day wall-clock times labelled UTC (see Occurrence)."""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def calendar_materialise(*, calendar: Calendar, now: datetime | None = None) -> list[ical.Problem]:
    """Replace the calendar's occurrences with a fresh expansion over [now − 31 days, now + 400 days)."""
    started = time.perf_counter()
    now = now or timezone.now()
    start, end = now - HORIZON_PAST, now + HORIZON_FUTURE
    events = list(Event.objects.filter(calendar=calendar, deleted=False).only("pk", "uid", "ics"))
    by_uid = {e.uid: e.pk for e in events}
    occurrences, problems = ical.expand(ical.join(e.ics for e in events), start, end)
    rows = [
        Occurrence(
            calendar=calendar,
            event_id=by_uid[o.uid],
            recurrence_id=o.recurrence_id,
            start=_stored(o.start),
            end=_stored(o.end),
            kind=o.kind,
            busy=o.busy,
            status=o.status[:12],
            summary=o.summary,
        )
        for o in occurrences
        if o.uid in by_uid
    ]
    with transaction.atomic():
        Occurrence.objects.filter(calendar=calendar).delete()
        Occurrence.objects.bulk_create(rows, batch_size=2000)
        calendar.materialised_from, calendar.materialised_until = start, end
        calendar.sync_seconds = time.perf_counter() - started
        calendar.save(update_fields=["materialised_from", "materialised_until", "sync_seconds"])
    return problems
