"""Several workers on one queue (PostgreSQL, SKIP LOCKED): every job runs exactly once."""

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from vadesk.jobs.tests import probe
from vadesk.jobs.worker import JobWorker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_four_workers_run_sixty_jobs_once_each(database_backend):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the in-memory SQLite test database locks whole tables across threads")
    probe.RUNS.clear()
    for n in range(60):
        probe.record.enqueue(n)
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            start.wait(timeout=10)
            JobWorker(worker_id=name, schedule=False, batch=True).run()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert Counter(probe.RUNS) == Counter(range(60))
