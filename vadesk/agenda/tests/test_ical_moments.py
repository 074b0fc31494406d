"""A VEVENT's start and end must be a DATE or DATE-TIME (RFC 5545 §3.8.2.4); anything else is refused by name."""

from datetime import UTC, date, datetime

import icalendar
import pytest

from vadesk.agenda import ical


def _event(dtstart: str) -> icalendar.Event:
    text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n{dtstart}\r\nSUMMARY:odd\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    return icalendar.Calendar.from_ical(text).walk("VEVENT")[0]


def test_a_duration_as_start_is_refused_with_a_clear_error():
    with pytest.raises(ical.IcsError, match="not a date or a time"):
        ical.occurrence_of(_event("DTSTART;VALUE=DURATION:PT1H"))


def test_a_date_start_without_end_lasts_one_day():
    occurrence = ical.occurrence_of(_event("DTSTART;VALUE=DATE:20261203"))
    assert (occurrence.start, occurrence.end, occurrence.kind) == (date(2026, 12, 3), date(2026, 12, 4), "allday")


def test_a_utc_start_is_fixed():
    occurrence = ical.occurrence_of(_event("DTSTART:20261203T100000Z"))
    assert occurrence.start == datetime(2026, 12, 3, 10, tzinfo=UTC)
    assert occurrence.kind == "fixed"
