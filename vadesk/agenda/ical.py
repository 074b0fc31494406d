"""Reading iCalendar data safely and expanding it into occurrences (pure: no ORM).

Hostile input is named, not fatal: an event without DTSTART, with a TZID nobody defines,
with a rule too dense to expand, or a second copy of a UID is left out and reported as a
`Problem`; the rest of the file still counts. Only an unreadable or oversized file fails
as a whole (`IcsError`).
"""

from __future__ import annotations

import calendar as gregorian
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, Literal

import icalendar
import recurring_ical_events
from django.utils.translation import gettext as _

MAX_ICS_BYTES = 10 * 1024 * 1024
# Per series and per calendar, within one expansion window: more is a hostile or broken rule.
MAX_OCCURRENCES_PER_SERIES = 5_000
MAX_OCCURRENCES_PER_CALENDAR = 100_000
# dateutil walks a rule from DTSTART, about 20 µs a step, and lists every instance in the window before the
# per-series cap can stop it: 50,000 steps is about a second (a MINUTELY rule of 35 days, HOURLY of 5 years).
MAX_RULE_STEPS = 50_000
_FREQ_SECONDS = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600, "DAILY": 86400, "WEEKLY": 7 * 86400}
# A time zone's offset changes a few times a year. dateutil walks a VTIMEZONE rule from its DTSTART (often 1601) to
# every instant it converts, and may be asked for any year up to 9999: count the steps to 9999.
_TZ_FREQS = {"YEARLY": 1, "MONTHLY": 12}
MAX_TZ_RULE_STEPS = 20_000
# A rule whose day filters (BYMONTH, BYMONTHDAY, BYYEARDAY) match no day is searched by dateutil up to the year 9999
# (HOURLY;BYMONTH=2;BYMONTHDAY=30 took 79 s): such a rule is refused if no day matches within one leap-year cycle.
_NEVER_SCAN_YEARS = 29

Kind = Literal["fixed", "floating", "allday"]


class IcsError(ValueError):
    """The whole file cannot be used."""


@dataclass(frozen=True)
class Problem:
    uid: str
    summary: str
    message: str

    def __str__(self) -> str:
        name = self.summary or self.uid or _("(no UID)")
        return f"{name}: {self.message}"


@dataclass(frozen=True)
class Occurrence:
    """One instance of an event.

    `fixed` times are aware UTC datetimes. `floating` times (RFC 5545 §3.3.5 form #1) are naive
    wall-clock datetimes and `allday` ones are dates: both mean "in whoever's zone looks at them".
    """

    uid: str
    recurrence_id: str
    summary: str
    start: datetime | date
    end: datetime | date
    kind: Kind
    busy: bool
    status: str
    transparent: bool

    def utc_range(self, zone: tzinfo) -> tuple[datetime, datetime]:
        """Start and end in UTC, reading floating and all-day times in `zone` (fold=0: RFC 5545 §3.3.5)."""
        return _to_utc(self.start, zone), _to_utc(self.end, zone)


@dataclass
class Parsed:
    calendar: icalendar.Calendar
    problems: list[Problem] = field(default_factory=list)
    event_count: int = 0


def _to_utc(value: datetime | date, zone: tzinfo) -> datetime:
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def parse_ics(data: bytes | str, *, max_bytes: int = MAX_ICS_BYTES) -> Parsed:
    """Parse and clean a VCALENDAR: bad components are removed and reported, never half-used."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > max_bytes:
        # A subscription is read only up to the limit plus one byte, so the true size is not known: say what the limit is.
        raise IcsError(
            _("The file is too large: at most %(max)s MB is accepted.") % {"max": round(max_bytes / 1024 / 1024, 1)}
        )
    # Before icalendar reads the file: it builds (and caches, process-wide) a tzinfo from every VTIMEZONE.
    zone_problem = _timezone_problem(raw)
    if zone_problem:
        raise IcsError(zone_problem)
    try:
        calendars = icalendar.Calendar.from_ical(raw, multiple=True)
    except Exception as exc:  # icalendar raises ValueError, KeyError, IndexError… on garbage
        raise IcsError(_("This is not a readable iCalendar file (%(error)s).") % {"error": str(exc)[:200]}) from exc
    if not calendars:
        raise IcsError(_("This file contains no calendar."))
    merged = icalendar.Calendar()
    merged.add("prodid", "-//vadesk//agenda//EN")
    merged.add("version", "2.0")
    parsed = Parsed(merged)
    seen: dict[tuple[str, str], icalendar.Event] = {}
    for calendar in calendars:
        if calendar.name != "VCALENDAR":
            raise IcsError(_("This file contains no calendar."))
        for component in calendar.subcomponents:
            if component.name == "VTIMEZONE":
                merged.add_component(component)
            elif isinstance(component, icalendar.Event):
                _take_event(component, parsed, seen)
    return parsed


def _take_event(event: icalendar.Event, parsed: Parsed, seen: dict[tuple[str, str], icalendar.Event]) -> None:
    uid = str(event.get("UID", "")).strip()
    summary = str(event.get("SUMMARY", ""))[:200]
    problem = _event_problem(event)
    if problem is None and not uid:
        problem = _("no UID (RFC 5545 §3.8.4.7 requires one)")
    if problem is None:
        key = (uid, _recurrence_key(event))
        if key in seen:
            problem = _("a second event with the same UID; the first one is kept")
        else:
            seen[key] = event
    if problem is not None:
        parsed.problems.append(Problem(uid, summary, problem))
        return
    parsed.calendar.add_component(event)
    parsed.event_count += 1


def _recurrence_key(event: icalendar.Event) -> str:
    rid = event.get("RECURRENCE-ID")
    return "" if rid is None else _iso(rid.dt)


def _event_problem(event: icalendar.Event) -> str | None:
    """Why an event cannot be used, or None."""
    try:
        start = event.get("DTSTART")
        if start is None:
            return _("no start (DTSTART is required, RFC 5545 §3.6.1)")
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
            prop = event.get(name)
            if prop is None:
                continue
            value = prop.dt
            if "TZID" in prop.params and isinstance(value, datetime) and value.tzinfo is None:
                return _("unknown time zone %(tzid)s") % {"tzid": prop.params["TZID"]}
        end = event.get("DTEND")
        if end is not None and type(end.dt) is not type(start.dt):
            return _("DTSTART and DTEND are of different kinds (RFC 5545 §3.6.1)")
        if end is not None and _as_datetime(end.dt) < _as_datetime(start.dt):
            return _("ends before it starts")
        for rule in _as_list(event.get("RRULE")):
            problem = _rule_problem(rule, start.dt)
            if problem:
                return problem
        for name in ("EXDATE", "RDATE"):
            for prop in _as_list(event.get(name)):
                for item in getattr(prop, "dts", []):
                    if "TZID" in prop.params and isinstance(item.dt, datetime) and item.dt.tzinfo is None:
                        return _("unknown time zone %(tzid)s") % {"tzid": prop.params["TZID"]}
    except Exception as exc:  # a malformed property value surfaces only when read
        return _("unreadable property (%(error)s)") % {"error": str(exc)[:120]}
    return None


def _rule_problem(rule: icalendar.vRecur, start: date | datetime) -> str | None:
    freq = (rule.get("FREQ") or [""])[0]
    if freq not in (*_FREQ_SECONDS, "MONTHLY", "YEARLY"):
        return _("unknown recurrence frequency %(freq)s") % {"freq": freq or "-"}
    interval = int((rule.get("INTERVAL") or [1])[0])
    if interval < 1:
        return _("recurrence interval must be at least 1")
    if _never_matches(rule, start):
        return _("the recurrence rule matches no day (%(rule)s)") % {"rule": rule.to_ical().decode()[:120]}
    if freq not in _FREQ_SECONDS:
        return None
    # dateutil walks a rule step by step from DTSTART: estimate the steps to a horizon two years out.
    horizon = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=800)
    until = rule.get("UNTIL")
    if until:
        horizon = min(horizon, _as_datetime(until[0]))
    steps = max(0.0, (horizon - _as_datetime(start)).total_seconds()) / (_FREQ_SECONDS[freq] * interval)
    if rule.get("COUNT"):
        steps = min(steps, int(rule["COUNT"][0]))
    for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        steps *= max(1, len(rule.get(part) or []))
    if steps > MAX_RULE_STEPS:
        return _("the recurrence rule repeats too often to expand (%(freq)s since %(start)s)") % {
            "freq": freq,
            "start": start,
        }
    return None


def _unfolded_lines(raw: bytes) -> Iterator[str]:
    """The content lines of an iCalendar text (RFC 5545 §3.1: a CRLF followed by a space or tab continues a line)."""
    text = raw.decode("utf-8", "replace")
    yield from re.sub(r"\r?\n[ \t]", "", text).splitlines()


def _timezone_problem(raw: bytes) -> str | None:
    """Why the file's VTIMEZONEs cannot be used, read from the text before any of them is built, or None."""
    tzid, inside, start = "", "", ""
    rules: list[str] = []
    for line in _unfolded_lines(raw):
        name, _sep, value = line.partition(":")
        name = name.split(";", 1)[0].strip().upper()
        if name == "BEGIN" and value.strip().upper() == "VTIMEZONE":
            tzid, inside = "?", "VTIMEZONE"
        elif not inside:
            continue
        elif name == "TZID" and inside == "VTIMEZONE":
            tzid = value.strip()[:80]
        elif name == "BEGIN" and value.strip().upper() in ("STANDARD", "DAYLIGHT"):
            inside, start, rules = "RULE", "", []
        elif name == "DTSTART" and inside == "RULE":
            start = value.strip()
        elif name == "RRULE" and inside == "RULE":
            rules.append(value.strip())
        elif name == "END" and value.strip().upper() in ("STANDARD", "DAYLIGHT") and inside == "RULE":
            inside = "VTIMEZONE"
            for rule in rules:
                problem = _timezone_rule_problem(rule, start)
                if problem:
                    return _("The time zone %(tzid)s cannot be used: %(problem)s") % {"tzid": tzid, "problem": problem}
        elif name == "END" and value.strip().upper() == "VTIMEZONE":
            inside = ""
    return None


def _timezone_rule_problem(text: str, start_text: str) -> str | None:
    """Why one STANDARD/DAYLIGHT RRULE of a VTIMEZONE cannot be used, or None."""
    try:
        rule = icalendar.vRecur.from_ical(text)
        start = icalendar.vDDDTypes.from_ical(start_text) if start_text else datetime(1601, 1, 1)
        interval = int((rule.get("INTERVAL") or [1])[0])
    except Exception as exc:  # a malformed value
        return _("unreadable rule (%(error)s)") % {"error": str(exc)[:120]}
    freq = str((rule.get("FREQ") or [""])[0]).upper()
    if freq not in _TZ_FREQS:
        return _("its offset changes %(freq)s; a time zone may change at most monthly") % {"freq": freq or "-"}
    if interval < 1:
        return _("recurrence interval must be at least 1")
    year = _as_datetime(start).year
    until = rule.get("UNTIL")
    last = min(9999, _as_datetime(until[0]).year) if until else 9999
    steps = max(0, last - year + 1) * _TZ_FREQS[freq] / interval
    if rule.get("COUNT"):
        steps = min(steps, int(rule["COUNT"][0]))
    steps *= _filter_width(rule)
    if steps > MAX_TZ_RULE_STEPS or _never_matches(rule, start):
        return _("its rule %(freq)s since %(start)s takes too many steps to expand") % {"freq": freq, "start": start}
    return None


def _filter_width(rule: icalendar.vRecur) -> int:
    """How many candidates each step of a rule can make (an upper bound, RFC 5545 §3.3.10's BYxxx expansion)."""
    width = 1
    for part in ("BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYHOUR", "BYMINUTE", "BYSECOND"):
        width *= max(1, len(rule.get(part) or []))
    # A weekday without an ordinal means every such weekday of the period: up to 53 in a year.
    width *= sum(1 if re.match(r"[+-]?\d", str(day)) else 53 for day in rule.get("BYDAY") or []) or 1
    return width


def _never_matches(rule: icalendar.vRecur, start: date | datetime) -> bool:
    """Whether no day in the next 29 years passes the rule's BYMONTH/BYMONTHDAY/BYYEARDAY filters.

    1. Only rules with BYMONTHDAY or BYYEARDAY can be impossible this way (every month has every weekday).
    2. Walk the days from DTSTART and stop at the first that passes all three filters (for a sane rule: at once).
    """
    month_days = {int(d) for d in rule.get("BYMONTHDAY") or []}
    year_days = {int(d) for d in rule.get("BYYEARDAY") or []}
    if not month_days and not year_days:
        return False
    months = {int(m) for m in rule.get("BYMONTH") or []} or set(range(1, 13))
    first = start.year if isinstance(start, date) else 2000
    for year in range(first, min(first + _NEVER_SCAN_YEARS, 9999)):
        length = 366 if gregorian.isleap(year) else 365
        year_day = 0
        for month in range(1, 13):
            days = gregorian.monthrange(year, month)[1]
            if month not in months:
                year_day += days
                continue
            for day in range(1, days + 1):
                year_day += 1
                if month_days and day not in month_days and day - days - 1 not in month_days:
                    continue
                if year_days and year_day not in year_days and year_day - length - 1 not in year_days:
                    continue
                return False
    return True


def _as_list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _as_datetime(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    return datetime(value.year, value.month, value.day)


def _iso(value: date | datetime) -> str:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%dT%H%M%S") if isinstance(value, datetime) else value.strftime("%Y%m%d")


def expand(parsed: Parsed, start: datetime, end: datetime) -> tuple[list[Occurrence], list[Problem]]:
    """Every occurrence overlapping [start, end), capped per series and per calendar.

    The window is widened by a day each side so that floating and all-day events, which
    have no instant of their own, are kept for readers in any zone (UTC-14 … UTC+14).
    A series the expander refuses is left out and named; the others still count.
    """
    pad = timedelta(days=1, hours=2)
    try:
        return _capped(_lazily(parsed.calendar, start - pad, end + pad))
    except Exception:  # a rule dateutil refuses: find which series it is
        pass
    occurrences: list[Occurrence] = []
    problems: list[Problem] = []
    for uid, text in split_by_uid(parsed).items():
        single = icalendar.Calendar.from_ical(text)
        try:
            found, found_problems = _capped(_lazily(single, start - pad, end + pad))
        except Exception as exc:
            summary = str(single.walk("VEVENT")[0].get("SUMMARY", ""))
            problems.append(
                Problem(uid, summary, _("this series cannot be expanded (%(error)s)") % {"error": str(exc)[:120]})
            )
            continue
        occurrences += found
        problems += found_problems
    return occurrences, problems


def _lazily(calendar: icalendar.Calendar, start: datetime, end: datetime) -> Iterator[icalendar.Event]:
    """The occurrences series by series, each stopped one past its cap (so that the cap is named, not reached in full).

    recurring_ical_events' `between()` would first turn every instance of every series into a component.
    """
    query = recurring_ical_events.of(calendar)
    for series in query.series:
        for n, occurrence in enumerate(series.between(start, end)):
            yield occurrence.as_component(query.keep_recurrence_attributes)
            if n >= MAX_OCCURRENCES_PER_SERIES:
                break


def _capped(components: Iterable[icalendar.Event]) -> tuple[list[Occurrence], list[Problem]]:
    problems: list[Problem] = []
    per_series: dict[str, int] = {}
    result: list[Occurrence] = []
    for component in components:
        if len(result) >= MAX_OCCURRENCES_PER_CALENDAR:
            problems.append(
                Problem(
                    "", "", _("more than %(n)s occurrences; the rest is left out") % {"n": MAX_OCCURRENCES_PER_CALENDAR}
                )
            )
            break
        uid = str(component.get("UID", ""))
        per_series[uid] = per_series.get(uid, 0) + 1
        if per_series[uid] == MAX_OCCURRENCES_PER_SERIES + 1:
            problems.append(
                Problem(
                    uid,
                    str(component.get("SUMMARY", "")),
                    _("more than %(n)s occurrences in the window; the rest is left out")
                    % {"n": MAX_OCCURRENCES_PER_SERIES},
                )
            )
        if per_series[uid] > MAX_OCCURRENCES_PER_SERIES:
            continue
        result.append(occurrence_of(component))
    return result, problems


def occurrence_of(component: icalendar.Event) -> Occurrence:
    """One expanded VEVENT as an Occurrence (the expander has already set DTSTART/DTEND per instance)."""
    start = _moment(component["DTSTART"])
    end_prop = component.get("DTEND")
    end = _moment(end_prop) if end_prop is not None else start
    kind: Kind
    if not isinstance(start, datetime):
        kind = "allday"
        if end_prop is None or end <= start:  # RFC 5545 §3.6.1: a DATE start without end lasts one day
            end = start + timedelta(days=1)
        if isinstance(end, datetime):
            end = end.date()
    elif start.tzinfo is None:
        kind = "floating"
        if isinstance(end, datetime) and end.tzinfo is not None:
            end = end.replace(tzinfo=None)
    else:
        kind = "fixed"
        start = start.astimezone(UTC)
        end = end.astimezone(UTC) if isinstance(end, datetime) and end.tzinfo else start
    status = str(component.get("STATUS", "CONFIRMED")).upper()
    transparent = str(component.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT"
    rid = component.get("RECURRENCE-ID")
    return Occurrence(
        uid=str(component.get("UID", "")),
        recurrence_id=_iso(_moment(rid)) if rid is not None else _iso(_moment(component["DTSTART"])),
        summary=str(component.get("SUMMARY", ""))[:300],
        start=start,
        end=end,
        kind=kind,
        # RFC 5545 §3.8.2.7: TRANSPARENT does not block; a cancelled instance (§3.8.1.11) is not held.
        busy=not transparent and status != "CANCELLED",
        status=status,
        transparent=transparent,
    )


def _moment(prop: Any) -> date:
    """The DATE or DATE-TIME of a DTSTART, DTEND or RECURRENCE-ID (RFC 5545 §3.3.4, §3.3.5); anything else is refused."""
    value = getattr(prop, "dt", None)
    if not isinstance(value, date):  # a datetime is a date too
        raise IcsError(_("an event's start or end is not a date or a time"))
    return value


def split_by_uid(parsed: Parsed) -> dict[str, str]:
    """One VCALENDAR text per UID (master and overrides, RFC 4791 §4.1), with the VTIMEZONEs it uses."""
    zones = {str(tz.get("TZID")): tz for tz in parsed.calendar.walk("VTIMEZONE")}
    groups: dict[str, list[icalendar.Component]] = {}
    for event in parsed.calendar.walk("VEVENT"):
        groups.setdefault(str(event.get("UID")), []).append(event)
    result = {}
    for uid, events in groups.items():
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//vadesk//agenda//EN")
        calendar.add("version", "2.0")
        used = {str(prop.params["TZID"]) for e in events for prop in _dated_props(e) if "TZID" in prop.params}
        for tzid in sorted(used & zones.keys()):
            calendar.add_component(zones[tzid])
        for event in events:
            calendar.add_component(event)
        result[uid] = calendar.to_ical().decode()
    return result


def _dated_props(event: icalendar.Component) -> list:
    props = []
    for name in ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE"):
        props.extend(_as_list(event.get(name)))
    return props


def join(objects: Iterable[str]) -> Parsed:
    """Many stored objects as one calendar for expansion (each was checked when it was stored)."""
    merged = icalendar.Calendar()
    merged.add("prodid", "-//vadesk//agenda//EN")
    merged.add("version", "2.0")
    parsed = Parsed(merged)
    zones: set[str] = set()
    for text in objects:
        calendar = icalendar.Calendar.from_ical(text)
        for component in calendar.subcomponents:
            if component.name == "VTIMEZONE":
                tzid = str(component.get("TZID"))
                if tzid not in zones:
                    zones.add(tzid)
                    merged.add_component(component)
            elif component.name == "VEVENT":
                merged.add_component(component)
                parsed.event_count += 1
    return parsed
