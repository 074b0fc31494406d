"""Attendees' iTIP REPLYs (RFC 6047 §2.2.3) received by the built-in receiver update the booking; doubtful ones go to triage."""

import smtplib
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from vadesk.agenda.models import Attendee, Calendar, Event
from vadesk.agenda.parties import client_party
from vadesk.agenda.services import booking_create, booking_move
from vadesk.comms.models import InboundMessage
from vadesk.comms.receiver import ReceiverController
from vadesk.comms.tests.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)
START = datetime(2026, 3, 17, 9, tzinfo=UTC)
DESK = "desk@vadesk.localhost"


@pytest.fixture(autouse=True)
def _march_2026(time_machine):
    time_machine.move_to(datetime(2026, 3, 10, tzinfo=UTC), tick=True)


@pytest.fixture
def receiver():
    controller = ReceiverController(host="127.0.0.1", port=free_port(), lmtp=True)
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def event(acme, assistant) -> Event:
    calendar = Calendar.objects.create(party=client_party(acme), name="Work", source=Calendar.Source.LOCAL)
    return booking_create(
        by=assistant,
        calendar=calendar,
        start=START,
        end=START + timedelta(hours=1),
        summary="Kick-off",
        attendees=[("jan@supplier.example", "Jan de Vries"), ("piet@elsewhere.example", "Piet")],
        send=False,
    )


def reply(uid, attendee, partstat, *, sender=None, sequence=0) -> bytes:
    """A REPLY as calendar programs send it: text/plain and text/calendar alternatives plus the .ics attached."""
    n = [uuid.uuid4().hex[:12]]
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Microsoft Corporation//Outlook 16.0//EN\r\nMETHOD:REPLY\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260311T000000Z\r\nSEQUENCE:{sequence}\r\n"
        f"ATTENDEE;PARTSTAT={partstat};CN=Someone:mailto:{attendee}\r\n"
        "ORGANIZER:mailto:ceo@acme.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    return (
        f"From: Someone <{sender or attendee}>\r\nTo: {DESK}\r\nSubject: Accepted: Kick-off\r\n"
        f"Message-ID: <reply-{n[0]}-{uid}@supplier.example>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\n"
        "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nAccepted.\r\n"
        f"--b\r\nContent-Type: text/calendar; method=REPLY; charset=UTF-8\r\n\r\n{ics}--b--\r\n"
        f'--m\r\nContent-Type: application/ics; name="invite.ics"\r\nContent-Disposition: attachment; '
        f'filename="invite.ics"\r\n\r\n{ics}--m--\r\n'
    ).encode()


def deliver(receiver, raw: bytes) -> None:
    with smtplib.LMTP(receiver.hostname, receiver.port) as lmtp:
        lmtp.sendmail("someone@supplier.example", [DESK], raw)


def status(event, email):
    return Attendee.objects.get(event=event, email=email).status


def test_an_attendees_reply_updates_their_answer_on_the_booking(receiver, event):
    deliver(receiver, reply(event.uid, "jan@supplier.example", "ACCEPTED"))

    assert status(event, "jan@supplier.example") == "ACCEPTED"
    assert status(event, "piet@elsewhere.example") == "NEEDS-ACTION"
    event.refresh_from_db()
    assert "PARTSTAT=ACCEPTED" in event.ics.replace("\r\n ", "")  # the stored object says so too
    message = InboundMessage.objects.get()
    assert message.outcome == "calendar" and "applied: 1" in message.note

    deliver(receiver, reply(event.uid, "jan@supplier.example", "DECLINED"))
    assert status(event, "jan@supplier.example") == "DECLINED"  # a changed mind counts too


def test_a_reply_from_someone_not_invited_goes_to_triage(receiver, event):
    deliver(receiver, reply(event.uid, "mallory@evil.example", "ACCEPTED"))

    assert set(event.attendees.values_list("status", flat=True)) == {"NEEDS-ACTION"}
    message = InboundMessage.objects.get()
    assert message.outcome == "triage" and "not invited" in message.note


def test_a_reply_speaking_for_another_attendee_goes_to_triage(receiver, event):
    deliver(receiver, reply(event.uid, "jan@supplier.example", "DECLINED", sender="mallory@evil.example"))

    assert status(event, "jan@supplier.example") == "NEEDS-ACTION"
    message = InboundMessage.objects.get()
    assert message.outcome == "triage" and "sent by mallory@evil.example" in message.note


def test_a_reply_for_an_unknown_appointment_goes_to_triage(receiver, event):
    deliver(receiver, reply("no-such-uid@elsewhere", "jan@supplier.example", "ACCEPTED"))

    assert status(event, "jan@supplier.example") == "NEEDS-ACTION"
    message = InboundMessage.objects.get()
    assert message.outcome == "triage" and "no-such-uid@elsewhere" in message.note


def test_a_reply_to_an_earlier_version_is_ignored(receiver, event, assistant):
    booking_move(
        by=assistant, event=event, start=START + timedelta(hours=2), end=START + timedelta(hours=3), send=False
    )
    deliver(receiver, reply(event.uid, "jan@supplier.example", "ACCEPTED", sequence=0))

    assert status(event, "jan@supplier.example") == "NEEDS-ACTION"  # RFC 5546 §2.1.5: stale
    assert "ignored: 1" in InboundMessage.objects.get().note
