"""Quiet hours and the daily summary slot: pure functions over aware datetimes."""

from __future__ import annotations

from datetime import datetime, time, timedelta


def quiet_end(now: datetime, start: time | None, end: time | None) -> datetime | None:
    """The moment the quiet period `now` falls in ends, or None when `now` is not quiet.

    `now` is aware and in the zone the hours are meant in. A window may cross midnight (22:00–07:00);
    equal or missing ends mean no quiet hours. The end is a wall-clock time: on a DST change it is
    resolved as zoneinfo does (fold=0).
    """
    if start is None or end is None or start == end:
        return None
    moment, day = now.time().replace(tzinfo=None), now.date()
    if start < end:
        inside = start <= moment < end
        end_day = day
    elif moment >= start:
        inside, end_day = True, day + timedelta(days=1)
    else:
        inside, end_day = moment < end, day
    return datetime.combine(end_day, end, tzinfo=now.tzinfo) if inside else None


def summary_slot(now: datetime, at: time) -> datetime | None:
    """Today's summary moment if it has passed (`now` aware, in the organisation's zone), else None."""
    slot = datetime.combine(now.date(), at, tzinfo=now.tzinfo)
    return slot if slot <= now else None
