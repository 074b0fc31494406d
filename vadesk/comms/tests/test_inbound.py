"""Inbound mail through the built-in receiver on loopback: threading, new tasks, triage, attachments, idempotency, bad input."""

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.conf import settings
from django.db import transaction

from vadesk.comms.addresses import organisation_address, task_reply_address, task_token
from vadesk.comms.inbound import inbound_receive
from vadesk.comms.models import Attachment, InboundMessage
from vadesk.comms.outbox import outbox_enqueue
from vadesk.comms.receiver import ReceiverController
from vadesk.comms.tests.servers import free_port
from vadesk.tasks.models import Comment, Task

pytestmark = pytest.mark.django_db(transaction=True)
BASE = "desk@vadesk.localhost"


@pytest.fixture
def receiver(monkeypatch):
    monkeypatch.setattr(settings, "INBOUND_MAX_MESSAGE_BYTES", 2 * 1024 * 1024)
    monkeypatch.setattr(settings, "INBOUND_MAX_ATTACHMENT_BYTES", 100 * 1024)
    controller = ReceiverController(host="127.0.0.1", port=free_port(), lmtp=True)
    controller.start()
    yield controller
    controller.stop()


def mail(sender="ceo@acme.example", to=BASE, subject="Vraag", body="Kun je dit regelen?", **headers) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Cees Acme <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="acme.example")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def deliver(receiver, message: EmailMessage, rcpt: str | None = None) -> None:
    with smtplib.LMTP(receiver.hostname, receiver.port) as lmtp:
        lmtp.send_message(message, to_addrs=[rcpt or str(message["To"])])


def test_a_reply_to_our_message_becomes_a_client_comment_on_its_task(receiver, org, task, cees):
    with transaction.atomic():
        ours = outbox_enqueue(
            organisation_id=org.pk,
            kind="question",
            recipient=cees.email,
            subject="Vraag",
            body_text="?",
            task_id=task.pk,
        )
    reply = mail(
        subject="Re: Vraag",
        body="Ja, dinsdag 10:00.\n\nOn Tue, 24 Nov 2026 Anna wrote:\n> Wanneer?",
        In_Reply_To=ours.message_id,
    )

    deliver(receiver, reply, rcpt=BASE)

    [comment] = Comment.objects.filter(task=task)
    assert comment.body == "✉ Cees Acme <ceo@acme.example>:\nJa, dinsdag 10:00."  # the quoted text is cut
    assert comment.visibility == "client"
    assert InboundMessage.objects.get().outcome == "comment"


def test_the_task_token_in_the_address_or_the_subject_finds_the_task(receiver, task, cees):
    deliver(receiver, mail(to=task_reply_address(BASE, task.pk), body="via address"))
    deliver(receiver, mail(subject=f"Re: iets {task_token(task.pk)}", body="via subject"))
    assert sorted(c.body.split("\n")[1] for c in Comment.objects.filter(task=task)) == ["via address", "via subject"]


def test_a_forged_token_does_not_reach_a_task(receiver, org, task, cees):
    deliver(receiver, mail(subject=f"Re: [T{task.pk}-00000000]", to=organisation_address(BASE, org.pk)))
    assert not Comment.objects.filter(task=task).exists()
    assert InboundMessage.objects.get().outcome == "task"  # a known contact: a new task instead


def test_the_same_message_twice_gives_one_comment(receiver, task, cees):
    message = mail(to=task_reply_address(BASE, task.pk))
    deliver(receiver, message)
    deliver(receiver, message)
    assert Comment.objects.filter(task=task).count() == 1 and InboundMessage.objects.count() == 1


def test_new_mail_from_a_known_contact_becomes_a_task_in_that_clients_inbox_with_its_attachments(
    receiver, acme, assistant, cees
):
    message = mail(subject="Nieuwe klant inplannen", body="Zie bijlage.")
    message.add_attachment(b"%PDF-1.4 offerte", maintype="application", subtype="pdf", filename="offerte.pdf")
    deliver(receiver, message)

    task = Task.objects.get(title="Nieuwe klant inplannen")
    assert task.client == acme and task.source == "email" and list(task.assignees.all()) == [assistant]
    [attachment] = Attachment.objects.filter(task=task)
    assert (attachment.filename, attachment.content_type, bytes(attachment.content)) == (
        "offerte.pdf",
        "application/pdf",
        b"%PDF-1.4 offerte",
    )


def test_unknown_senders_go_to_the_organisations_triage(receiver, org):
    deliver(receiver, mail(sender="spam@unknown.example", to=organisation_address(BASE, org.pk)))
    inbound = InboundMessage.objects.get()
    assert (inbound.outcome, inbound.organisation_id, inbound.note) == ("triage", org.pk, "Unknown sender.")
    assert not Task.objects.exists()


def test_a_spoofed_sender_cannot_post_into_a_clients_task(receiver, task, cees, other_client, gerda):
    # Gerda is a real contact, but of another organisation's client: she may not write into Acme's task.
    deliver(receiver, mail(sender="gerda@geheim.example", to=task_reply_address(BASE, task.pk)))
    assert not Comment.objects.filter(task=task).exists()
    assert InboundMessage.objects.get().outcome == "triage"


def test_a_failed_dmarc_check_sends_even_a_known_address_to_triage(receiver, task, cees):
    deliver(
        receiver,
        mail(
            to=task_reply_address(BASE, task.pk),
            Authentication_Results="mx.example; spf=fail smtp.mailfrom=acme.example; dmarc=fail header.from=acme.example",
        ),
    )
    assert InboundMessage.objects.get().outcome == "triage" and not Comment.objects.exists()


def test_an_attachment_over_the_limit_is_not_stored_and_the_comment_stays(receiver, task, cees):
    message = mail(to=task_reply_address(BASE, task.pk))
    message.add_attachment(b"x" * (200 * 1024), maintype="application", subtype="octet-stream", filename="huge.bin")
    message.add_attachment(b"small", maintype="text", subtype="plain", filename="small.txt")
    deliver(receiver, message)

    inbound = InboundMessage.objects.get()
    assert inbound.outcome == "comment" and "huge.bin" in inbound.note and "over the limit" in inbound.note
    assert list(Attachment.objects.values_list("filename", flat=True)) == ["small.txt"]


def test_a_message_over_the_size_limit_is_refused_so_the_sender_gets_a_bounce(receiver, task, cees):
    message = mail(to=task_reply_address(BASE, task.pk), body="x" * (3 * 1024 * 1024))
    with pytest.raises(smtplib.SMTPResponseException) as refused:
        deliver(receiver, message)
    assert refused.value.smtp_code == 552  # RFC 1870 SIZE: refused at MAIL FROM already
    assert not InboundMessage.objects.exists()


def test_malformed_mime_is_kept_in_triage_and_never_crashes(org):
    raw = (
        b"From: =?utf-8?q?broken\r\nTo: "
        + organisation_address(BASE, org.pk).encode()
        + b"\r\nSubject: =?x-unknown?B?!!!?=\r\n"
        b'Content-Type: multipart/mixed; boundary="nope"\r\n\r\n--wrong\r\n\xff\xfe garbage\r\n'
    )
    inbound = inbound_receive(raw=raw, envelope_recipients=[organisation_address(BASE, org.pk)])
    assert inbound.outcome == "triage" and inbound.organisation_id == org.pk and bytes(inbound.raw) == raw


def test_html_mail_is_sanitised_before_it_is_stored(org):
    message = mail(sender="spam@unknown.example", to=organisation_address(BASE, org.pk))
    message.set_content(
        "<p>Hallo <script>alert(1)</script><img src=x onerror=alert(2)><a href='javascript:alert(3)'>klik</a></p>",
        subtype="html",
    )
    inbound = inbound_receive(raw=message.as_bytes(), envelope_recipients=[organisation_address(BASE, org.pk)])
    assert (
        "<script" not in inbound.body_html
        and "onerror" not in inbound.body_html
        and "javascript:" not in inbound.body_html
    )
    assert "Hallo" in inbound.body_html and "Hallo" in inbound.body_text and "<p>" not in inbound.body_text


def test_a_crash_while_filing_keeps_the_message_in_triage(org, task, cees, monkeypatch):
    import vadesk.comms.inbound as inbound_module

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(inbound_module, "_as_comment", explode)
    message = mail(to=task_reply_address(BASE, task.pk))
    inbound = inbound_receive(raw=message.as_bytes(), envelope_recipients=[task_reply_address(BASE, task.pk)])
    assert inbound.outcome == "triage" and "RuntimeError" in inbound.note
    assert not Comment.objects.exists()  # no half-written comment


def test_lmtp_answers_once_per_recipient(receiver, task, cees):
    """RFC 2033 §4.2, checked on the wire: two recipients, two replies after the end of data."""
    import socket

    with socket.create_connection((receiver.hostname, receiver.port), timeout=10) as wire:
        reader = wire.makefile("rb")

        def command(line: bytes) -> list[bytes]:
            if line:
                wire.sendall(line + b"\r\n")
            replies = [reader.readline()]
            while replies[-1][3:4] == b"-":
                replies.append(reader.readline())
            return replies

        assert command(b"")[0].startswith(b"220")
        assert command(b"LHLO test.example")[-1].startswith(b"250")
        assert command(b"MAIL FROM:<ceo@acme.example>")[0].startswith(b"250")
        assert command(b"RCPT TO:<" + task_reply_address(BASE, task.pk).encode() + b">")[0].startswith(b"250")
        assert command(b"RCPT TO:<archive@vadesk.localhost>")[0].startswith(b"250")
        assert command(b"DATA")[0].startswith(b"354")
        wire.sendall(mail(to=task_reply_address(BASE, task.pk)).as_bytes().replace(b"\n", b"\r\n") + b"\r\n.\r\n")
        first, second = reader.readline(), reader.readline()
        assert first.startswith(b"250") and second.startswith(b"250")
        assert command(b"QUIT")[0].startswith(b"221")
    assert Comment.objects.filter(task=task).count() == 1


def test_the_clients_portal_user_may_reply_to_a_task_too(receiver, task, acme_user):
    deliver(receiver, mail(sender=acme_user.email, to=task_reply_address(BASE, task.pk), body="Via mijn eigen adres"))
    comment = Comment.objects.get(task=task)
    assert comment.author == acme_user and comment.visibility == "client"


def test_raw_bytes_are_kept_for_triage_and_on_request_for_filed_mail(org, task, cees, monkeypatch):
    filed = mail(to=task_reply_address(BASE, task.pk))
    assert bytes(inbound_receive(raw=filed.as_bytes()).raw) == b""  # the comment, text and attachments are what stays
    monkeypatch.setattr(settings, "INBOUND_KEEP_RAW", "all")
    again = mail(to=task_reply_address(BASE, task.pk))
    assert bytes(inbound_receive(raw=again.as_bytes()).raw) == again.as_bytes()
    unknown = mail(sender="x@unknown.example", to=organisation_address(BASE, org.pk))
    monkeypatch.setattr(settings, "INBOUND_KEEP_RAW", "triage")
    assert bytes(inbound_receive(raw=unknown.as_bytes()).raw) == unknown.as_bytes()


def test_a_new_task_goes_to_the_first_lead_who_is_still_staff_for_the_client(
    acme, assistant, owner, colleague, outsider, cees
):
    from vadesk.accounts.models import Membership
    from vadesk.clients.models import Assignment

    # colleague: a lead whose membership ended; outsider: a lead assignment but staff of another organisation only.
    Assignment.objects.create(client=acme, person=owner, role="lead")
    Assignment.objects.create(client=acme, person=colleague, role="lead")
    Assignment.objects.create(client=acme, person=outsider, role="lead")
    Membership.objects.filter(person=colleague).update(is_active=False)
    inbound_receive(raw=mail(subject="Wie pakt dit op?").as_bytes(), envelope_recipients=[BASE])

    task = Task.objects.get(title="Wie pakt dit op?")
    assert list(task.assignees.all()) == [assistant]  # the first in the order of cover (docs/team.md)
    Membership.objects.filter(person=assistant).update(is_active=False)
    inbound_receive(raw=mail(subject="En dit?").as_bytes(), envelope_recipients=[BASE])
    assert list(Task.objects.get(title="En dit?").assignees.all()) == [owner]  # never the ended or the outsider
