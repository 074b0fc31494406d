"""SQLite's outbox claim under a race: two workers, two connections, one database FILE, each row claimed once.

SQLite has no SKIP LOCKED; its transactions are IMMEDIATE (config/settings.py), so a claim reads the due rows
and updates them holding the write lock, and a second worker's claim waits for the first to commit, then reads
what is still pending. The in-memory test database cannot show that (its shared cache locks whole tables across
threads), so each worker thread here opens its own connection to a database file made for the test.

The interleaving is forced, not hoped for: the second worker claims while the first holds its claim open.
"""

import threading
import time

from django.db import transaction
from django.db.models.query import QuerySet

from vadesk.accounts.models import Organisation
from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import outbox_claim, outbox_enqueue
from vadesk.conftest import on_own_connection

MESSAGES = 6
BATCH = 2


def test_a_claim_that_waits_for_another_takes_other_rows_on_a_sqlite_file(sqlite_file, monkeypatch):
    seed, seeded = on_own_connection(sqlite_file, lambda: _enqueue(MESSAGES))
    seed.start()
    seed.join()
    assert "error" not in seeded, seeded

    first_holds, second_claimed = threading.Event(), threading.Event()
    update = QuerySet.update

    def slow_first_claim(self, **kwargs):
        if self.model is OutboxMessage and threading.current_thread().name == "first" and not first_holds.is_set():
            first_holds.set()
            time.sleep(0.5)  # the claim's transaction stays open: the second worker's claim starts and must wait
        return update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", slow_first_claim)

    def first():
        claims = [m.pk for m in outbox_claim(worker="first", size=BATCH)]
        assert second_claimed.wait(timeout=10)
        return claims + claim_all("first")

    def second():
        assert first_holds.wait(timeout=10)
        started = time.monotonic()
        claims = [m.pk for m in outbox_claim(worker="second", size=BATCH)]
        waited = time.monotonic() - started
        second_claimed.set()
        return waited, claims + claim_all("second")

    def claim_all(worker: str) -> list[int]:
        return [m.pk for batch in iter(lambda: outbox_claim(worker=worker, size=BATCH), []) for m in batch]

    workers = [on_own_connection(sqlite_file, work) for work in (first, second)]
    for (thread, _), name in zip(workers, ("first", "second"), strict=True):
        thread.name = name
        thread.start()
    for thread, _ in workers:
        thread.join(timeout=30)

    errors = [result["error"] for _, result in workers if "error" in result]
    assert errors == []
    firsts, (waited, seconds) = workers[0][1]["value"], workers[1][1]["value"]
    assert waited > 0.2, "the second claim did not wait for the first"
    assert len(firsts) >= BATCH and len(seconds) >= BATCH, "each worker took its own batch"
    assert sorted(firsts + seconds) == sorted(set(firsts + seconds)), "a message was claimed by both workers"
    assert len(firsts + seconds) == MESSAGES


def _enqueue(count: int) -> None:
    with transaction.atomic():
        organisation = Organisation.objects.create(name="Assist & Co", country="NL")
        for n in range(count):
            outbox_enqueue(
                organisation_id=organisation.pk,
                kind="update",
                recipient=f"c{n}@acme.example",
                subject=f"Bericht {n}",
                body_text="x",
            )
