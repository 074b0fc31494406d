"""Hostile recurrence: time-zone rules, rules that never match and dense series are refused or capped before expansion.

Each bound is asserted as work not done (icalendar or dateutil never asked, components counted), with a generous
wall-clock check only as a hang detector.
"""

import time
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import recurring_ical_events.occurrence
from dateutil import rrule

from vadesk.agenda import ical
from vadesk.agenda.importing import calendar_import_ics
from vadesk.agenda.tests.conftest import ICS

NOW = datetime(2026, 3, 10, 8, tzinfo=UTC)
WINDOW = (NOW - timedelta(days=31), NOW + timedelta(days=400))


def vcalendar(*parts: str) -> bytes:
    body = "\r\n".join(part.strip().replace("\n", "\r\n") for part in parts)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//EN\r\n{body}\r\nEND:VCALENDAR\r\n".encode()


def event(uid: str, rule: str, start: str = "20260301T100000Z", summary: str = "") -> str:
    return f"""BEGIN:VEVENT
UID:{uid}
DTSTAMP:20260101T000000Z
DTSTART:{start}
DURATION:PT1S
RRULE:{rule}
SUMMARY:{summary or uid}
END:VEVENT"""


def vtimezone(rule: str, start: str = "16010101T000000") -> str:
    return f"""BEGIN:VTIMEZONE
TZID:Evil
BEGIN:STANDARD
DTSTART:{start}
RRULE:{rule}
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:{start[:-1]}1
RRULE:{rule}
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
END:DAYLIGHT
END:VTIMEZONE"""


ZONED_EVENT = """BEGIN:VEVENT
UID:zoned@x
DTSTAMP:20260101T000000Z
DTSTART;TZID=Evil:20261201T100000
DTEND;TZID=Evil:20261201T110000
SUMMARY:Meeting
END:VEVENT"""


@pytest.fixture
def icalendar_not_asked(monkeypatch):
    """Fail at once (instead of hanging) if the file reaches icalendar's parser."""

    def refuse(*args, **kwargs):
        raise AssertionError("the file reached icalendar before the guard refused it")

    monkeypatch.setattr(icalendar.Calendar, "from_ical", refuse)


@pytest.fixture
def dateutil_not_asked(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AssertionError("dateutil was asked to expand a rule the guard should have refused")

    monkeypatch.setattr(rrule.rrule, "_iter", refuse)


def test_the_466_byte_secondly_vtimezone_is_refused_by_name_before_it_is_read(icalendar_not_asked):
    data = vcalendar(vtimezone("FREQ=SECONDLY"), ZONED_EVENT)
    assert len(data) < 600
    started = time.perf_counter()
    with pytest.raises(ical.IcsError) as refused:
        ical.parse_ics(data)
    assert time.perf_counter() - started < 1
    assert "Evil" in str(refused.value) and "SECONDLY" in str(refused.value)


@pytest.mark.parametrize("rule", ["FREQ=MINUTELY", "FREQ=HOURLY;INTERVAL=6", "FREQ=DAILY", "FREQ=WEEKLY"])
def test_time_zone_rules_finer_than_monthly_are_refused(rule, icalendar_not_asked):
    with pytest.raises(ical.IcsError, match="Evil"):
        ical.parse_ics(vcalendar(vtimezone(rule), ZONED_EVENT))


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MONTHLY",  # 100,000 steps from 1601 to 9999
        "FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYDAY=SU",  # every Sunday
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",  # never: dateutil would search to 9999
    ],
)
def test_time_zone_rules_are_bounded_in_steps(rule, icalendar_not_asked):
    with pytest.raises(ical.IcsError, match="Evil"):
        ical.parse_ics(vcalendar(vtimezone(rule), ZONED_EVENT))


def test_an_ordinary_time_zone_still_works():
    zone = """BEGIN:VTIMEZONE
TZID:Evil
BEGIN:STANDARD
DTSTART:19961027T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19810329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE"""
    parsed = ical.parse_ics(vcalendar(zone, ZONED_EVENT).replace(b"Evil", b"Ordinary"))
    assert parsed.problems == [] and parsed.event_count == 1
    for name in ("outlook.ics", "google.ics"):
        assert ical.parse_ics((ICS / name).read_bytes()).event_count > 0


def test_a_rule_that_never_matches_is_refused_by_name_without_expanding(dateutil_not_asked):
    data = vcalendar(event("never@x", "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30", summary="Leap day drinks"))
    started = time.perf_counter()
    parsed = ical.parse_ics(data)
    occurrences, problems = ical.expand(parsed, *WINDOW)
    assert time.perf_counter() - started < 5  # a hang detector; the bound itself is dateutil_not_asked
    assert occurrences == [] and problems == []
    [problem] = parsed.problems
    assert problem.uid == "never@x" and "matches no day" in str(problem) and "Leap day drinks" in str(problem)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTHDAY=31;BYMONTH=4,6,9,11",
        "FREQ=MINUTELY;BYYEARDAY=367",
        "FREQ=YEARLY;BYMONTHDAY=-30;BYMONTH=2",
    ],
)
def test_other_impossible_day_filters_are_refused(rule, dateutil_not_asked):
    [problem] = ical.parse_ics(vcalendar(event("never@x", rule))).problems
    assert "matches no day" in problem.message


@pytest.mark.parametrize("rule", ["FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=DAILY"])
def test_possible_day_filters_are_kept(rule):
    parsed = ical.parse_ics(vcalendar(event("fine@x", rule, start="20240101T100000Z")))
    assert parsed.problems == [] and parsed.event_count == 1


def test_a_secondly_series_stops_at_the_cap_while_expanding(monkeypatch):
    made = []
    as_component = recurring_ical_events.occurrence.Occurrence.as_component

    def counting(self, *args, **kwargs):
        made.append(1)
        return as_component(self, *args, **kwargs)

    monkeypatch.setattr(recurring_ical_events.occurrence.Occurrence, "as_component", counting)
    parsed = ical.parse_ics(vcalendar(event("dense@x", "FREQ=SECONDLY;COUNT=20000", start="20260310T100000Z")))
    occurrences, problems = ical.expand(parsed, *WINDOW)
    assert len(occurrences) == ical.MAX_OCCURRENCES_PER_SERIES
    assert len(made) == ical.MAX_OCCURRENCES_PER_SERIES + 1  # one past the cap, to know it was reached
    [problem] = problems
    assert problem.uid == "dense@x" and "more than 5000" in problem.message


def test_a_minutely_rule_past_the_step_guard_is_refused(dateutil_not_asked):
    [problem] = ical.parse_ics(vcalendar(event("minutely@x", "FREQ=MINUTELY", start="20260101T000000Z"))).problems
    assert "repeats too often" in problem.message and "MINUTELY" in problem.message


@pytest.mark.django_db
def test_the_import_names_each_series_left_out(upload_calendar, time_machine):
    time_machine.move_to(NOW, tick=False)
    data = vcalendar(
        event("never@x", "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30", summary="Leap day drinks"),
        event("dense@x", "FREQ=SECONDLY;COUNT=6000", start="20260310T100000Z", summary="Every second"),
        event("weekly@x", "FREQ=WEEKLY;BYDAY=TU", summary="Stand-up"),
    )
    report = calendar_import_ics(calendar=upload_calendar, data=data)
    upload_calendar.refresh_from_db()
    assert any(p.startswith("Leap day drinks:") for p in upload_calendar.import_problems)
    assert any(p.startswith("Every second:") for p in upload_calendar.import_problems)
    assert report.partial and upload_calendar.occurrences.filter(summary="Stand-up").exists()
    assert upload_calendar.occurrences.filter(summary="Every second").count() == ical.MAX_OCCURRENCES_PER_SERIES


@pytest.mark.django_db
def test_a_hostile_time_zone_leaves_the_calendar_untouched(upload_calendar, icalendar_not_asked):
    with pytest.raises(ical.IcsError, match="Evil"):
        calendar_import_ics(calendar=upload_calendar, data=vcalendar(vtimezone("FREQ=SECONDLY"), ZONED_EVENT))
    assert not upload_calendar.events.exists()
