"""SQLite's outbox claim under a race: two workers, two connections, one database FILE, each row claimed once.

SQLite has no SKIP LOCKED, so its claim is a conditional UPDATE (`state=pending` in the WHERE clause):
of two workers that read the same due rows, one updates a row and the other updates none and moves on.
The in-memory test database cannot show that (its shared cache locks whole tables across threads), so
each worker thread here opens its own connection to a database file made for the test.

The interleaving is forced, not hoped for: both workers read the due rows, then both try to claim.
"""

import threading

from django.db import transaction
from django.db.models.query import QuerySet

from vadesk.accounts.models import Organisation
from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import outbox_claim, outbox_enqueue
from vadesk.conftest import on_own_connection

WORKERS = 2
MESSAGES = 6


def test_two_workers_racing_on_a_sqlite_file_never_claim_the_same_message(sqlite_file, monkeypatch):
    seed, seeded = on_own_connection(sqlite_file, lambda: _enqueue(MESSAGES))
    seed.start()
    seed.join()
    assert "error" not in seeded, seeded

    # Both workers have read the due rows before either writes: the UPDATE waits at this barrier once per thread.
    both_read = threading.Barrier(WORKERS, timeout=10)
    waited = threading.local()
    update = QuerySet.update

    def update_after_both_read(self, **kwargs):
        if self.model is OutboxMessage and not getattr(waited, "done", False):
            waited.done = True
            both_read.wait()
        return update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update_after_both_read)

    def claim_all(name: str):
        return lambda: [m.pk for m in iter(lambda: outbox_claim(worker=name), None)]

    workers = [on_own_connection(sqlite_file, claim_all(f"worker-{n}")) for n in range(WORKERS)]
    for thread, _ in workers:
        thread.start()
    for thread, _ in workers:
        thread.join(timeout=30)

    errors = [result["error"] for _, result in workers if "error" in result]
    assert errors == []
    claims = [pk for _, result in workers for pk in result["value"]]
    assert sorted(claims) == sorted(set(claims)), "a message was claimed by both workers"
    assert len(claims) == MESSAGES
    assert all(result["value"] for _, result in workers), "the race did not happen: one worker took everything"


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
