"""Several workers on one outbox: every message is claimed by exactly one and delivered exactly once."""

import threading
from collections import Counter

import pytest
from django.db import connection, connections, transaction

from vadesk.comms.channels import SmtpAdapter
from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import outbox_enqueue, outbox_run

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_three_workers_deliver_forty_messages_once_each(org, smtp_server):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the in-memory SQLite test database locks whole tables across threads")
    with transaction.atomic():
        for n in range(40):
            outbox_enqueue(
                organisation_id=org.pk,
                kind="update",
                recipient=f"c{n}@acme.example",
                subject=f"Bericht {n}",
                body_text="x",
            )
    start = threading.Barrier(3)
    errors = []

    def work(name: str) -> None:
        try:
            start.wait(timeout=10)
            outbox_run(adapters={"email": SmtpAdapter()}, worker=name)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    delivered = Counter(str(mail["Message-ID"]) for mail in smtp_server.mailbox.parsed())
    assert len(delivered) == 40 and set(delivered.values()) == {1}
    assert set(OutboxMessage.objects.values_list("state", "attempts")) == {("sent", 1)}
    assert len(set(OutboxMessage.objects.values_list("claimed_by", flat=True))) >= 1
