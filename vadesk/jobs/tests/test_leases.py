"""A running job whose heartbeat stopped runs again after the lease; one with a live heartbeat is left alone."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from vadesk.jobs.models import JobLease
from vadesk.jobs.tests.conftest import row
from vadesk.jobs.tests.probe import noop
from vadesk.jobs.worker import Heartbeat, JobWorker, leases_recover

START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def claimed(worker_id: str = "gone") -> DBTaskResult:
    result = noop.enqueue()
    claimed_row = JobWorker(worker_id=worker_id, schedule=False).claim()
    assert claimed_row is not None and claimed_row.pk == row(result).pk
    return claimed_row


@pytest.mark.django_db
def test_the_claim_takes_a_lease(database_backend, settings):
    with time_machine.travel(START, tick=False):
        job = claimed()
    lease = JobLease.objects.get(task=job)
    assert lease.worker_id == "gone" and lease.heartbeat_at == START
    assert row(job).status == "RUNNING"


@pytest.mark.django_db
def test_a_job_within_its_lease_is_left_alone_and_one_past_it_goes_again(database_backend, settings):
    settings.JOBS_LEASE_SECONDS = 60
    with time_machine.travel(START, tick=False) as clock:
        job = claimed()
        clock.shift(timedelta(seconds=59))
        assert leases_recover() == 0 and row(job).status == "RUNNING"
        clock.shift(timedelta(seconds=2))
        assert leases_recover() == 1
    again = row(job)
    assert again.status == "READY" and "LeaseExpired" in again.traceback and "gone" in again.traceback
    assert not JobLease.objects.filter(task_id=job.pk).exists()
    assert JobWorker(worker_id="next", schedule=False).claim().worker_ids == ["gone", "next"]


@pytest.mark.django_db
def test_a_heartbeat_keeps_a_long_job_alive(database_backend, settings):
    settings.JOBS_LEASE_SECONDS = 60
    with time_machine.travel(START, tick=False) as clock:
        job = claimed()
        clock.shift(timedelta(seconds=50))
        JobLease.objects.filter(task_id=job.pk).update(heartbeat_at=START + timedelta(seconds=50))
        clock.shift(timedelta(seconds=50))
        assert leases_recover() == 0


@pytest.mark.django_db
def test_a_job_whose_lease_ran_out_on_its_last_attempt_stays_failed(database_backend, settings):
    settings.JOBS_LEASE_SECONDS = 60
    with time_machine.travel(START, tick=False) as clock:
        job = claimed()
        DBTaskResult.objects.filter(pk=job.pk).update(worker_ids=["a", "b", "gone"] * 2)  # noop allows 5 attempts
        clock.shift(timedelta(minutes=5))
        assert leases_recover() == 1
    assert row(job).status == "FAILED"


def test_the_heartbeat_stops_when_asked():
    beat = Heartbeat("w")
    beat.start()
    beat.stopped.set()
    beat.join(timeout=5)
    assert not beat.is_alive()
