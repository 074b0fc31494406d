"""Materialising a calendar: expand its events once per change over a rolling horizon and store the occurrences."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from vadesk.agenda import ical
from vadesk.agenda.models import Calendar, Event, Occurrence

HORIZON_PAST = timedelta(days=31)
HORIZON_FUTURE = timedelta(days=400)
# The rolling horizon is re-expanded when less than this much future is left.
HORIZON_RENEW = timedelta(days=335)
# How many left-out series a calendar names (the page shows them; the rest are counted in the log).
MAX_NAMED = 200


def _stored(value: datetime | date) -> datetime:
    """Fixed instants as they are; floating and all-day wall-clock times labelled UTC (see Occurrence)."""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Expansion:
    """A calendar's occurrences over the horizon, worked out before any row is written."""

    start: datetime
    end: datetime
    occurrences: list[ical.Occurrence]
    problems: list[ical.Problem]
    seconds: float


def calendar_expand(texts: Iterable[str], *, now: datetime | None = None) -> Expansion:
    """Expand calendar objects over [now − 31 days, now + 400 days): CPU only, no database.

    Callers expand first and store after, so that no write lock is held while iCalendar is parsed.
    """
    started = time.perf_counter()
    now = now or timezone.now()
    start, end = now - HORIZON_PAST, now + HORIZON_FUTURE
    occurrences, problems = ical.expand(ical.join(texts), start, end)
    return Expansion(start, end, occurrences, problems, time.perf_counter() - started)


def occurrences_store(*, calendar: Calendar, expansion: Expansion, event_ids: dict[str, int]) -> None:
    """Replace the calendar's occurrences with an expansion (one short transaction) and name what it left out."""
    started = time.perf_counter()
    rows = [
        Occurrence(
            calendar=calendar,
            event_id=event_ids[o.uid],
            recurrence_id=o.recurrence_id,
            start=_stored(o.start),
            end=_stored(o.end),
            kind=o.kind,
            busy=o.busy,
            status=o.status[:12],
            summary=o.summary,
        )
        for o in expansion.occurrences
        if o.uid in event_ids
    ]
    with transaction.atomic():
        Occurrence.objects.filter(calendar=calendar).delete()
        Occurrence.objects.bulk_create(rows, batch_size=2000)
        calendar.materialised_from, calendar.materialised_until = expansion.start, expansion.end
        calendar.unread_series = [str(p) for p in expansion.problems][:MAX_NAMED]
        calendar.sync_seconds = expansion.seconds + time.perf_counter() - started
        calendar.save(update_fields=["materialised_from", "materialised_until", "unread_series", "sync_seconds"])


def calendar_materialise(*, calendar: Calendar, now: datetime | None = None) -> list[ical.Problem]:
    """Replace the calendar's occurrences with a fresh expansion over [now − 31 days, now + 400 days)."""
    events = list(Event.objects.filter(calendar=calendar, deleted=False).only("pk", "uid", "ics"))
    expansion = calendar_expand([e.ics for e in events], now=now)
    occurrences_store(calendar=calendar, expansion=expansion, event_ids={e.uid: e.pk for e in events})
    return expansion.problems
