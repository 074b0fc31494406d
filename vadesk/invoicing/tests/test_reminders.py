"""Reminders go out through the comms outbox over real SMTP (aiosmtpd on loopback); the test reads the delivered MIME."""

import email
import socket
from datetime import date, timedelta
from decimal import Decimal

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings

from vadesk.comms.channels import SmtpAdapter
from vadesk.comms.outbox import outbox_run
from vadesk.invoicing.models import Reminder
from vadesk.invoicing.reminders import reminders_send
from vadesk.invoicing.services import invoice_draft_create, invoice_finalise, invoice_line_save
from vadesk.invoicing.tests.conftest import PERIOD

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setattr(settings, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setattr(settings, "SMTP_PORT", port)
    yield inbox
    controller.stop()


def deliver() -> dict[str, int]:
    """What the outbox worker (`vadesk outbox_worker`) does on its next round."""
    return outbox_run(adapters={"email": SmtpAdapter()})


@pytest.fixture
def overdue(seller, owner, billable_acme):
    billable_acme.preferred_language = "de"
    billable_acme.save()
    draft = invoice_draft_create(
        by=owner, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False
    )
    invoice_line_save(
        by=owner, invoice=draft, description="Arbeit", quantity=Decimal(2), unit="HUR", unit_price=Decimal(50)
    )
    return invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))  # due 16 Nov


def test_reminders_follow_the_schedule_one_level_at_a_time(smtp, overdue, org):
    due = overdue.due_date
    assert reminders_send(organisation=org, today=due + timedelta(days=6)) == []
    assert [r.level for r in reminders_send(organisation=org, today=due + timedelta(days=60))] == [
        1
    ]  # never straight to the final notice
    assert reminders_send(organisation=org, today=due + timedelta(days=60)) == []  # nothing twice on one day
    assert reminders_send(organisation=org, today=due + timedelta(days=66)) == []  # a week to react
    assert [r.level for r in reminders_send(organisation=org, today=due + timedelta(days=67))] == [2]
    assert [r.level for r in reminders_send(organisation=org, today=due + timedelta(days=74))] == [3]
    assert reminders_send(organisation=org, today=due + timedelta(days=90)) == []
    assert deliver().get("sent") == 3
    assert len(smtp.messages) == 3
    recipients, message = smtp.messages[0]
    assert recipients == ["ap@acme.example"]
    assert message["Subject"] == f"Zahlungserinnerung: Rechnung {overdue.number}"
    parts = list(message.walk())
    body = next(p for p in parts if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert "121,00" in body and overdue.number in body
    # People's words, as on the PDF: the day spelled out, the IBAN in groups of four, no ISO date.
    assert "fällig seit 16. November 2026" in body and "NL91 ABNA 0417 1643 00" in body
    assert "2026-11-16" not in body
    [pdf] = [p for p in parts if p.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == f"{overdue.number}.pdf" and pdf.get_payload(decode=True).startswith(b"%PDF")
    assert Reminder.objects.count() == 3


def test_a_paid_invoice_gets_no_reminder(smtp, overdue, org, owner):
    from vadesk.invoicing.services import payment_record

    payment_record(by=owner, invoice=overdue, amount=overdue.gross_total, paid_on=overdue.due_date)
    assert reminders_send(organisation=org, today=overdue.due_date + timedelta(days=40)) == []
    assert deliver() == {"recovered": 0} and smtp.messages == []
