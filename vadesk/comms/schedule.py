"""When a digest is due and when a contact may be disturbed: pure functions over wall-clock rules, no ORM.

A contact's rules are in their own local time. Each moment is built from the local date and
wall time in the contact's zone (zoneinfo, PEP 495), then compared in UTC, so a 17:00
Europe/Amsterdam digest is 15:00 UTC in summer (CEST, +02:00) and 16:00 UTC in winter (CET, +01:00).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Quiet:
    """Hours (possibly spanning midnight, e.g. 22:00–07:00) and whole weekdays (Monday = 0) not to disturb."""

    zone: str
    start: time | None = None
    end: time | None = None
    days: frozenset[int] = field(default_factory=frozenset)


def local_moment(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The instant a local wall-clock time happens on a day.

    PEP 495: fold=0 picks the first of two repeated autumn times; a time that does not exist
    (the spring gap, 02:30 in Amsterdam on the last Sunday of March) takes the offset from before
    the gap and so lands just after it (03:30 CEST), which is what a person would expect.
    """
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def next_digest(after: datetime, *, cadence: str, at: time, weekday: int, zone: str) -> datetime | None:
    """The first digest moment strictly after `after`, or None for contacts who hear about everything immediately."""
    if cadence not in ("daily", "weekly"):
        return None
    tz = ZoneInfo(zone)
    today = after.astimezone(tz).date()
    for offset in range(0, 9):
        day = today + timedelta(days=offset)
        if cadence == "weekly" and day.weekday() != weekday:
            continue
        moment = local_moment(day, at, tz)
        if moment > after:
            return moment
    raise AssertionError("a daily or weekly moment always falls within nine days")


def is_quiet(moment: datetime, quiet: Quiet) -> bool:
    local = moment.astimezone(ZoneInfo(quiet.zone))
    if local.weekday() in quiet.days:
        return True
    if quiet.start is None or quiet.end is None or quiet.start == quiet.end:
        return False
    wall = local.time().replace(tzinfo=None)
    if quiet.start < quiet.end:
        return quiet.start <= wall < quiet.end
    return wall >= quiet.start or wall < quiet.end  # the window spans midnight


def quiet_ends(moment: datetime, quiet: Quiet) -> datetime | None:
    """When a quiet period that `moment` falls in is over, or None when `moment` is not quiet.

    The candidates are the ends of quiet hours and the starts of days over the next eight days;
    the first one that is not itself quiet is the answer. All quiet days of the week → None would
    mean "never"; we then fall back to the end of the quiet hours on the next day, so nothing waits forever.
    """
    if not is_quiet(moment, quiet):
        return None
    tz = ZoneInfo(quiet.zone)
    today = moment.astimezone(tz).date()
    candidates = []
    for offset in range(0, 9):
        day = today + timedelta(days=offset)
        candidates.append(local_moment(day, time(0, 0), tz))
        if quiet.end is not None:
            candidates.append(local_moment(day, quiet.end, tz))
    for candidate in sorted(c for c in candidates if c > moment):
        if not is_quiet(candidate, quiet):
            return candidate
    return local_moment(today + timedelta(days=1), quiet.end or time(8, 0), tz)


def quiet_begins(moment: datetime, quiet: Quiet) -> datetime | None:
    """When the quiet period that `moment` falls in began, or None when `moment` is not quiet.

    Quiet can only begin at the start of quiet hours or at midnight (a quiet day), so the latest
    such boundary at or before `moment` whose previous instant was not quiet is the beginning.
    """
    if not is_quiet(moment, quiet):
        return None
    tz = ZoneInfo(quiet.zone)
    today = moment.astimezone(tz).date()
    candidates = []
    for offset in range(0, 9):
        day = today - timedelta(days=offset)
        candidates.append(local_moment(day, time(0, 0), tz))
        if quiet.start is not None:
            candidates.append(local_moment(day, quiet.start, tz))
    for candidate in sorted((c for c in candidates if c <= moment), reverse=True):
        if not is_quiet(candidate - timedelta(seconds=1), quiet):
            return candidate
    return None  # quiet for more than a week (every day a quiet day)


# How long before the quiet period a time-bound message goes when it cannot wait for the end.
BEFORE_QUIET = timedelta(minutes=15)


def timebound_moment(ideal: datetime, deadline: datetime, quiet: Quiet, *, now: datetime) -> datetime:
    """When to send a message that is useless after `deadline` (an appointment reminder).

    1. At `ideal` (never before `now`) when that is not quiet.
    2. Else at the end of the quiet period, if that is still before the deadline.
    3. Else 15 minutes before the quiet period began (the last moment the contact may be disturbed
       before it), if that has not passed yet.
    4. Else now: the contact is quiet from now until after the appointment, and a reminder after the
       fact helps nobody, so it goes at once rather than not at all.
    """
    ideal = max(ideal, now)
    if not is_quiet(ideal, quiet):
        return ideal
    end = quiet_ends(ideal, quiet)
    if end is not None and end < deadline:
        return end
    begin = quiet_begins(ideal, quiet)
    if begin is not None:
        before = begin - BEFORE_QUIET
        if is_quiet(before, quiet):
            before = begin - timedelta(seconds=1)
        if before >= now:
            return before
    return now
