"""A delivery run sends its batch over one SMTP connection, and a message that fails in it costs the others nothing:
none lost, none sent twice."""

import smtplib
import socket
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vadesk.comms.channels import SmtpAdapter
from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import (
    BATCH,
    Ledger,
    outbox_claim,
    outbox_deliver,
    outbox_enqueue,
    outbox_recover,
    outbox_run,
)
from vadesk.comms.tests.delivery import smtp_down

pytestmark = pytest.mark.django_db(transaction=True)


def queue(org, recipients: list[str]) -> None:
    with transaction.atomic():
        for n, recipient in enumerate(recipients):
            outbox_enqueue(
                organisation_id=org.pk, kind="update", recipient=recipient, subject=f"Bericht {n}", body_text="Hallo."
            )


def states() -> dict[str, str]:
    return dict(OutboxMessage.objects.values_list("recipient", "state"))


def delivered(server) -> Counter:
    return Counter(str(mail["To"]) for mail in server.mailbox.parsed())


def test_a_batch_goes_over_one_connection(org, smtp_server, smtp_watch):
    queue(org, [f"c{n}@acme.example" for n in range(12)])

    assert outbox_run(adapters={"email": SmtpAdapter()}) == {"recovered": 0, "sent": 12}

    assert len(smtp_watch.connections) == 1 and len(smtp_server.mailbox.sessions) == 1
    assert set(delivered(smtp_server).values()) == {1} and len(delivered(smtp_server)) == 12


def test_a_relay_that_caps_messages_per_connection_gets_a_fresh_one(org, smtp_server, smtp_watch):
    queue(org, [f"c{n}@acme.example" for n in range(5)])

    outbox_run(adapters={"email": SmtpAdapter(per_connection=2)})

    assert len(smtp_watch.connections) == 3 and len(delivered(smtp_server)) == 5


def test_refused_messages_fail_or_wait_alone_and_the_rest_go_over_the_same_connection(org, smtp_server, smtp_watch):
    smtp_server.mailbox.refuse = {"gone@acme.example": "550 no such user", "full@acme.example": "452 mailbox full"}
    queue(org, ["a@acme.example", "gone@acme.example", "b@acme.example", "full@acme.example", "c@acme.example"])

    counts = outbox_run(adapters={"email": SmtpAdapter()})

    assert counts == {"recovered": 0, "sent": 3, "failed": 1, "pending": 1}
    assert states() == {
        "a@acme.example": "sent",
        "gone@acme.example": "failed",  # 5xx: final
        "b@acme.example": "sent",
        "full@acme.example": "pending",  # 4xx: again after its back-off
        "c@acme.example": "sent",
    }
    assert len(smtp_watch.connections) == 1  # RSET after each refusal, not a new connection
    assert delivered(smtp_server) == Counter({"a@acme.example": 1, "b@acme.example": 1, "c@acme.example": 1})


def test_a_server_that_offers_pipelining_gets_mail_rcpt_and_data_in_one_write(
    org, smtp_server, smtp_watch, monkeypatch
):
    smtp_server.mailbox.pipelining = True
    smtp_server.mailbox.refuse = {"gone@acme.example": "550 no such user", "full@acme.example": "452 mailbox full"}
    writes = []
    send = smtplib.SMTP.send
    monkeypatch.setattr(smtplib.SMTP, "send", lambda smtp, data: writes.append(data) or send(smtp, data))
    queue(org, ["a@acme.example", "gone@acme.example", "b@acme.example", "full@acme.example", "c@acme.example"])

    counts = outbox_run(adapters={"email": SmtpAdapter()})

    assert counts == {"recovered": 0, "sent": 3, "failed": 1, "pending": 1}
    assert states()["gone@acme.example"] == "failed" and states()["full@acme.example"] == "pending"
    assert len(smtp_watch.connections) == 1
    assert delivered(smtp_server) == Counter({"a@acme.example": 1, "b@acme.example": 1, "c@acme.example": 1})
    envelopes = [w for w in writes if "MAIL FROM" in str(w)]
    assert len(envelopes) == 5 and all("RCPT TO" in str(w) and "DATA" in str(w) for w in envelopes)


def test_a_connection_that_breaks_costs_only_the_message_in_hand(org, smtp_server, smtp_watch):
    smtp_server.mailbox.hang_up_at = {"b@acme.example"}
    queue(org, ["a@acme.example", "b@acme.example", "c@acme.example", "d@acme.example"])

    counts = outbox_run(adapters={"email": SmtpAdapter()})

    assert counts == {"recovered": 0, "sent": 3, "pending": 1}
    assert states()["b@acme.example"] == "pending"  # before the end-of-data: it cannot have arrived, so it goes again
    assert OutboxMessage.objects.get(recipient="b@acme.example").attempts == 1
    assert len(smtp_watch.connections) == 2  # the rest went over a fresh connection
    assert delivered(smtp_server) == Counter({"a@acme.example": 1, "c@acme.example": 1, "d@acme.example": 1})


def test_an_unreachable_relay_ends_the_run_after_one_message(org, monkeypatch, smtp_watch):
    smtp_down(monkeypatch)
    queue(org, [f"c{n}@acme.example" for n in range(5)])

    assert outbox_run(adapters={"email": SmtpAdapter()}) == {"recovered": 0, "pending": 1}

    assert len(smtp_watch.connections) == 1
    attempts = sorted(OutboxMessage.objects.values_list("attempts", flat=True))
    assert attempts == [0, 0, 0, 0, 1]  # the others were not touched: due at the next run


def test_the_connection_sends_each_write_at_once(smtp_server):
    """The end-of-data line is a write of its own after the body: with Nagle's algorithm it waited for the
    server's delayed ACK of the body (40 ms a message on Linux). TCP_NODELAY sends it at once."""
    adapter = SmtpAdapter()
    with adapter.session():
        smtp = adapter._connection()
        assert smtp.sock is not None
        assert smtp.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1


def test_on_postgresql_a_message_costs_one_round_trip_and_a_batch_four(org, smtp_server):
    """Per batch: the claim (one statement), the rows and their attachments, the last message's outcome. Per
    message: its durable handover, which carries the previous message's outcome *sent*."""
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement claim, handover and outcome are PostgreSQL's")
    per_run = []
    for count in (2, 4, 4 + BATCH):
        OutboxMessage.objects.all().delete()
        queue(org, [f"c{n}@acme.example" for n in range(count)])
        with CaptureQueriesContext(connection) as queries:
            assert outbox_run(adapters={"email": SmtpAdapter()})["sent"] == count
        per_run.append(len(queries))
        assert set(states().values()) == {"sent"}
    assert (per_run[1] - per_run[0]) / 2 == 1
    assert per_run[2] - per_run[1] == BATCH + 4


def test_a_claim_taken_back_after_the_lease_is_not_sent_by_the_worker_that_held_it(org, smtp_server, settings):
    """A batch waits in its claim; should a claim outlive the lease, recovery gives the row to another worker,
    and the first one's handover finds the row no longer its own: it closes the connection before the dot."""
    queue(org, ["a@acme.example", "b@acme.example"])
    stale = outbox_claim(worker="slow", size=2)
    assert outbox_recover(now=timezone.now() + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)) == 2
    assert outbox_run(adapters={"email": SmtpAdapter()}, worker="quick") == {"recovered": 0, "sent": 2}

    adapter = SmtpAdapter()
    with adapter.session():
        ledger = Ledger("slow")
        outcomes = [outbox_deliver(message=m, ledger=ledger, adapters={"email": adapter}) for m in stale]

    assert outcomes == ["lost", "lost"]
    assert delivered(smtp_server) == Counter({"a@acme.example": 1, "b@acme.example": 1})
    assert set(OutboxMessage.objects.values_list("state", "claimed_by")) == {("sent", "quick")}
