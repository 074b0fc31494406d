"""Two-way sync against a real Radicale server: ETags, sync tokens, conflicts kept, server failures harmless."""

from datetime import UTC, datetime

import pytest

from vadesk.agenda.caldav_sync import SyncError, calendar_refresh, calendar_sync
from vadesk.agenda.models import Calendar, Conflict, Event, Occurrence

ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//other client//EN\r
BEGIN:VEVENT\r
UID:{uid}\r
DTSTAMP:20260301T000000Z\r
DTSTART;TZID=Europe/Amsterdam:{start}\r
DTEND;TZID=Europe/Amsterdam:{end}\r
SUMMARY:{summary}\r
{extra}END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture(autouse=True)
def _march_2026(time_machine):
    time_machine.move_to(datetime(2026, 3, 10, tzinfo=UTC), tick=True)


def ics(uid="remote-1", start="20260317T100000", end="20260317T110000", summary="Dentist", extra=""):
    return ICS.format(uid=uid, start=start, end=end, summary=summary, extra=extra)


def test_remote_events_arrive_with_etags_and_occurrences(synced_calendar, dav_calendar):
    dav_calendar.save_event(ics(extra="RRULE:FREQ=WEEKLY;COUNT=3\r\n"))
    report = calendar_sync(calendar=synced_calendar)
    event = Event.objects.get(calendar=synced_calendar)
    assert (report.pulled, event.uid, event.summary) == (1, "remote-1", "Dentist")
    assert event.etag and event.href.endswith(".ics")
    synced_calendar.refresh_from_db()
    assert synced_calendar.sync_token
    starts = list(Occurrence.objects.filter(calendar=synced_calendar).values_list("start", flat=True))
    assert starts[0] == datetime(2026, 3, 17, 9, tzinfo=UTC) and len(starts) == 3


def test_changes_and_removals_arrive_through_the_sync_token(synced_calendar, dav_calendar):
    remote = dav_calendar.save_event(ics())
    dav_calendar.save_event(ics(uid="remote-2", summary="Gym"))
    calendar_sync(calendar=synced_calendar)
    first_token = Calendar.objects.get(pk=synced_calendar.pk).sync_token
    remote.data = ics(summary="Dentist (moved)", start="20260318T100000", end="20260318T110000")
    remote.save()
    dav_calendar.event_by_uid("remote-2").delete()
    report = calendar_sync(calendar=synced_calendar)
    assert (report.pulled, report.removed) == (1, 1)  # only what changed since the token
    assert list(Event.objects.filter(calendar=synced_calendar).values_list("summary", flat=True)) == ["Dentist (moved)"]
    assert Calendar.objects.get(pk=synced_calendar.pk).sync_token != first_token
    assert Occurrence.objects.get(calendar=synced_calendar).start == datetime(2026, 3, 18, 9, tzinfo=UTC)


def test_local_changes_go_up_and_come_back_unchanged(synced_calendar, dav_calendar):
    Event.objects.create(
        calendar=synced_calendar,
        uid="local-1",
        ics=ics(uid="local-1", summary="Board"),
        summary="Board",
        pending_push=True,
    )
    report = calendar_sync(calendar=synced_calendar)
    assert report.pushed == 1 and report.conflicts == 0
    assert "SUMMARY:Board" in dav_calendar.event_by_uid("local-1").data
    event = Event.objects.get(uid="local-1")
    assert event.etag and not event.pending_push
    assert calendar_sync(calendar=synced_calendar).pulled == 0  # our own write is not pulled back as a change


def test_both_sides_changed_keeps_both_versions(synced_calendar, dav_calendar):
    remote = dav_calendar.save_event(ics())
    calendar_sync(calendar=synced_calendar)
    remote.data = ics(summary="Changed on the phone")
    remote.save()
    event = Event.objects.get(uid="remote-1")
    event.ics, event.pending_push = ics(summary="Changed in vadesk"), True
    event.save()
    report = calendar_sync(calendar=synced_calendar)
    assert report.conflicts == 1
    conflict = Conflict.objects.get(event=event)
    assert "Changed in vadesk" in conflict.local_ics and "Changed on the phone" in conflict.remote_ics
    event.refresh_from_db()
    assert event.summary == "Changed on the phone" and not event.pending_push
    assert "Changed on the phone" in dav_calendar.event_by_uid("remote-1").data  # nothing overwritten blindly


def test_deleting_here_deletes_there_with_if_match(synced_calendar, dav_calendar):
    dav_calendar.save_event(ics())
    calendar_sync(calendar=synced_calendar)
    Event.objects.filter(uid="remote-1").update(deleted=True, pending_push=True)
    calendar_sync(calendar=synced_calendar)
    assert not Event.objects.filter(uid="remote-1").exists()
    assert dav_calendar.events() == []


def test_a_server_that_is_down_leaves_data_intact_and_retries_later(synced_calendar, dav_calendar):
    dav_calendar.save_event(ics())
    calendar_sync(calendar=synced_calendar)
    synced_calendar.url = "http://127.0.0.1:9/nothing-listens-here/"
    synced_calendar.save()
    Event.objects.filter(uid="remote-1").update(summary="Edited", pending_push=True)
    with pytest.raises(SyncError, match="cannot be reached"):
        calendar_sync(calendar=synced_calendar)
    error = calendar_refresh(calendar=synced_calendar)
    synced_calendar.refresh_from_db()
    assert error and synced_calendar.last_error == error and synced_calendar.next_sync_at > datetime.now(UTC)
    event = Event.objects.get(uid="remote-1")
    assert event.pending_push and event.summary == "Edited"
    assert Occurrence.objects.filter(calendar=synced_calendar).count() == 1


def test_a_series_vadesk_cannot_read_is_named_until_the_server_fixes_it(synced_calendar, dav_calendar):
    """Left out of the free/busy, but never silently: named per object, and cleared when the object changes."""
    remote = dav_calendar.save_event(
        ics(summary="Leap day drinks", extra="RRULE:FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30\r\n")
    )
    dav_calendar.save_event(ics(uid="remote-2", summary="Gym"))
    calendar_sync(calendar=synced_calendar)
    synced_calendar.refresh_from_db()
    assert [p.split(": ", 2)[1] for p in synced_calendar.import_problems] == ["Leap day drinks"]

    dav_calendar.save_event(ics(uid="remote-3", summary="Lunch"))  # another object changes: the problem stays
    calendar_sync(calendar=synced_calendar)
    synced_calendar.refresh_from_db()
    assert len(synced_calendar.import_problems) == 1

    remote.data = ics(summary="Leap day drinks", extra="RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28\r\n")
    remote.save()
    calendar_sync(calendar=synced_calendar)
    synced_calendar.refresh_from_db()
    assert synced_calendar.import_problems == []
    assert Event.objects.filter(calendar=synced_calendar, summary="Leap day drinks").exists()
