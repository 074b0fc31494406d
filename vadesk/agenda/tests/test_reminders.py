"""Appointment reminders through the comms outbox: once, per contact preference, language, channel and quiet hours."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vadesk.agenda.models import ReminderSent
from vadesk.agenda.services import booking_cancel, booking_create, booking_move, reminders_send
from vadesk.clients.models import Contact
from vadesk.comms import conf
from vadesk.comms.channels import SmtpAdapter, WhatsAppCloudAdapter
from vadesk.comms.models import Cadence, OutboxMessage, Preference
from vadesk.comms.outbox import outbox_run
from vadesk.comms.tests.servers import SmtpServer
from vadesk.comms.tests.test_whatsapp import GraphApi, graph  # noqa: F401 - the Graph API stand-in fixture

START = datetime(2026, 3, 17, 9, tzinfo=UTC)  # Tuesday 10:00 in Amsterdam (CET)


@pytest.fixture(autouse=True)
def _march_2026(time_machine):
    time_machine.move_to(datetime(2026, 3, 10, tzinfo=UTC), tick=True)


@pytest.fixture
def smtp_server(monkeypatch):
    with SmtpServer() as server:
        monkeypatch.setattr(settings, "SMTP_HOST", "127.0.0.1")
        monkeypatch.setattr(settings, "SMTP_PORT", server.port)
        monkeypatch.setattr(settings, "DEFAULT_FROM_EMAIL", "desk@assist.example")
        yield server


def contact(client, name, email, *, language="nl", phone="", **preference):
    person = Contact.objects.create(client=client, name=name, email=email, phone=phone, preferred_language=language)
    Preference.objects.create(contact=person, language=language, **preference)
    return person


def book(calendar, by, start=START, summary="Kick-off"):
    return booking_create(
        by=by, calendar=calendar, start=start, end=start + timedelta(hours=1), summary=summary, send=False
    )


def reminders():
    return list(OutboxMessage.objects.filter(kind=OutboxMessage.Kind.REMINDER).order_by("recipient"))


def test_each_contact_with_a_preference_gets_it_once_in_their_language_even_a_digest_contact(
    acme_calendar, assistant, acme, other_client
):
    acme.email = "office@acme.example"
    acme.save()
    contact(acme, "Cees Acme", "ceo@acme.example", language="nl", cadence=Cadence.DAILY)
    contact(acme, "Dora Acme", "dora@acme.example", language="de", time_zone="Europe/Berlin")
    Contact.objects.create(client=acme, name="No preference", email="np@acme.example")
    contact(other_client, "Gerda Geheim", "gerda@geheim.example", language="de")  # another client's contact
    book(acme_calendar, assistant)

    now = START - timedelta(hours=30)
    assert reminders_send(now=now) == 1
    assert reminders_send(now=now) == 0  # the job runs again: nothing new
    assert reminders_send(now=now + timedelta(hours=7)) == 0

    cees, dora = reminders()
    assert (cees.recipient, cees.channel, cees.client_id) == ("ceo@acme.example", "email", acme.pk)
    assert cees.subject == "Herinnering: Kick-off op di 17 mrt 2026, 10:00"
    assert "Beste Cees Acme" in cees.body_text and "afspraak “Kick-off”" in cees.body_text
    assert (
        dora.subject == "Erinnerung: Kick-off am Di., 17. März 2026, 10:00" and "Guten Tag Dora Acme" in dora.body_text
    )
    # A day ahead, not in a digest: the digest contact has a row of its own.
    assert cees.not_before == dora.not_before == START - timedelta(hours=24)
    assert ReminderSent.objects.count() == 1
    assert not OutboxMessage.objects.filter(
        recipient__in=["gerda@geheim.example", "np@acme.example", "office@acme.example"]
    ).exists()


def test_without_contact_preferences_the_clients_own_address_gets_it_in_the_clients_language(
    acme_calendar, assistant, acme
):
    acme.email = "ceo@acme.example"
    acme.preferred_language = "en"
    acme.save()
    Contact.objects.create(client=acme, name="No preference", email="np@acme.example")
    book(acme_calendar, assistant)
    assert reminders_send(now=START - timedelta(hours=2)) == 1
    assert reminders_send(now=START - timedelta(hours=1)) == 0
    [row] = reminders()
    assert row.recipient == "ceo@acme.example" and row.subject == "Reminder: Kick-off on Tue, 17 Mar 2026, 10:00"
    assert row.not_before == START - timedelta(hours=2)  # booked late: at once


def test_a_client_without_any_address_is_not_claimed_so_a_later_address_still_gets_it(acme_calendar, assistant, acme):
    acme.email = ""
    acme.save()
    book(acme_calendar, assistant)
    assert reminders_send(now=START - timedelta(hours=30)) == 0 and not ReminderSent.objects.exists()
    contact(acme, "Cees Acme", "ceo@acme.example")
    assert reminders_send(now=START - timedelta(hours=29)) == 1 and [r.recipient for r in reminders()] == [
        "ceo@acme.example"
    ]


def test_whatsapp_when_preferred_and_a_mobile_is_known_delivered_through_the_adapter(
    graph, acme_calendar, assistant, acme
):
    contact(acme, "Cees Acme", "ceo@acme.example", phone="06 12345678", by_email=True, by_whatsapp=True)
    contact(acme, "Wim Acme", "wim@acme.example", by_email=True, by_whatsapp=True)  # no number: e-mail
    start = timezone.now() + timedelta(hours=5)
    book(acme_calendar, assistant, start=start)
    assert reminders_send() == 1
    rows = reminders()
    assert [(r.recipient, r.channel) for r in rows] == [("+31612345678", "whatsapp"), ("wim@acme.example", "email")]
    assert outbox_run(adapters={"whatsapp": WhatsAppCloudAdapter(conf.whatsapp_config())}, limit=1).get("sent") == 1
    [(_, _, body)] = GraphApi.requests
    assert body["to"] == "+31612345678" and "Herinnering: Kick-off" in body["text"]["body"]


def test_whatsapp_is_not_used_when_the_installation_has_no_account(acme_calendar, assistant, acme, monkeypatch):
    monkeypatch.setattr(settings, "WHATSAPP_TOKEN", "")
    monkeypatch.setattr(settings, "WHATSAPP_PHONE_NUMBER_ID", "")
    contact(acme, "Cees Acme", "ceo@acme.example", phone="06 12345678", by_email=False, by_whatsapp=True)
    book(acme_calendar, assistant)
    reminders_send(now=START - timedelta(hours=30))
    assert [(r.recipient, r.channel) for r in reminders()] == [("ceo@acme.example", "email")]


QUIET_NIGHTS = dict(time_zone="Europe/Amsterdam", quiet_from=time(21), quiet_until=time(9))


def test_a_reminder_falling_in_quiet_hours_waits_for_their_end(acme_calendar, assistant, acme):
    contact(acme, "Cees Acme", "ceo@acme.example", **QUIET_NIGHTS)
    start = datetime(2026, 3, 17, 7, 30, tzinfo=UTC)  # Tuesday 08:30 CET; a day ahead is Monday 08:30, quiet
    book(acme_calendar, assistant, start=start)
    reminders_send(now=start - timedelta(hours=60))
    [row] = reminders()
    assert row.not_before == datetime(2026, 3, 16, 8, tzinfo=UTC)  # Monday 09:00 CET, before the appointment


def test_when_the_quiet_period_runs_past_the_appointment_it_goes_before_the_quiet_period(
    acme_calendar, assistant, acme
):
    contact(acme, "Cees Acme", "ceo@acme.example", quiet_days="0", **QUIET_NIGHTS)  # Mondays quiet all day
    start = datetime(2026, 3, 17, 7, 30, tzinfo=UTC)  # Tuesday 08:30; quiet from Sunday 21:00 until Tuesday 09:00
    book(acme_calendar, assistant, start=start)
    reminders_send(now=datetime(2026, 3, 15, 12, tzinfo=UTC))
    [row] = reminders()
    assert row.not_before == datetime(2026, 3, 15, 19, 45, tzinfo=UTC)  # Sunday 20:45 CET


def test_when_it_is_quiet_from_now_until_the_appointment_it_goes_at_once(acme_calendar, assistant, acme):
    contact(acme, "Cees Acme", "ceo@acme.example", quiet_days="0", **QUIET_NIGHTS)
    start = datetime(2026, 3, 17, 7, 30, tzinfo=UTC)
    book(acme_calendar, assistant, start=start)
    now = datetime(2026, 3, 16, 12, tzinfo=UTC)  # booked on the quiet Monday
    reminders_send(now=now)
    [row] = reminders()
    assert row.not_before == now


def test_moving_or_cancelling_takes_back_a_waiting_reminder(acme_calendar, assistant, acme):
    contact(acme, "Cees Acme", "ceo@acme.example")
    event = book(acme_calendar, assistant)
    now = START - timedelta(hours=48)
    reminders_send(now=now)
    [old] = reminders()
    booking_move(
        by=assistant, event=event, start=START + timedelta(hours=2), end=START + timedelta(hours=3), send=False
    )
    assert not OutboxMessage.objects.filter(pk=old.pk).exists() and not ReminderSent.objects.exists()
    assert reminders_send(now=now) == 1
    [new] = reminders()
    assert new.subject == "Herinnering: Kick-off op di 17 mrt 2026, 12:00" and new.not_before == START - timedelta(
        hours=22
    )
    booking_cancel(by=assistant, event=event, send=False)
    assert reminders() == [] and reminders_send(now=now) == 0


def test_a_reminder_already_being_sent_is_not_taken_back(acme_calendar, assistant, acme):
    contact(acme, "Cees Acme", "ceo@acme.example")
    event = book(acme_calendar, assistant)
    reminders_send(now=START - timedelta(hours=30))
    OutboxMessage.objects.update(state=OutboxMessage.State.SENT)
    booking_cancel(by=assistant, event=event, send=False)
    assert len(reminders()) == 1 and ReminderSent.objects.count() == 1


def test_the_organisations_own_template_is_used(acme_calendar, assistant, acme):
    from vadesk.comms.models import MessageTemplate

    MessageTemplate.objects.create(
        organisation=acme.organisation,
        kind="reminder",
        language="nl",
        subject="Niet vergeten: $appointment",
        body="Hoi $contact, {{ settings.SECRET_KEY }} $when",
    )
    contact(acme, "Cees Acme", "ceo@acme.example")
    book(acme_calendar, assistant)
    reminders_send(now=START - timedelta(hours=30))
    [row] = reminders()
    assert (
        row.subject == "Niet vergeten: Kick-off"
        and row.body_text == "Hoi Cees Acme, {{ settings.SECRET_KEY }} di 17 mrt 2026, 10:00"
    )


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_the_reminder_to_a_real_smtp_server_once(
    smtp_server, acme_calendar, assistant, acme, other_client
):
    contact(acme, "Cees Acme", "ceo@acme.example", language="en")
    contact(other_client, "Gerda Geheim", "gerda@geheim.example", language="de")
    book(acme_calendar, assistant, start=timezone.now() + timedelta(hours=5), summary="Tax advisor")
    assert reminders_send() == 1 and reminders_send() == 0
    adapters = {"email": SmtpAdapter()}
    assert outbox_run(adapters=adapters).get("sent") == 1
    assert outbox_run(adapters=adapters) == {"recovered": 0}
    [mail] = smtp_server.mailbox.parsed()
    assert mail["To"] == "ceo@acme.example" and mail["Subject"].startswith("Reminder: Tax advisor on ")
    assert "Dear Cees Acme" in mail.get_body(("plain",)).get_content()
    with transaction.atomic():
        assert OutboxMessage.objects.get().state == OutboxMessage.State.SENT
