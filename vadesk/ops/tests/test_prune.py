"""The prune job: old bookkeeping goes after its retention, everything still needed or still young stays."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from vadesk.comms.models import OutboxMessage
from vadesk.jobs.models import JobRun, ScheduleSlot
from vadesk.jobs.schedule import SCHEDULE
from vadesk.jobs.tests import probe
from vadesk.ops import prune
from vadesk.ops.jobs import prune_job
from vadesk.ops.prune import prune_run
from vadesk.webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture
def retention(settings):
    settings.PRUNE_JOBS_DAYS, settings.PRUNE_FAILED_JOBS_DAYS = 14, 90
    settings.PRUNE_SCHEDULE_SLOTS_DAYS, settings.PRUNE_OUTBOX_DAYS = 30, 365
    settings.PRUNE_WEBHOOK_DELIVERIES_DAYS, settings.PRUNE_JOB_RUNS_DAYS = 30, 30
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def finished_job(status: str, days_ago: float) -> str:
    result = probe.noop.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(status=status, finished_at=NOW - timedelta(days=days_ago))
    return str(result.id)


def outbox(n: int, state: str, days_ago: float, queued_days_ago: float | None = None) -> OutboxMessage:
    sent_at = NOW - timedelta(days=days_ago)
    return OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.UPDATE,
        recipient=f"klant{n}@example.nl",
        message_id=f"<prune-{n}@vadesk.test>",
        not_before=NOW - timedelta(days=queued_days_ago or days_ago),
        state=state,
        sent_at=sent_at if state == OutboxMessage.State.SENT else None,
    )


def session(key: str, expires_in_days: float) -> None:
    Session.objects.create(session_key=key, session_data="", expire_date=NOW + timedelta(days=expires_in_days))


def test_it_deletes_only_what_is_past_its_retention(retention):
    old_ok, young_ok = finished_job("SUCCESSFUL", 15), finished_job("SUCCESSFUL", 13)
    old_failed, young_failed = finished_job("FAILED", 91), finished_job("FAILED", 30)
    ready = str(probe.noop.enqueue().id)  # not finished: never pruned, however old
    DBTaskResult.objects.filter(pk=ready).update(enqueued_at=NOW - timedelta(days=400))
    ScheduleSlot.objects.create(key="tasks.recurring", slot=NOW - timedelta(days=31))
    young_slot = ScheduleSlot.objects.create(key="tasks.recurring", slot=NOW - timedelta(days=29))
    sent_old = outbox(1, OutboxMessage.State.SENT, 366)
    sent_young = outbox(2, OutboxMessage.State.SENT, 300, queued_days_ago=400)  # held long, delivered late: by sent
    failed_old = outbox(3, OutboxMessage.State.FAILED, 400)  # needs a person: stays
    uncertain_old = outbox(4, OutboxMessage.State.UNCERTAIN, 400)
    session("expired", -1)
    session("alive", 1)

    counts = prune_run(now=NOW)

    assert counts.as_dict() == dict(
        jobs=1, failed_jobs=1, schedule_slots=1, outbox=1, webhook_deliveries=0, job_runs=0, sessions=1
    )
    assert set(DBTaskResult.objects.values_list("pk", flat=True).iterator()) == {
        *map(DBTaskResult._meta.pk.to_python, (young_ok, young_failed, ready))
    }
    assert not DBTaskResult.objects.filter(pk__in=[old_ok, old_failed]).exists()
    assert list(ScheduleSlot.objects.all()) == [young_slot]
    assert set(OutboxMessage.objects.all()) == {sent_young, failed_old, uncertain_old}
    assert not OutboxMessage.objects.filter(pk=sent_old.pk).exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["alive"]
    assert not any(prune_run(now=NOW).as_dict().values())


def test_the_retention_comes_from_the_settings(retention, settings):
    finished_job("SUCCESSFUL", 3)
    outbox(1, OutboxMessage.State.SENT, 3)
    settings.PRUNE_JOBS_DAYS = settings.PRUNE_OUTBOX_DAYS = 2
    assert prune_run(now=NOW).jobs == 1
    assert not OutboxMessage.objects.exists()


def test_it_deletes_in_batches(retention, monkeypatch):
    monkeypatch.setattr(prune, "BATCH", 2)
    for _ in range(5):
        finished_job("SUCCESSFUL", 20)
    assert prune_run(now=NOW).jobs == 5
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).exists()


def test_it_is_a_daily_job_of_the_schedule(settings):
    (entry,) = [periodic for periodic in SCHEDULE if periodic.name == "ops.prune"]
    assert entry.task == "vadesk.ops.jobs.prune_job" and entry.at is not None and not entry.per_organisation
    session("expired", -1)
    result = prune_job.enqueue()  # the tests' immediate backend runs it at once
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value["sessions"] == 1


def delivery(endpoint: Endpoint, status: str, days_ago: float | None, created_days_ago: float = 400) -> Delivery:
    made = Delivery.objects.create(
        endpoint=endpoint,
        event="task.done",
        message_id=Delivery.new_message_id(),
        payload={},
        status=status,
        last_attempt_at=None if days_ago is None else NOW - timedelta(days=days_ago),
    )
    Delivery.objects.filter(pk=made.pk).update(created_at=NOW - timedelta(days=created_days_ago))
    return made


def test_settled_webhook_deliveries_go_after_their_retention_pending_ones_stay(retention, org):
    endpoint = Endpoint.objects.create(organisation=org, url="https://hooks.example/a", secret=Endpoint.new_secret())
    delivered_old = delivery(endpoint, Delivery.Status.DELIVERED, 31)
    failed_old = delivery(endpoint, Delivery.Status.FAILED, 45)
    never_tried_old = delivery(endpoint, Delivery.Status.FAILED, None, created_days_ago=31)
    delivered_young = delivery(endpoint, Delivery.Status.DELIVERED, 29)  # made long ago, resent lately: by attempt
    never_tried_young = delivery(endpoint, Delivery.Status.FAILED, None, created_days_ago=29)
    pending_old = delivery(endpoint, Delivery.Status.PENDING, 200)  # still being tried (a resend): stays

    assert prune_run(now=NOW).webhook_deliveries == 3

    assert set(Delivery.objects.all()) == {delivered_young, never_tried_young, pending_old}
    assert not Delivery.objects.filter(pk__in=[delivered_old.pk, failed_old.pk, never_tried_old.pk]).exists()
    assert Endpoint.objects.filter(pk=endpoint.pk).exists()
    assert prune_run(now=NOW).webhook_deliveries == 0


def job_run(org, owner, state: str, finished_days_ago: float | None, *files: str) -> JobRun:
    names = [default_storage.save(f"runs/{org.pk}/{name}", ContentFile(b"PK export")) for name in files]
    names += [""] * (2 - len(names))
    return JobRun.objects.create(
        organisation=org,
        kind="invoicing.export",
        title="Export",
        started_by=owner,
        state=state,
        input_name=names[0],
        result_name=names[1],
        finished_at=None if finished_days_ago is None else NOW - timedelta(days=finished_days_ago),
    )


def test_finished_runs_go_after_their_retention_with_their_files(retention, storage, org, owner):
    export_old = job_run(org, owner, JobRun.State.DONE, 31, "old-input.xml", "old-export.zip")
    failed_old = job_run(org, owner, JobRun.State.FAILED, 60, "failed-input.xml")
    export_young = job_run(org, owner, JobRun.State.DONE, 29, "young-input.xml", "young-export.zip")
    running = job_run(org, owner, JobRun.State.RUNNING, None, "running-input.xml")
    JobRun.objects.filter(pk=running.pk).update(created_at=NOW - timedelta(days=400))  # long, but not finished

    assert prune_run(now=NOW).job_runs == 2

    assert set(JobRun.objects.all()) == {export_young, running}
    kept = {p.name for p in (storage / "runs" / str(org.pk)).iterdir()}
    assert kept == {"young-input.xml", "young-export.zip", "running-input.xml"}
    assert not default_storage.exists(export_old.result_name) and not default_storage.exists(failed_old.input_name)
    assert prune_run(now=NOW).job_runs == 0


def test_a_run_whose_file_is_already_gone_is_still_pruned(retention, storage, org, owner):
    """A prune stopped between deleting the files and the rows: the next one finishes the work."""
    export = job_run(org, owner, JobRun.State.DONE, 31, "input.xml", "export.zip")
    default_storage.delete(export.result_name)
    assert prune_run(now=NOW).job_runs == 1
    assert not JobRun.objects.exists() and not default_storage.exists(export.input_name)


def test_the_new_retentions_come_from_the_settings(retention, storage, settings, org, owner):
    endpoint = Endpoint.objects.create(organisation=org, url="https://hooks.example/a", secret=Endpoint.new_secret())
    delivery(endpoint, Delivery.Status.DELIVERED, 3)
    job_run(org, owner, JobRun.State.DONE, 3, "input.xml")
    assert prune_run(now=NOW).webhook_deliveries == 0
    settings.PRUNE_WEBHOOK_DELIVERIES_DAYS = settings.PRUNE_JOB_RUNS_DAYS = 2
    counts = prune_run(now=NOW)
    assert (counts.webhook_deliveries, counts.job_runs) == (1, 1)
