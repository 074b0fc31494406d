"""Booking, moving and cancelling for a client: the calendar, the CalDAV server and the invitations agree."""

from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default

import icalendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vadesk.agenda.models import Attendee, Occurrence
from vadesk.agenda.services import booking_cancel, booking_create, booking_move, itip_reply_apply
from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import envelope_of
from vadesk.timesheets.models import TimeEntry

START = datetime(2026, 3, 17, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _march_2026(time_machine):
    time_machine.move_to(datetime(2026, 3, 10, tzinfo=UTC), tick=True)


def book(calendar, by, **kwargs):
    kwargs.setdefault("attendees", [("jan@supplier.example", "Jan de Vries"), ("ceo@acme.example", "Cees")])
    return booking_create(
        by=by, calendar=calendar, start=START, end=START + timedelta(hours=1), summary="Kick-off", **kwargs
    )


def queued():
    """The invitations waiting in the outbox, as the worker will send them (one per attendee)."""
    rows = OutboxMessage.objects.filter(kind="invitation").order_by("recipient")
    return [message_from_bytes(envelope_of(row).data, policy=default) for row in rows]


def calendar_part(parsed):
    parts = {part.get_content_type(): part for part in parsed.walk()}
    return parts, parsed


def test_booking_invites_with_a_proper_imip_request(acme_calendar, assistant, django_capture_on_commit_callbacks):
    acme_calendar.party.email = "ceo@acme.example"
    acme_calendar.party.save()
    with django_capture_on_commit_callbacks(execute=True):
        event = book(acme_calendar, assistant)
    assert [m["To"] for m in queued()] == ["ceo@acme.example", "jan@supplier.example"]
    parts, _parsed = calendar_part(queued()[0])
    part = parts["text/calendar"]
    assert part.get_param("method") == "REQUEST"  # RFC 6047 §2.4: same method as the body's METHOD
    body = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert body["METHOD"] == "REQUEST"
    vevent = body.walk("VEVENT")[0]
    assert (vevent["UID"], vevent["SEQUENCE"], vevent["DTSTART"].dt) == (event.uid, 0, START)
    assert str(vevent["ORGANIZER"]) == "mailto:ceo@acme.example"
    assert vevent["ORGANIZER"].params["SENT-BY"] == "mailto:anna@assist.example"
    assert {str(a) for a in vevent["ATTENDEE"]} == {"mailto:jan@supplier.example", "mailto:ceo@acme.example"}
    assert all(a.params["PARTSTAT"] == "NEEDS-ACTION" and a.params["RSVP"] == "TRUE" for a in vevent["ATTENDEE"])
    assert "application/ics" in parts and parts["application/ics"].get_filename() == "invite.ics"
    assert "METHOD" not in icalendar.Calendar.from_ical(event.ics)  # RFC 4791 §4.1: stored objects carry no METHOD
    assert Occurrence.objects.get(event=event).start == START


def test_moving_raises_the_sequence_and_asks_everyone_again(
    acme_calendar, assistant, django_capture_on_commit_callbacks
):
    event = book(acme_calendar, assistant, send=False)
    Attendee.objects.filter(event=event).update(status="ACCEPTED")
    with django_capture_on_commit_callbacks(execute=True):
        booking_move(by=assistant, event=event, start=START + timedelta(days=1), end=START + timedelta(days=1, hours=1))
    vevent = icalendar.Calendar.from_ical(calendar_part(queued()[0])[0]["text/calendar"].get_payload(decode=True)).walk(
        "VEVENT"
    )[0]
    assert vevent["SEQUENCE"] == 1 and vevent["DTSTART"].dt == START + timedelta(days=1)
    assert set(event.attendees.values_list("status", flat=True)) == {"NEEDS-ACTION"}
    assert Occurrence.objects.get(event=event).start == START + timedelta(days=1)


def test_cancelling_sends_cancel_and_frees_the_time(acme_calendar, assistant, django_capture_on_commit_callbacks):
    event = book(acme_calendar, assistant, send=False)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(by=assistant, event=event)
    parts, _ = calendar_part(queued()[0])
    assert parts["text/calendar"].get_param("method") == "CANCEL"
    body = icalendar.Calendar.from_ical(parts["text/calendar"].get_payload(decode=True))
    assert (
        body["METHOD"] == "CANCEL"
        and body.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
        and body.walk("VEVENT")[0]["SEQUENCE"] == 1
    )
    assert not Occurrence.objects.get(event=event).busy


def reply(uid, attendee, partstat, sequence=0):
    ics = (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar//EN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n"
        f"DTSTAMP:20260311T000000Z\r\nSEQUENCE:{sequence}\r\nATTENDEE;PARTSTAT={partstat};CN=Jan:mailto:{attendee}\r\n"
        "ORGANIZER:mailto:ceo@acme.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    return (
        "From: Jan <jan@supplier.example>\r\nTo: vadesk@localhost\r\nSubject: Accepted: Kick-off\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nJan has accepted.\r\n"
        f"--b\r\nContent-Type: text/calendar; method=REPLY; charset=UTF-8\r\n\r\n{ics}--b--\r\n"
    ).encode()


def test_an_incoming_reply_updates_the_attendee(acme_calendar, assistant):
    event = book(acme_calendar, assistant, send=False)
    assert itip_reply_apply(message=reply(event.uid, "jan@supplier.example", "ACCEPTED")) == 1
    assert event.attendees.get(email="jan@supplier.example").status == "ACCEPTED"
    assert "PARTSTAT=ACCEPTED" in event.__class__.objects.get(pk=event.pk).ics.replace("\r\n ", "")
    # Not invited, stale, or nonsense: nothing changes.
    assert itip_reply_apply(message=reply(event.uid, "mallory@evil.example", "ACCEPTED")) == 0
    assert itip_reply_apply(message=reply("no-such-uid", "jan@supplier.example", "DECLINED")) == 0
    assert itip_reply_apply(message=b"not a mime message at all") == 0


def test_a_reply_to_an_older_sequence_is_ignored(acme_calendar, assistant):
    event = book(acme_calendar, assistant, send=False)
    booking_move(
        by=assistant, event=event, start=START + timedelta(hours=2), end=START + timedelta(hours=3), send=False
    )
    assert itip_reply_apply(message=reply(event.uid, "jan@supplier.example", "DECLINED", sequence=0)) == 0
    assert itip_reply_apply(message=reply(event.uid, "jan@supplier.example", "TENTATIVE", sequence=1)) == 1


def test_booking_can_log_time_on_the_clients_task(acme_calendar, assistant, task):
    event = book(acme_calendar, assistant, task=task, log_minutes=15, send=False)
    assert event.task == task
    entry = TimeEntry.objects.get(task=task)
    assert entry.worked_minutes == 15 and "Kick-off" in entry.note


@pytest.mark.parametrize("who", ["colleague", "outsider", "acme_user"])
def test_only_the_clients_team_may_book(acme_calendar, who, request):
    with pytest.raises(PermissionDenied):
        book(acme_calendar, request.getfixturevalue(who), send=False)


def test_bad_times_are_refused(acme_calendar, assistant):
    with pytest.raises(ValidationError) as error:
        booking_create(by=assistant, calendar=acme_calendar, start=START, end=START, summary=" ")
    assert set(error.value.message_dict) == {"end", "summary"}


def test_read_only_calendars_cannot_be_booked_in(upload_calendar, assistant):
    with pytest.raises(ValidationError, match="read-only"):
        book(upload_calendar, assistant, send=False)


def test_booking_in_a_caldav_calendar_reaches_the_server(
    synced_calendar, dav_calendar, assistant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = book(synced_calendar, assistant, send=False)
    event.refresh_from_db()
    assert not event.pending_push and event.etag
    assert "SUMMARY:Kick-off" in dav_calendar.event_by_uid(event.uid).data


def test_the_invitation_names_the_day_in_words_not_an_iso_date(acme_calendar, assistant):
    book(acme_calendar, assistant)
    subjects = set(OutboxMessage.objects.filter(kind="invitation").values_list("subject", flat=True))
    assert subjects and all("2026-03-17" not in s for s in subjects), subjects
    assert any("17 Mar 2026" in s or "17 mrt 2026" in s or "17. März 2026" in s for s in subjects), subjects
