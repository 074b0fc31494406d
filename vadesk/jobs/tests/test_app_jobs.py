"""The three former cron jobs are jobs that do what their commands do; `vadesk run` starts a worker thread."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from vadesk.agenda.jobs import agenda_sync_job
from vadesk.demo.management.commands import run
from vadesk.invoicing import jobs as invoicing_jobs
from vadesk.invoicing.jobs import invoice_reminders_job
from vadesk.jobs.tests.conftest import row
from vadesk.jobs.worker import JobWorker, worker_thread_start
from vadesk.tasks.jobs import recurring_tasks_spawn_job
from vadesk.tasks.models import RecurringTask, Task


@pytest.mark.django_db
def test_the_recurring_tasks_job_spawns_each_occurrence_once(acme):
    RecurringTask.objects.create(
        client=acme, title="Water the plants", rrule="FREQ=WEEKLY", first_due_at=timezone.now() + timedelta(days=1)
    )
    assert recurring_tasks_spawn_job.enqueue().return_value == 1
    assert recurring_tasks_spawn_job.enqueue().return_value == 0
    assert Task.objects.filter(title="Water the plants").count() == 1


@pytest.mark.django_db
def test_the_agenda_job_runs_the_agenda_sync_command():
    assert agenda_sync_job.enqueue().return_value.startswith("Synced 0, failed 0")


@pytest.mark.django_db
def test_the_reminders_job_sends_one_organisations_reminders(org, monkeypatch):
    seen = []
    monkeypatch.setattr(invoicing_jobs, "reminders_send", lambda *, organisation: seen.append(organisation) or [1])
    assert invoice_reminders_job.enqueue(organisation_id=org.pk).return_value == 1
    assert invoice_reminders_job.enqueue(organisation_id=org.pk + 999).return_value == 0  # deleted since
    assert seen == [org]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_thread_runs_jobs_until_stopped(database_backend, acme):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the in-memory SQLite test database locks whole tables across threads")
    RecurringTask.objects.create(
        client=acme, title="Water the plants", rrule="FREQ=WEEKLY", first_due_at=timezone.now() + timedelta(days=1)
    )
    result = recurring_tasks_spawn_job.enqueue()
    worker = worker_thread_start()
    assert isinstance(worker, JobWorker)
    try:
        for _ in range(200):
            if row(result).status == "SUCCESSFUL":
                break
            worker.heartbeat.stopped.wait(0.05)
    finally:
        worker.stop()
        # The thread ends its running job first; the database is emptied after this test, so wait for it.
        assert worker.finished.wait(60)
    assert row(result).return_value == 1


def test_no_worker_thread_with_the_immediate_backend():
    assert worker_thread_start() is None


@pytest.mark.django_db
def test_run_starts_a_worker_unless_told_not_to(monkeypatch, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "var"
    started, served = [], []
    monkeypatch.setattr(run, "worker_thread_start", lambda: started.append(1))
    monkeypatch.setattr(run, "serve", served.append)
    call_command("run", "--no-demo", "--addr", "127.0.0.1:8124", stdout=StringIO())
    call_command("run", "--no-demo", "--no-worker", "--addr", "127.0.0.1:8124", stdout=StringIO())
    assert started == [1] and served == ["127.0.0.1:8124"] * 2
