"""The one-round-trip claim and success of PostgreSQL do what the ORM's path does (test_leases.py covers that one)."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from vadesk.jobs.jobs import ping
from vadesk.jobs.models import JobLease
from vadesk.jobs.tests.conftest import row
from vadesk.jobs.tests.probe import noop
from vadesk.jobs.worker import JobWorker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _postgresql(database_backend):
    if connection.vendor != "postgresql":
        pytest.skip("the one-round-trip claim is PostgreSQL's; SQLite takes the ORM's path")


def test_it_claims_the_first_due_job_by_priority_and_takes_its_lease_in_one_query():
    enqueued = []
    with time_machine.travel(START - timedelta(seconds=10), tick=False) as clock:
        for job in (
            noop.using(run_after=START + timedelta(minutes=5)),  # not due yet
            noop.using(priority=-10),
            noop,
            noop,
            noop.using(priority=10),
            noop.using(run_after=START - timedelta(seconds=30)),  # a retry whose back-off is over: before "now" jobs
        ):
            enqueued.append(job.enqueue())
            clock.shift(timedelta(seconds=1))  # in this order: the oldest first among equals
        later, low, first, second, urgent, retry = enqueued
        clock.move_to(START)
        worker = JobWorker(worker_id="w1", schedule=False)
        with CaptureQueriesContext(connection) as queries:
            claimed = worker.claim()

    assert len(queries) == 1
    assert claimed is not None and claimed.pk == row(urgent).pk
    assert (claimed.status, claimed.started_at, claimed.worker_ids) == ("RUNNING", START, ["w1"])
    assert claimed.task_path == "vadesk.jobs.tests.probe.noop" and claimed.args_kwargs == {"args": [], "kwargs": {}}
    stored = row(urgent)
    assert (stored.status, stored.started_at, stored.worker_ids) == ("RUNNING", START, ["w1"])
    lease = JobLease.objects.get(task_id=claimed.pk)
    assert (lease.worker_id, lease.heartbeat_at) == ("w1", START)
    with time_machine.travel(START + timedelta(seconds=1), tick=False):
        order = [worker.claim().pk for _ in range(4)]
        assert worker.claim() is None
    assert order == [row(retry).pk, row(first).pk, row(second).pk, row(low).pk]
    assert row(later).status == "READY"


def test_a_lease_left_by_a_recovered_attempt_is_taken_over():
    job = noop.enqueue()
    assert JobWorker(worker_id="gone", schedule=False).claim().pk == row(job).pk
    type(row(job)).objects.filter(pk=row(job).pk).update(status="READY")  # as leases_recover leaves it
    claimed = JobWorker(worker_id="next", schedule=False).claim()
    assert claimed.worker_ids == ["gone", "next"]
    assert list(JobLease.objects.values_list("worker_id", flat=True)) == ["next"]


def test_a_row_another_worker_holds_is_skipped():
    held, free = noop.enqueue(), noop.enqueue()
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                type(row(held)).objects.select_for_update().get(pk=row(held).pk)
                locked.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        assert JobWorker(worker_id="w1", schedule=False).claim().pk == row(free).pk
    finally:
        release.set()
        thread.join(timeout=10)


def test_a_success_is_recorded_and_the_lease_dropped_in_one_query():
    job = ping.enqueue()
    worker = JobWorker(worker_id="w1", schedule=False)
    claimed = worker.claim()
    with CaptureQueriesContext(connection) as queries:
        worker.run_task(claimed)
    assert len(queries) == 1
    done = row(job)
    assert (done.status, done.return_value, done.exception_class_path, done.traceback) == ("SUCCESSFUL", "pong", "", "")
    assert done.finished_at is not None and done.finished_at >= done.started_at
    assert claimed.status == "SUCCESSFUL" and claimed.finished_at == done.finished_at
    assert not JobLease.objects.exists()
    assert ping.get_result(str(done.pk)).return_value == "pong"


def test_a_return_value_json_cannot_hold_fails_the_job_as_before(monkeypatch):
    job = noop.enqueue()
    worker = JobWorker(worker_id="w1", schedule=False)
    claimed = worker.claim()
    monkeypatch.setattr(type(claimed.task), "call", lambda self, *args, **kwargs: object())
    worker.run_task(claimed)
    failed = row(job)
    assert failed.status in ("FAILED", "READY") and "TypeError" in failed.traceback
    assert not JobLease.objects.exists()
