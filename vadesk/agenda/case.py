"""The `vadesk slots` case file: reading and checking it, and turning it into a slots.Case.

Paths in `calendars` are read relative to the case file's directory (relative to the current
directory when the case comes from stdin), so a case and its .ics files travel together.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _

from vadesk.agenda import ical, slots

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


class CaseError(ValueError):
    pass


def parse_instant(value: Any, where: str) -> datetime:
    """An ISO 8601 instant with a zone (Z or ±hh:mm): a naive one would be ambiguous."""
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise CaseError(
            _("%(where)s: %(value)r is not an ISO 8601 date-time.") % {"where": where, "value": value}
        ) from None
    if parsed.tzinfo is None:
        raise CaseError(
            _("%(where)s: %(value)r has no time zone; add Z or an offset.") % {"where": where, "value": value}
        )
    return parsed.astimezone(UTC)


def parse_minutes(value: Any, where: str) -> int:
    match = _HHMM.match(str(value))
    if not match or (match[1] == "24" and match[2] != "00"):
        raise CaseError(
            _("%(where)s: %(value)r is not a time HH:MM between 00:00 and 24:00.") % {"where": where, "value": value}
        )
    return int(match[1]) * 60 + int(match[2])


def parse_working_hours(value: Any, where: str) -> dict[int, list[slots.Interval]]:
    if not isinstance(value, dict):
        raise CaseError(_("%(where)s: working_hours must map weekdays (mon … sun) to ranges.") % {"where": where})
    hours: dict[int, list[slots.Interval]] = {}
    for day, ranges in value.items():
        if day not in WEEKDAYS:
            raise CaseError(_("%(where)s: %(day)r is not a weekday (mon … sun).") % {"where": where, "day": day})
        if not isinstance(ranges, list):
            raise CaseError(
                _("%(where)s.%(day)s: expected a list of [start, end] ranges.") % {"where": where, "day": day}
            )
        for i, item in enumerate(ranges):
            spot = f"{where}.{day}[{i}]"
            if not isinstance(item, list | tuple) or len(item) != 2:
                raise CaseError(_("%(where)s: expected [start, end].") % {"where": spot})
            lo, hi = parse_minutes(item[0], spot), parse_minutes(item[1], spot)
            if lo >= hi:
                raise CaseError(
                    _("%(where)s: the range must end after it starts (a range cannot cross midnight).")
                    % {"where": spot}
                )
            hours.setdefault(WEEKDAYS.index(day), []).append((lo, hi))
    return hours


def _positive_int(data: dict[str, Any], key: str, *, minimum: int, default: int | None = None) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise CaseError(_("%(key)s must be a whole number of at least %(min)s.") % {"key": key, "min": minimum})
    return value


BusySource = Callable[[str, ZoneInfo, datetime, datetime], list[slots.Interval]]


def ics_file_busy(base_dir: Path, warn: Callable[[str], None] | None = None) -> BusySource:
    """Busy intervals of an .ics file, read relative to base_dir; floating and all-day times in `zone`.

    What the file holds but cannot be read (a refused or capped series, an unreadable event) is left out
    and, through `warn`, named: those times may be busy.
    """

    def read(name: str, zone: ZoneInfo, start: datetime, end: datetime) -> list[slots.Interval]:
        path = base_dir / name
        try:
            data = path.read_bytes() if path.stat().st_size <= ical.MAX_ICS_BYTES else b"x" * (ical.MAX_ICS_BYTES + 1)
        except OSError as exc:
            raise CaseError(
                _("Calendar %(name)s cannot be read: %(error)s") % {"name": name, "error": exc.strerror}
            ) from None
        try:
            parsed = ical.parse_ics(data)
            occurrences, problems = ical.expand(parsed, start, end)
        except ical.IcsError as exc:
            raise CaseError(f"{name}: {exc}") from None
        if warn is not None:
            for problem in [*parsed.problems, *problems]:
                warn(
                    _("%(calendar)s: left out %(problem)s; those times may be busy.")
                    % {"calendar": name, "problem": problem}
                )
        return busy_of(occurrences, zone)

    return read


def busy_of(occurrences: list[ical.Occurrence], zone: ZoneInfo) -> list[slots.Interval]:
    result = []
    for occurrence in occurrences:
        if occurrence.busy:
            start, end = occurrence.utc_range(zone)
            result.append((slots.to_epoch(start), slots.to_epoch(end)))
    return result


def load_case(data: Any, busy_source: BusySource) -> slots.Case:
    """Check a case (as decoded JSON) and build the slots.Case; every error names where it is."""
    if not isinstance(data, dict):
        raise CaseError(_("The case must be a JSON object."))
    window = data.get("window")
    if not isinstance(window, list) or len(window) != 2:
        raise CaseError(_("window must be [start, end]."))
    start, end = parse_instant(window[0], "window[0]"), parse_instant(window[1], "window[1]")
    if end <= start:
        raise CaseError(_("window must end after it starts."))
    if end - start > timedelta(days=370):
        raise CaseError(_("window may span at most a year."))
    duration = _positive_int(data, "duration_minutes", minimum=1)
    step = _positive_int(data, "step_minutes", minimum=1)
    buffer = _positive_int(data, "buffer_minutes", minimum=0, default=0)
    people = data.get("participants")
    if not isinstance(people, list) or not people:
        raise CaseError(_("participants must be a non-empty list."))
    margin = timedelta(minutes=buffer, days=1)
    participants = [_participant(p, i, busy_source, start - margin, end + margin) for i, p in enumerate(people)]
    return slots.Case((slots.to_epoch(start), slots.to_epoch(end)), duration * 60, step * 60, buffer * 60, participants)


def _participant(data: Any, index: int, busy_source: BusySource, start: datetime, end: datetime) -> slots.Participant:
    where = f"participants[{index}]"
    if not isinstance(data, dict):
        raise CaseError(_("%(where)s must be an object.") % {"where": where})
    try:
        zone = ZoneInfo(str(data.get("tz", "")))
    except (ZoneInfoNotFoundError, ValueError):
        raise CaseError(
            _("%(where)s: %(tz)r is not an IANA time zone.") % {"where": where, "tz": data.get("tz")}
        ) from None
    hours = parse_working_hours(data.get("working_hours", {}), f"{where}.working_hours")
    busy: list[slots.Interval] = []
    for i, item in enumerate(data.get("busy", []) or []):
        spot = f"{where}.busy[{i}]"
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise CaseError(_("%(where)s: expected [start, end].") % {"where": spot})
        s, e = parse_instant(item[0], spot), parse_instant(item[1], spot)
        if e < s:
            raise CaseError(_("%(where)s: ends before it starts.") % {"where": spot})
        busy.append((slots.to_epoch(s), slots.to_epoch(e)))
    calendars = data.get("calendars", []) or []
    if not isinstance(calendars, list):
        raise CaseError(_("%(where)s.calendars must be a list of file names.") % {"where": where})
    for name in calendars:
        busy.extend(busy_source(str(name), zone, start, end))
    return slots.Participant(str(data.get("name", where)), zone, hours, busy)


def run(text: str, base_dir: Path, warn: Callable[[str], None] | None = None) -> list[str]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CaseError(_("The case is not valid JSON: %(error)s") % {"error": exc}) from None
    case = load_case(data, ics_file_busy(base_dir, warn))
    return [slots.iso_z(t) for t in slots.feasible_starts(case)]
