"""`vadesk run`'s mail to the terminal: the outbox's SMTP delivery arrives and is printed, nothing leaves."""

import smtplib
from email.message import EmailMessage
from io import StringIO

from django.conf import settings
from django.utils import timezone

from vadesk.comms.jobs import outbox_deliver_job
from vadesk.comms.models import OutboxMessage
from vadesk.demo.console_mail import console_mail_start

SMTP = ("SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY", "SMTP_USERNAME", "SMTP_PASSWORD")


def test_a_delivered_message_is_printed():
    before = {name: getattr(settings, name) for name in SMTP}
    out = StringIO()
    controller = console_mail_start(out)
    try:
        assert settings.SMTP_HOST == "127.0.0.1" and settings.SMTP_PORT > 0
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "office@vadesk.example", "pieter@example.nl", "Factuur"
        message.set_content("Beste Pieter,\\n\\nhierbij de factuur.")
        message.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename="2026-0016.pdf")
        with smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT, timeout=5) as smtp:
            smtp.send_message(message)
    finally:
        controller.stop()
        for name, value in before.items():
            setattr(settings, name, value)
    printed = out.getvalue()
    assert "To: pieter@example.nl" in printed and "Subject: Factuur" in printed
    assert "hierbij de factuur" in printed and "2026-0016.pdf" in printed


def test_the_outbox_delivers_to_the_terminal(db, acme):
    message = OutboxMessage.objects.create(
        organisation=acme.organisation,
        client=acme,
        kind=OutboxMessage.Kind.CONFIRMATION,
        recipient="pieter@example.nl",
        subject="We received your request",
        body_text="Dank je, we gaan ermee aan de slag.",
        message_id="<console@vadesk.test>",
        not_before=timezone.now(),
    )
    before = {name: getattr(settings, name) for name in SMTP}
    out = StringIO()
    controller = console_mail_start(out)
    try:
        outbox_deliver_job.call()  # what the worker thread of `vadesk run` runs every minute
    finally:
        controller.stop()
        for name, value in before.items():
            setattr(settings, name, value)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert "Subject: We received your request" in out.getvalue() and "aan de slag" in out.getvalue()
