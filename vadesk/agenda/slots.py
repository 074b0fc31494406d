"""The slot finder: every feasible start for a meeting, by interval arithmetic (pure: no ORM, no iCalendar).

All instants are whole seconds since the Unix epoch (UTC); intervals are half-open [start, end).

1. Each participant's working time becomes a sorted list of UTC intervals: the time line is cut
   into pieces of constant UTC offset (DST changes are found by bisection), and each working-hour
   range of each local day is mapped through its piece. So "every minute of the meeting falls in
   a working range of that minute's local weekday" becomes "the meeting lies inside one interval".
2. Busy intervals (fixed ones, and floating/all-day ones already read in the participant's zone)
   are widened by the buffer on both sides, merged, and cut out of the working intervals.
3. The free lists of all participants are intersected in one linear sweep.
4. In each common free interval [a, b) the feasible starts are the grid points t = window start
   + k × step with a ≤ t and t + duration ≤ b (and t + duration ≤ window end).

Cost: O(n log n) in the number of busy intervals, plus the number of starts returned; no
per-candidate scan of the events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

Interval = tuple[int, int]
DAY = 86400


@dataclass(frozen=True)
class Participant:
    name: str
    zone: ZoneInfo
    # Monday = 0 … Sunday = 6 → ranges in minutes after local midnight, [start, end), end ≤ 1440.
    working_hours: dict[int, list[Interval]]
    busy: list[Interval] = field(default_factory=list)
    # Pasted availability of an outside party: when given, they are free only inside these ranges
    # (and their working hours). Not widened by the buffer: it is not a meeting.
    available: list[Interval] | None = None


@dataclass(frozen=True)
class Case:
    window: Interval
    duration: int
    step: int
    buffer: int
    participants: list[Participant]


def feasible_starts(case: Case) -> list[int]:
    """Every start t on the grid at which all participants are free for [t, t + duration)."""
    start, end = case.window
    if case.duration <= 0 or case.step <= 0 or end - start < case.duration:
        return []
    # A busy interval touches the window only through the buffer: look that far beyond it.
    span = (start - case.buffer - DAY, end + case.buffer + DAY)
    common: list[Interval] = [(start, end)]
    for participant in case.participants:
        common = intersect(common, free_intervals(participant, span, case.buffer))
        if not common:
            return []
    return grid_starts(common, start, end, case.duration, case.step)


def free_intervals(participant: Participant, span: Interval, buffer: int) -> list[Interval]:
    working = working_intervals(participant.zone, participant.working_hours, span)
    if participant.available is not None:
        working = intersect(working, merge(list(participant.available)))
    widened = merge([(s - buffer, e + buffer) for s, e in participant.busy if e + buffer > s - buffer])
    return subtract(working, widened)


def grid_starts(free: list[Interval], origin: int, window_end: int, duration: int, step: int) -> list[int]:
    starts: list[int] = []
    for a, b in free:
        last = min(b, window_end) - duration
        first_k = max(0, -((origin - a) // step))  # ceil((a - origin) / step)
        t = origin + first_k * step
        while t <= last:
            starts.append(t)
            t += step
    return starts


def offset_pieces(zone: ZoneInfo, span: Interval) -> list[tuple[int, int, int]]:
    """[(start, end, utc_offset_seconds)] covering span, cut wherever the zone's offset changes."""

    def offset(t: int) -> int:
        delta = datetime.fromtimestamp(t, zone).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    pieces: list[tuple[int, int, int]] = []
    lo, hi = span
    current, current_offset = lo, offset(lo)
    probe = lo
    # Zones change offset at most a few times a year and never twice within 6 hours.
    while probe < hi:
        nxt = min(probe + 6 * 3600, hi)
        nxt_offset = offset(nxt)
        if nxt_offset != current_offset:
            a, b = probe, nxt  # offset(a) == current_offset != offset(b): bisect to the second
            while b - a > 1:
                mid = (a + b) // 2
                if offset(mid) == current_offset:
                    a = mid
                else:
                    b = mid
            pieces.append((current, b, current_offset))
            current, current_offset = b, nxt_offset
        probe = nxt
    pieces.append((current, hi, current_offset))
    return [p for p in pieces if p[0] < p[1]]


def working_intervals(zone: ZoneInfo, hours: dict[int, list[Interval]], span: Interval) -> list[Interval]:
    """UTC intervals in span whose local wall time lies in a working range of its local weekday."""
    result: list[Interval] = []
    for piece_start, piece_end, off in offset_pieces(zone, span):
        wall_lo, wall_hi = piece_start + off, piece_end + off
        for day in range(wall_lo // DAY, (wall_hi - 1) // DAY + 1):
            weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
            for lo, hi in hours.get(weekday, ()):
                a = max(day * DAY + lo * 60, wall_lo)
                b = min(day * DAY + hi * 60, wall_hi)
                if a < b:
                    result.append((a - off, b - off))
    return merge(result)


def merge(intervals: list[Interval]) -> list[Interval]:
    """Sorted, non-overlapping, non-touching; empty intervals dropped."""
    merged: list[Interval] = []
    for s, e in sorted(intervals):
        if s >= e:
            continue
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def subtract(base: list[Interval], cut: list[Interval]) -> list[Interval]:
    """base minus cut; both sorted and merged."""
    result: list[Interval] = []
    j = 0
    for s, e in base:
        while j < len(cut) and cut[j][1] <= s:
            j += 1
        k = j
        while k < len(cut) and cut[k][0] < e:
            if cut[k][0] > s:
                result.append((s, cut[k][0]))
            s = max(s, cut[k][1])
            if s >= e:
                break
            k += 1
        if s < e:
            result.append((s, e))
    return result


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    result: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if s < e:
            result.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return result


def to_epoch(value: datetime) -> int:
    return int(value.timestamp())


def iso_z(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
