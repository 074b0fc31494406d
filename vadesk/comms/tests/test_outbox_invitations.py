"""iMIP invitations and cancellations (agenda) go through the outbox: queued with the booking, delivered by the worker.

Before, they were sent by `transaction.on_commit(message.send)`: lost when SMTP was down at that moment.
"""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.db import transaction

from vadesk.agenda.models import Calendar
from vadesk.agenda.parties import client_party
from vadesk.agenda.services import booking_cancel, booking_create
from vadesk.comms.models import OutboxMessage
from vadesk.comms.tests.delivery import deliver, received, smtp_back, smtp_down

pytestmark = pytest.mark.django_db(transaction=True)
START = datetime(2026, 3, 17, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _march_2026(time_machine):
    time_machine.move_to(datetime(2026, 3, 10, tzinfo=UTC), tick=True)


@pytest.fixture
def calendar(acme) -> Calendar:
    party = client_party(acme)
    party.email = "ceo@acme.example"
    party.save()
    return Calendar.objects.create(party=party, name="Work", source=Calendar.Source.LOCAL)


def book(calendar, by):
    return booking_create(
        by=by,
        calendar=calendar,
        start=START,
        end=START + timedelta(hours=1),
        summary="Kick-off",
        attendees=[("jan@supplier.example", "Jan de Vries"), ("piet@elsewhere.example", "Piet")],
    )


def calendar_parts(mail):
    return {part.get_content_type(): part for part in mail.walk()}


def test_an_invitation_made_while_smtp_is_down_is_delivered_once_it_is_back(
    calendar, assistant, smtp_server, monkeypatch
):
    smtp_down(monkeypatch)
    event = book(calendar, assistant)

    rows = OutboxMessage.objects.filter(kind="invitation").order_by("recipient")
    assert [r.recipient for r in rows] == ["jan@supplier.example", "piet@elsewhere.example"]
    # Refused connection: the run stops at the first message, which waits out its back-off; the other stays due.
    assert deliver() == {"recovered": 0, "pending": 1}
    assert sorted(rows.values_list("state", "attempts")) == [("pending", 0), ("pending", 1)]
    assert received(smtp_server) == []

    smtp_back(monkeypatch, smtp_server)
    assert deliver() == {"recovered": 0, "sent": 2}
    assert deliver() == {"recovered": 0}  # and only once

    mails = sorted(received(smtp_server), key=lambda m: str(m["To"]))
    assert [str(m["To"]) for m in mails] == ["jan@supplier.example", "piet@elsewhere.example"]
    parts = calendar_parts(mails[0])
    assert parts["text/calendar"].get_param("method") == "REQUEST"  # RFC 6047 §2.4
    body = icalendar.Calendar.from_ical(parts["text/calendar"].get_payload(decode=True))
    vevent = body.walk("VEVENT")[0]
    assert body["METHOD"] == "REQUEST" and (vevent["UID"], vevent["SEQUENCE"]) == (event.uid, 0)
    assert vevent["DTSTART"].dt == START and str(vevent["ORGANIZER"]) == "mailto:ceo@acme.example"
    assert parts["application/ics"].get_filename() == "invite.ics"
    assert str(mails[0]["Reply-To"]) == "ceo@acme.example"  # answers belong to the organiser
    assert "Kick-off" in str(mails[0]["Subject"]) and mails[0].get_body(("plain",)).get_content().strip()


def test_a_cancellation_made_while_smtp_is_down_is_delivered_as_method_cancel(
    calendar, assistant, smtp_server, monkeypatch
):
    smtp_down(monkeypatch)
    event = book(calendar, assistant)
    booking_cancel(by=assistant, event=event)
    assert deliver()["pending"] == 1  # the relay is unreachable: one try, then the run stops

    smtp_back(monkeypatch, smtp_server)
    assert deliver()["sent"] == 4
    cancels = [m for m in received(smtp_server) if calendar_parts(m)["text/calendar"].get_param("method") == "CANCEL"]
    assert sorted(str(m["To"]) for m in cancels) == ["jan@supplier.example", "piet@elsewhere.example"]
    body = icalendar.Calendar.from_ical(calendar_parts(cancels[0])["text/calendar"].get_payload(decode=True))
    vevent = body.walk("VEVENT")[0]
    assert body["METHOD"] == "CANCEL" and vevent["STATUS"] == "CANCELLED" and vevent["SEQUENCE"] == 1
    assert calendar_parts(cancels[0])["application/ics"].get_filename() == "cancel.ics"


def test_no_smtp_connection_is_made_while_the_booking_is_being_written(
    calendar, assistant, smtp_server, smtp_watch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        book(calendar, assistant)
        assert OutboxMessage.objects.filter(kind="invitation").count() == 2  # queued in the booking's transaction
    assert callbacks == [] and smtp_watch.connections == [] and received(smtp_server) == []
    assert deliver()["sent"] == 2
    assert smtp_watch.connections and smtp_watch.inside_a_transaction == 0


def test_a_booking_that_rolls_back_leaves_no_invitation(calendar, assistant, smtp_server):
    with pytest.raises(RuntimeError), transaction.atomic():
        book(calendar, assistant)
        raise RuntimeError("the surrounding change failed")
    assert not OutboxMessage.objects.exists()
    assert deliver() == {"recovered": 0} and received(smtp_server) == []
