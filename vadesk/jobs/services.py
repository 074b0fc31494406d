"""Failed jobs for the people who may see them, and retrying one.

Jobs are operator-level: the command line (`by=None`) and superusers see every failed job. An owner sees
the failed jobs of their own organisations, that is those whose arguments carry `organisation_id`; a job
of no organisation (the schedule's cross-organisation runs) is for operators only.
"""

import uuid

from django.db import transaction
from django.db.models import Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Person


class JobNotFound(Exception):
    pass


def failed_jobs_for(by: Person | None) -> DBTaskResultQuerySet:
    """The one scoping helper for jobs: failed rows `by` may see and retry."""
    failed = DBTaskResult.objects.failed().order_by("-finished_at")
    if by is None or by.is_superuser:
        return failed
    return failed.filter(Q(args_kwargs__kwargs__organisation_id__in=sorted(reach_of(by).owner_of)))


def failed_jobs(*, by: Person | None, limit: int = 200) -> list[DBTaskResult]:
    return list(failed_jobs_for(by)[:limit])


def job_retry(*, job_id: str, by: Person | None) -> DBTaskResult:
    """Enqueue a failed job again, now, with its attempts counted afresh."""
    try:
        pk = uuid.UUID(str(job_id))
    except ValueError:
        raise JobNotFound(f"no failed job {job_id}") from None
    with transaction.atomic():
        row = failed_jobs_for(by).select_for_update().filter(pk=pk).first()
        if row is None:
            raise JobNotFound(f"no failed job {job_id}")
        row.status = TaskResultStatus.READY
        row.run_after = timezone.now()
        row.finished_at = None
        row.worker_ids = []
        row.save(update_fields=["status", "run_after", "finished_at", "worker_ids"])
    return row
