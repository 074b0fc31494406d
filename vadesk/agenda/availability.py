"""Working hours and pasted availability as text, one line per weekday or per date range.

Pure functions, no ORM. The text form is what people paste from an e-mail ("Mon 09:00-12:00",
"di 13:00-17:00, 18:00-20:00", "2026-03-17T09:00/2026-03-17T12:00"). Reading is strict: every
line that is not understood is named with its line number, and nothing is half-taken.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from vadesk.agenda.case import WEEKDAYS, CaseError, parse_working_hours

# English, Dutch and German names and abbreviations; none of them clash (Dutch "do" and German
# "Do" are both Thursday, Dutch "di" and German "Di" both Tuesday).
_DAY_NAMES = {
    "mon": ("mon", "monday", "mo", "ma", "maandag", "montag"),
    "tue": ("tue", "tues", "tuesday", "tu", "di", "dinsdag", "dienstag"),
    "wed": ("wed", "wednesday", "we", "wo", "woensdag", "mi", "mittwoch"),
    "thu": ("thu", "thur", "thurs", "thursday", "th", "do", "donderdag", "donnerstag"),
    "fri": ("fri", "friday", "fr", "vr", "vrijdag", "freitag"),
    "sat": ("sat", "saturday", "sa", "za", "zaterdag", "samstag"),
    "sun": ("sun", "sunday", "su", "zo", "zondag", "so", "sonntag"),
}
DAY_OF = {name: day for day, names in _DAY_NAMES.items() for name in names}
_RANGE = re.compile(r"^\s*(\d{1,2}[:.]\d{2})\s*[-–]\s*(\d{1,2}[:.]\d{2})\s*$")
_ISO_SPLIT = re.compile(r"\s*/\s*|\s+[-–]\s+|\s+(?:to|tot|bis)\s+", re.IGNORECASE)
MAX_LINES = 500


class AvailabilityError(ValueError):
    pass


def _hhmm(value: str) -> str:
    hours, minutes = value.replace(".", ":").split(":")
    return f"{int(hours):02d}:{minutes}"


def _weekday_line(line: str, number: int) -> tuple[str, list[list[str]]] | None:
    """'Mon 09:00-12:00, 13:00-17:00' → ('mon', [['09:00', '12:00'], ['13:00', '17:00']]); None when it is not a weekday line."""
    head, _sep, rest = line.strip().partition(" ")
    day = DAY_OF.get(head.rstrip(":,").lower())
    if day is None:
        return None
    ranges = []
    for part in rest.split(","):
        match = _RANGE.match(part)
        if not match:
            raise AvailabilityError(
                _("Line %(n)s: %(part)r is not a time range like 09:00-12:00.") % {"n": number, "part": part.strip()}
            )
        ranges.append([_hhmm(match[1]), _hhmm(match[2])])
    try:
        parse_working_hours({day: ranges}, _("line %(n)s") % {"n": number})
    except CaseError as exc:
        raise AvailabilityError(str(exc)) from None
    return day, ranges


def _instant(value: str, zone: ZoneInfo, number: int) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise AvailabilityError(
            _("Line %(n)s: %(value)r is not an ISO 8601 date-time.") % {"n": number, "value": value.strip()}
        ) from None
    # A time without an offset is read in the party's own zone (the zone it was pasted for).
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)).astimezone(UTC)


_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$", re.IGNORECASE)


def _duration(value: str, number: int) -> timedelta:
    match = _DURATION.match(value.strip())
    if not match or not any(match.groups()) or value.strip().upper().endswith("T"):
        raise AvailabilityError(
            _("Line %(n)s: %(value)r is not a duration like PT2H30M.") % {"n": number, "value": value.strip()}
        )
    days, hours, minutes = (int(g or 0) for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def parse_hours_text(text: str) -> dict[str, list[list[str]]]:
    """Weekday lines only (for working and preferred hours); a day named twice gets both lines' ranges."""
    hours: dict[str, list[list[str]]] = {}
    for number, line in enumerate(text.splitlines()[: MAX_LINES + 1], 1):
        if number > MAX_LINES:
            raise AvailabilityError(_("At most %(n)s lines are read.") % {"n": MAX_LINES})
        if not line.strip():
            continue
        found = _weekday_line(line, number)
        if found is None:
            raise AvailabilityError(
                _(
                    'Line %(n)s: %(line)r cannot be read; write a weekday and times, like "Mon 09:00-12:30, 13:30-17:30".'
                )
                % {"n": number, "line": line.strip()[:80]}
            )
        hours.setdefault(found[0], []).extend(found[1])
    return {day: sorted(hours[day]) for day in WEEKDAYS if day in hours}


def parse_availability(text: str, zone: ZoneInfo) -> tuple[dict[str, list[list[str]]], list[tuple[datetime, datetime]]]:
    """Pasted availability: weekday lines give working hours, ISO ranges ("start/end", "start - end") give free dates.

    Returns (weekly hours, free ranges in UTC). When ranges are given, the party is free only inside them
    (and inside the weekday hours, when those are given too).
    """
    hours: dict[str, list[list[str]]] = {}
    ranges: list[tuple[datetime, datetime]] = []
    for number, line in enumerate(text.splitlines()[: MAX_LINES + 1], 1):
        if number > MAX_LINES:
            raise AvailabilityError(_("At most %(n)s lines are read.") % {"n": MAX_LINES})
        if not line.strip():
            continue
        found = _weekday_line(line, number)
        if found is not None:
            hours.setdefault(found[0], []).extend(found[1])
            continue
        # Several ranges may share a line, separated by commas or semicolons.
        for piece in filter(None, (p.strip() for p in re.split(r"[;,]", line))):
            parts = _ISO_SPLIT.split(piece)
            if len(parts) != 2 or not re.match(r"^\d{4}-\d{2}-\d{2}", parts[0]):
                raise AvailabilityError(
                    _(
                        'Line %(n)s: %(line)r cannot be read; write "Mon 09:00-12:00" or an ISO range like '
                        '"2026-03-17T09:00/2026-03-17T12:00".'
                    )
                    % {"n": number, "line": piece[:80]}
                )
            start = _instant(parts[0], zone, number)
            # ISO 8601 §4.4.4.1 allows start/duration ("2026-03-17T09:00/PT3H") as well as start/end.
            end = (
                start + _duration(parts[1], number)
                if parts[1].upper().startswith("P")
                else _instant(parts[1], zone, number)
            )
            if end <= start:
                raise AvailabilityError(_("Line %(n)s: the range must end after it starts.") % {"n": number})
            if end - start > timedelta(days=31):
                raise AvailabilityError(_("Line %(n)s: a range may span at most 31 days.") % {"n": number})
            ranges.append((start, end))
    return {day: sorted(hours[day]) for day in WEEKDAYS if day in hours}, sorted(ranges)


def hours_text(hours: dict) -> str:
    """The inverse of parse_hours_text, for showing stored hours in a form."""
    lines = []
    for day in WEEKDAYS:
        if hours.get(day):
            lines.append(f"{day.capitalize()} " + ", ".join(f"{lo}-{hi}" for lo, hi in hours[day]))
    return "\n".join(lines)


def ranges_text(ranges: list, zone: ZoneInfo) -> str:
    """Stored ranges for the form, in the party's zone with the offset written out, so changing the zone in the
    same form does not move them."""

    def show(value: str) -> str:
        return datetime.fromisoformat(value).astimezone(zone).isoformat(timespec="minutes")

    return "\n".join(f"{show(s)}/{show(e)}" for s, e in ranges)
