"""Materialised occurrences match recurring-ical-events for the same file, and mean what RFC 5545 says."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from vadesk.agenda import ical
from vadesk.agenda.importing import calendar_import_ics
from vadesk.agenda.materialise import calendar_materialise
from vadesk.agenda.models import Occurrence
from vadesk.agenda.tests.conftest import ICS

WINDOW = (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC))
NOW = datetime(2026, 3, 10, tzinfo=UTC)


def _utc(value, zone):
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return (value.replace(tzinfo=zone) if value.tzinfo is None else value).astimezone(UTC)


def reference(name: str, zone: ZoneInfo) -> set[tuple]:
    """What recurring-ical-events makes of the file, read in `zone`, overlapping WINDOW."""
    calendar = icalendar.Calendar.from_ical((ICS / name).read_bytes())
    result = set()
    for c in recurring_ical_events.of(calendar).between(WINDOW[0] - timedelta(days=2), WINDOW[1] + timedelta(days=2)):
        start = c["DTSTART"].dt
        end = (
            c["DTEND"].dt
            if c.get("DTEND")
            else (start + timedelta(days=1) if not isinstance(start, datetime) else start)
        )
        s, e = _utc(start, zone), _utc(end, zone)
        busy = str(c.get("TRANSP", "OPAQUE")) != "TRANSPARENT" and str(c.get("STATUS", "")) != "CANCELLED"
        if s < WINDOW[1] and e > WINDOW[0]:
            result.add((str(c["UID"]), s, e, busy))
    return result


def stored(calendar, zone: ZoneInfo) -> set[tuple]:
    result = set()
    for o in Occurrence.objects.filter(calendar=calendar).select_related("event"):
        if o.kind == "fixed":
            s, e = o.start, o.end
        else:  # wall-clock stored as UTC: read it in the zone
            s = o.start.replace(tzinfo=None).replace(tzinfo=zone).astimezone(UTC)
            e = o.end.replace(tzinfo=None).replace(tzinfo=zone).astimezone(UTC)
        if s < WINDOW[1] and e > WINDOW[0]:
            result.add((o.event.uid, s, e, o.busy))
    return result


@pytest.mark.parametrize("name", ["outlook.ics", "google.ics", "floating.ics"])
@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "America/New_York", "Asia/Tokyo"])
def test_stored_occurrences_match_recurring_ical_events(upload_calendar, name, zone, time_machine):
    time_machine.move_to(NOW)
    report = calendar_import_ics(calendar=upload_calendar, data=(ICS / name).read_bytes())
    assert report.problems == []
    expected = reference(name, ZoneInfo(zone))
    assert len(expected) > 5
    assert stored(upload_calendar, ZoneInfo(zone)) == expected


def _occurrences(calendar, uid):
    return list(Occurrence.objects.filter(calendar=calendar, event__uid=uid).order_by("start"))


def test_outlook_series_follows_dst_honours_exdate_and_the_moved_instance(upload_calendar, time_machine):
    time_machine.move_to(NOW)
    calendar_import_ics(calendar=upload_calendar, data=(ICS / "outlook.ics").read_bytes())
    uid = "040000008200E00074C5B7101A82E00800000000A0F1D7A3B5B0DC01000000000000000010000000"
    starts = {o.start: o.summary for o in _occurrences(upload_calendar, uid)}
    assert starts[datetime(2026, 3, 23, 8, tzinfo=UTC)] == "Weekly sync"  # 09:00 CET
    assert datetime(2026, 3, 25, 8, tzinfo=UTC) not in starts  # EXDATE
    assert datetime(2026, 3, 30, 7, tzinfo=UTC) not in starts  # overridden by RECURRENCE-ID …
    assert starts[datetime(2026, 3, 30, 12, tzinfo=UTC)] == "Weekly sync (moved)"  # … to 14:00 CEST
    assert starts[datetime(2026, 4, 1, 7, tzinfo=UTC)] == "Weekly sync"  # 09:00 CEST
    free_day = _occurrences(upload_calendar, "outlook-free-1")[0]
    assert (free_day.kind, free_day.busy) == ("allday", False)


def test_google_cancelled_instance_tentative_and_multi_day(upload_calendar, time_machine):
    time_machine.move_to(NOW)
    calendar_import_ics(calendar=upload_calendar, data=(ICS / "google.ics").read_bytes())
    standup = {o.start: o for o in _occurrences(upload_calendar, "3k9d2abc@google.com")}
    assert standup[datetime(2026, 3, 31, 6, 30, tzinfo=UTC)].busy  # 08:30 CEST
    assert not standup[datetime(2026, 4, 1, 6, 30, tzinfo=UTC)].busy  # STATUS:CANCELLED override
    assert datetime(2026, 4, 3, 6, 30, tzinfo=UTC) not in standup  # EXDATE
    assert _occurrences(upload_calendar, "lunch-xyz@google.com")[0].busy  # tentative still holds the time
    fair = _occurrences(upload_calendar, "fair-2026@google.com")[0]
    assert (fair.kind, fair.start.day, fair.end.day) == ("allday", 26, 29)
    assert [o.start.day for o in _occurrences(upload_calendar, "rdate@google.com")] == [15, 22, 5]


def test_hostile_file_is_a_partial_import_with_each_bad_part_named(upload_calendar, time_machine):
    time_machine.move_to(NOW)
    report = calendar_import_ics(calendar=upload_calendar, data=(ICS / "hostile.ics").read_bytes())
    text = "\n".join(report.problems)
    assert "Missing DTSTART: no start" in text
    assert "Unknown zone: unknown time zone Mars/Olympus_Mons" in text
    assert "Every minute since 1990: the recurrence rule repeats too often" in text
    assert "Second copy: a second event with the same UID" in text
    assert "Every hour, a billion times: more than 5000 occurrences" in text
    assert set(upload_calendar.events.values_list("uid", flat=True)) == {"many", "dup", "good"}
    assert Occurrence.objects.filter(event__uid="many").count() == ical.MAX_OCCURRENCES_PER_SERIES
    assert Occurrence.objects.get(event__uid="dup").start == datetime(2026, 3, 19, 9, tzinfo=UTC)
    upload_calendar.refresh_from_db()
    assert len(upload_calendar.import_problems) == 5


def test_a_50_mb_file_is_refused_and_nothing_changes(upload_calendar):
    calendar_import_ics(calendar=upload_calendar, data=(ICS / "google.ics").read_bytes())
    before = Occurrence.objects.filter(calendar=upload_calendar).count()
    with pytest.raises(ical.IcsError, match="at most 10.0 MB"):
        calendar_import_ics(calendar=upload_calendar, data=b"BEGIN:VCALENDAR\r\n" + b"X" * (50 * 1024 * 1024))
    assert Occurrence.objects.filter(calendar=upload_calendar).count() == before


@pytest.mark.parametrize("garbage", [b"", b"hello", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", b"\xff\xfe\x00"])
def test_garbage_is_a_clear_error(upload_calendar, garbage):
    with pytest.raises(ical.IcsError):
        calendar_import_ics(calendar=upload_calendar, data=garbage)


def test_the_horizon_rolls(upload_calendar, time_machine):
    time_machine.move_to(NOW)
    calendar_import_ics(calendar=upload_calendar, data=(ICS / "floating.ics").read_bytes())
    later = NOW + timedelta(days=300)
    calendar_materialise(calendar=upload_calendar, now=later)
    yoga = _occurrences(upload_calendar, "floating-yoga")
    assert yoga[0].start >= later - timedelta(days=32) and yoga[-1].start >= later + timedelta(days=390)
