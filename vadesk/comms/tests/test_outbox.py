"""The outbox against a real SMTP server on loopback: the delivered MIME, retries, back-off, claims."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vadesk.comms import conf
from vadesk.comms.addresses import task_from_address
from vadesk.comms.channels import SmtpAdapter
from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import NotInTransaction, backoff, outbox_claim, outbox_enqueue, outbox_run

pytestmark = pytest.mark.django_db(transaction=True)


def enqueue(org, **extra):
    fields = dict(
        organisation_id=org.pk,
        kind="update",
        recipient="ceo@acme.example",
        subject="Vergadering gepland ✓",
        body_text="Beste Cees,\n.\nDe vergadering staat.",
        body_html="<p>De vergadering <b>staat</b>.</p>",
    )
    fields.update(extra)
    with transaction.atomic():
        return outbox_enqueue(**fields)


def run():
    return outbox_run(adapters={"email": SmtpAdapter()})


def test_it_refuses_to_enqueue_outside_a_transaction(org):
    with pytest.raises(NotInTransaction):
        outbox_enqueue(organisation_id=org.pk, kind="update", recipient="a@b.example", subject="x", body_text="y")


def test_a_message_is_delivered_as_mime_with_text_html_and_a_reply_address(org, task, smtp_server):
    row = enqueue(org, task_id=task.pk)

    assert run() == {"recovered": 0, "sent": 1}

    [mail] = smtp_server.mailbox.parsed()
    assert mail["Message-ID"] == row.message_id
    assert mail["Subject"] == "Vergadering gepland ✓"
    assert mail["From"] == "desk@assist.example"
    assert task_from_address(str(mail["Reply-To"])) == task.pk
    assert mail.get_body(("plain",)).get_content().splitlines() == [
        "Beste Cees,",
        ".",
        "De vergadering staat.",
    ]  # dot-stuffing undone
    assert "<b>staat</b>" in mail.get_body(("html",)).get_content()
    row.refresh_from_db()
    assert row.state == "sent" and row.sent_at is not None and row.attempts == 1


def test_a_rolled_back_change_leaves_no_message(org, smtp_server):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(organisation_id=org.pk, kind="update", recipient="a@b.example", subject="x", body_text="y")
        raise RuntimeError("the change failed")

    assert OutboxMessage.objects.count() == 0
    assert run()["recovered"] == 0 and smtp_server.mailbox.messages == []


def test_a_temporary_refusal_is_retried_later_with_exponential_back_off(org, smtp_server, monkeypatch):
    monkeypatch.setattr(settings, "OUTBOX_BACKOFF_SECONDS", 60)
    smtp_server.mailbox.reply = "451 4.3.0 Try again later"
    row = enqueue(org)

    assert run().get("pending") == 1
    row.refresh_from_db()
    assert row.state == "pending" and row.attempts == 1 and "451" in row.last_error
    assert timedelta(seconds=55) < row.not_before - timezone.now() <= timedelta(seconds=60)
    assert run() == {"recovered": 0}  # not due yet: nothing is tried

    smtp_server.mailbox.reply = "250 OK"
    OutboxMessage.objects.filter(pk=row.pk).update(not_before=timezone.now())
    assert run().get("sent") == 1
    assert len(smtp_server.mailbox.messages) == 1


def test_back_off_doubles_and_is_capped():
    config = conf.OutboxConfig(max_attempts=8, backoff_base=30, backoff_cap=3600, lease=300, uncertain="hold")
    assert [backoff(n, config).total_seconds() for n in (1, 2, 3, 4, 9)] == [30, 60, 120, 240, 3600]


def test_a_permanent_refusal_fails_at_once_and_is_not_retried(org, smtp_server):
    smtp_server.mailbox.rcpt_reply = "550 5.1.1 No such user"
    row = enqueue(org)

    assert run().get("failed") == 1
    row.refresh_from_db()
    assert row.state == "failed" and "550" in row.last_error and smtp_server.mailbox.messages == []


def test_a_server_that_is_down_counts_as_temporary(org, monkeypatch):
    from vadesk.comms.tests.servers import free_port

    monkeypatch.setattr(settings, "SMTP_PORT", free_port())
    row = enqueue(org)

    assert run().get("pending") == 1
    row.refresh_from_db()
    assert "ConnectionRefused" in row.last_error


def test_after_the_last_attempt_a_message_fails(org, smtp_server, monkeypatch):
    monkeypatch.setattr(settings, "OUTBOX_MAX_ATTEMPTS", 2)
    smtp_server.mailbox.reply = "421 4.3.2 Shutting down"
    row = enqueue(org)
    run()
    OutboxMessage.objects.filter(pk=row.pk).update(not_before=timezone.now())
    assert run().get("failed") == 1


def test_a_claimed_message_cannot_be_claimed_again(org):
    enqueue(org)
    [first] = outbox_claim(worker="a", size=5)
    assert first.state == "sending" and first.claimed_by == "a" and first.attempts == 1
    assert outbox_claim(worker="b", size=5) == []


def test_a_message_held_for_quiet_hours_waits(org, smtp_server):
    enqueue(org, not_before=timezone.now() + timedelta(hours=3))
    assert run() == {"recovered": 0}
    assert smtp_server.mailbox.messages == []


def test_the_same_dedupe_key_gives_one_message(org):
    first = enqueue(org, dedupe_key="digest:1:2026-01-01")
    second = enqueue(org, dedupe_key="digest:1:2026-01-01")
    assert first.pk == second.pk and OutboxMessage.objects.count() == 1


def test_a_subject_with_line_breaks_cannot_inject_headers(org, smtp_server):
    enqueue(org, subject="Offerte\r\nBcc: everyone@example.com\nX-Evil: 1")
    assert run().get("sent") == 1
    [mail] = smtp_server.mailbox.parsed()
    assert mail["Bcc"] is None and mail["X-Evil"] is None
    assert mail["Subject"] == "Offerte Bcc: everyone@example.com X-Evil: 1"
