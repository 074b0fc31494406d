"""The comms pipelines as jobs: a change that queues a message queues its delivery on commit (once per
transaction), the schedule sweeps the rest, and the by-hand commands run the same functions."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import outbox_enqueue
from vadesk.jobs.schedule import SCHEDULE
from vadesk.jobs.worker import JobWorker

DELIVERY_JOB = "vadesk.comms.jobs.outbox_deliver_job"


@pytest.fixture
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queue(org, n: int = 1, **extra) -> None:
    with transaction.atomic():
        for k in range(n):
            outbox_enqueue(
                organisation_id=org.pk,
                kind="update",
                recipient=f"c{k}@acme.example",
                subject="Hoi",
                body_text="x",
                **extra,
            )


def delivery_jobs() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=DELIVERY_JOB))


@pytest.mark.django_db
def test_a_transaction_that_queues_messages_queues_one_delivery_job_on_commit(
    org, database_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue(org, 3)
        assert delivery_jobs() == []  # nothing before the commit
    for callback in callbacks:
        callback()
    [job] = delivery_jobs()
    assert job.status == "READY"


@pytest.mark.django_db
def test_a_message_held_for_later_waits_for_the_sweep(org, database_backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue(org, not_before=timezone.now() + timedelta(hours=8))  # quiet hours
    assert delivery_jobs() == []


@pytest.mark.django_db
def test_a_backend_that_runs_jobs_inline_gets_no_kick_so_no_request_talks_smtp(
    org, django_capture_on_commit_callbacks, smtp_watch
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queue(org)
    assert callbacks == [] and smtp_watch.connections == []
    assert OutboxMessage.objects.get().state == "pending"


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_kicked_job_and_the_message_goes_out(org, database_backend, smtp_server):
    queue(org, 2)
    JobWorker(worker_id="test-worker", schedule=False, batch=True).run()

    [job] = delivery_jobs()
    assert job.status == "SUCCESSFUL" and job.return_value == {"recovered": 0, "sent": 2}
    assert len(smtp_server.mailbox.messages) == 2


def test_the_schedule_runs_the_three_pipelines():
    entries = {periodic.name: periodic for periodic in SCHEDULE}
    assert entries["comms.outbox"].task == DELIVERY_JOB
    assert entries["comms.digests"].task == "vadesk.comms.jobs.digests_build_job"
    assert entries["comms.imap"].task == "vadesk.comms.jobs.inbound_imap_job"
    for name in ("comms.outbox", "comms.digests", "comms.imap"):
        assert entries[name].every == timedelta(minutes=1)
        assert import_string(entries[name].task).module_path == entries[name].task


@pytest.mark.django_db
def test_the_imap_job_does_nothing_without_a_mailbox(settings):
    settings.IMAP_HOST = ""
    assert import_string("vadesk.comms.jobs.inbound_imap_job").call() == {}


@pytest.mark.django_db(transaction=True)
def test_the_command_by_hand_builds_digests_and_delivers(org, smtp_server, capsys):
    queue(org)
    call_command("outbox_worker")
    assert "digests=0" in capsys.readouterr().out and len(smtp_server.mailbox.messages) == 1
