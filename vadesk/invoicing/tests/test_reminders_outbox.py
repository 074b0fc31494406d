"""Payment reminders are queued in the comms outbox with their attachments, exactly once per level, and no SMTP
is spoken while the reminder is being written (before, `EmailMessage.send()` ran inside the claiming transaction)."""

from datetime import timedelta

import pytest
from django.conf import settings

from vadesk.comms import outbox
from vadesk.comms.models import OutboxMessage
from vadesk.comms.tests.delivery import SmtpWatch, deliver, received, smtp_back, smtp_down
from vadesk.comms.tests.servers import SmtpServer
from vadesk.invoicing.models import Invoice, Reminder
from vadesk.invoicing.reminders import reminders_send
from vadesk.invoicing.tests.test_reminders import overdue  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smtp_server(monkeypatch):
    with SmtpServer() as server:
        monkeypatch.setattr(settings, "SMTP_HOST", "127.0.0.1")
        monkeypatch.setattr(settings, "SMTP_PORT", server.port)
        yield server


def test_a_reminder_due_while_smtp_is_down_is_delivered_once_it_is_back(overdue, org, smtp_server, monkeypatch):
    smtp_down(monkeypatch)
    [reminder] = reminders_send(organisation=org, today=overdue.due_date + timedelta(days=10))

    row = OutboxMessage.objects.get()
    assert (row.kind, row.recipient, row.client_id) == ("payment", "ap@acme.example", overdue.client_id)
    assert list(row.attachments.values_list("filename", "content_type")) == [
        (f"{overdue.number}.pdf", "application/pdf")
    ]
    assert deliver()["pending"] == 1 and received(smtp_server) == []

    smtp_back(monkeypatch, smtp_server)
    assert deliver()["sent"] == 1
    [mail] = received(smtp_server)
    assert str(mail["To"]) == "ap@acme.example" and overdue.number in str(mail["Subject"])
    [pdf] = [part for part in mail.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == f"{overdue.number}.pdf" and pdf.get_content().startswith(b"%PDF")
    assert Reminder.objects.get() == reminder and reminder.level == 1


def test_a_reminder_is_queued_exactly_once(overdue, org, smtp_server):
    today = overdue.due_date + timedelta(days=10)
    assert len(reminders_send(organisation=org, today=today)) == 1
    assert reminders_send(organisation=org, today=today) == []  # a second run the same day
    assert deliver()["sent"] == 1
    assert reminders_send(organisation=org, today=today + timedelta(days=1)) == []
    assert deliver() == {"recovered": 0}
    assert len(received(smtp_server)) == 1 and OutboxMessage.objects.count() == 1 and Reminder.objects.count() == 1


def test_no_smtp_is_spoken_while_the_reminder_is_written(overdue, org, smtp_server, monkeypatch, settings):
    # Even with Django's own SMTP mailer configured (as it was), the reminder must not use it.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp_server.port},
        }
    }
    watch = SmtpWatch(monkeypatch)
    assert len(reminders_send(organisation=org, today=overdue.due_date + timedelta(days=10))) == 1
    assert watch.connections == [] and OutboxMessage.objects.filter(kind="payment").count() == 1
    assert deliver()["sent"] == 1
    assert watch.connections and watch.inside_a_transaction == 0


def test_when_queuing_fails_the_level_is_not_claimed_so_the_next_run_tries_again(
    overdue, org, smtp_server, monkeypatch
):
    today = overdue.due_date + timedelta(days=10)

    def broken(**fields):
        raise RuntimeError("database full")

    monkeypatch.setattr("vadesk.invoicing.reminders.outbox_enqueue", broken)
    with pytest.raises(RuntimeError):
        reminders_send(organisation=org, today=today)
    assert Invoice.objects.get(pk=overdue.pk).reminder_level == 0 and not Reminder.objects.exists()

    monkeypatch.setattr("vadesk.invoicing.reminders.outbox_enqueue", outbox.outbox_enqueue)
    assert [r.level for r in reminders_send(organisation=org, today=today)] == [1]
    assert deliver()["sent"] == 1 and len(received(smtp_server)) == 1
