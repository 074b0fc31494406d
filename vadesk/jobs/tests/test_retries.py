"""A job that raises goes again after a back-off that doubles, then stays failed with its error."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from vadesk.jobs.registry import Policy, policy_for
from vadesk.jobs.services import failed_jobs
from vadesk.jobs.tests.conftest import row, run_due_jobs
from vadesk.jobs.tests.probe import always_fails, fails_once

START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def test_the_back_off_doubles_per_attempt_up_to_an_hour():
    policy = Policy(max_attempts=10, backoff_seconds=30)
    assert [policy.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert policy.backoff(10) == timedelta(hours=1)


def test_a_job_not_imported_yet_gets_its_declared_policy():
    assert policy_for("vadesk.jobs.tests.probe.always_fails") == Policy(max_attempts=3, backoff_seconds=10)
    assert policy_for("vadesk.nowhere.job").max_attempts >= 1


@pytest.mark.django_db
def test_a_failing_job_is_retried_with_back_off_then_listed_as_failed(database_backend):
    with time_machine.travel(START, tick=False) as clock:
        result = always_fails.enqueue(organisation_id=7)
        run_due_jobs()
        first = row(result)
        assert first.status == "READY" and len(first.worker_ids) == 1
        assert first.run_after == START + timedelta(seconds=10)
        assert "the printer is on fire" in first.traceback  # the last error stays visible while it waits

        clock.shift(timedelta(seconds=9))
        run_due_jobs()
        assert len(row(result).worker_ids) == 1  # not due yet

        clock.shift(timedelta(seconds=1))
        run_due_jobs()
        second = row(result)
        assert len(second.worker_ids) == 2 and second.run_after == START + timedelta(seconds=10 + 20)

        clock.shift(timedelta(seconds=20))
        run_due_jobs()
        last = row(result)
        assert last.status == "FAILED" and len(last.worker_ids) == 3
        assert last.exception_class_path == "builtins.RuntimeError"

        clock.shift(timedelta(hours=2))
        run_due_jobs()
        assert len(row(result).worker_ids) == 3  # a failed job stays failed
    assert [job.pk for job in failed_jobs(by=None)] == [last.pk]


@pytest.mark.django_db
def test_a_job_that_fails_once_succeeds_on_its_second_attempt(database_backend, tmp_path):
    with time_machine.travel(START, tick=False) as clock:
        result = fails_once.enqueue(marker=str(tmp_path / "marker"))
        run_due_jobs()
        clock.shift(timedelta(seconds=10))
        run_due_jobs()
    done = row(result)
    assert done.status == "SUCCESSFUL" and done.return_value == "second attempt works"
    assert done.traceback == "" and len(done.worker_ids) == 2
