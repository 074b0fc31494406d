import pytest
from django_tasks_db.models import DBTaskResult

from vadesk.jobs.worker import JobWorker


@pytest.fixture
def database_backend(settings):
    """These tests are about the queue: jobs go into the database and a worker runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_due_jobs() -> None:
    """One in-process worker pass over the jobs that are due (no schedule)."""
    JobWorker(worker_id="test-worker", schedule=False, batch=True).run()


def row(result) -> DBTaskResult:
    return DBTaskResult.objects.get(pk=result.id)
