"""The prune job: old bookkeeping goes after its retention, everything still needed or still young stays."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from vadesk.comms.models import OutboxMessage
from vadesk.jobs.models import ScheduleSlot
from vadesk.jobs.schedule import SCHEDULE
from vadesk.jobs.tests import probe
from vadesk.ops import prune
from vadesk.ops.jobs import prune_job
from vadesk.ops.prune import prune_run

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture
def retention(settings):
    settings.PRUNE_JOBS_DAYS, settings.PRUNE_FAILED_JOBS_DAYS = 14, 90
    settings.PRUNE_SCHEDULE_SLOTS_DAYS, settings.PRUNE_OUTBOX_DAYS = 30, 365
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


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

    assert counts.as_dict() == dict(jobs=1, failed_jobs=1, schedule_slots=1, outbox=1, sessions=1)
    assert set(DBTaskResult.objects.values_list("pk", flat=True).iterator()) == {
        *map(DBTaskResult._meta.pk.to_python, (young_ok, young_failed, ready))
    }
    assert not DBTaskResult.objects.filter(pk__in=[old_ok, old_failed]).exists()
    assert list(ScheduleSlot.objects.all()) == [young_slot]
    assert set(OutboxMessage.objects.all()) == {sent_young, failed_old, uncertain_old}
    assert not OutboxMessage.objects.filter(pk=sent_old.pk).exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["alive"]
    assert prune_run(now=NOW).as_dict() == dict(jobs=0, failed_jobs=0, schedule_slots=0, outbox=0, sessions=0)


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
