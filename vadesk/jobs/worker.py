"""vadesk's worker: django-tasks-db's worker loop plus leases with a heartbeat, retries with back-off and the schedule.

django-tasks-db marks a claimed job RUNNING (with `started_at` and the worker's id appended to `worker_ids`)
and then FAILED or SUCCESSFUL. A worker killed with SIGKILL leaves its job RUNNING for ever; here the claim
also takes a lease, a thread beats its heartbeat while the job runs, and any worker puts a job whose
heartbeat stopped back to READY (or FAILED, when its attempts are used up).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.db.utils import OperationalError
from django.tasks import TaskContext, TaskResultStatus, task_backends
from django.tasks.signals import task_finished, task_started
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from vadesk.jobs.models import JobLease
from vadesk.jobs.registry import policy_for
from vadesk.jobs.schedule import schedule_tick

logger = logging.getLogger(__name__)

SCHEDULE_TICK = timedelta(seconds=10)


class LeaseExpired(Exception):
    """The worker running this job stopped beating its heartbeat (killed, or its machine went away)."""


def retry_or_fail(row: DBTaskResult, *, now: datetime) -> bool:
    """After a failed attempt: back to READY after the policy's back-off, or stay FAILED. True if it goes again."""
    policy = policy_for(row.task_path)
    attempts = len(row.worker_ids)
    if attempts >= policy.max_attempts:
        return False
    return bool(
        DBTaskResult.objects.filter(pk=row.pk, status=row.status, started_at=row.started_at).update(
            status=TaskResultStatus.READY, run_after=now + policy.backoff(attempts), finished_at=None
        )
    )


def leases_recover(*, now: datetime | None = None) -> int:
    """Running jobs whose heartbeat is older than the lease go again (or fail, if that was their last attempt)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JOBS_LEASE_SECONDS)
    stale = DBTaskResult.objects.running().filter(
        Q(lease__heartbeat_at__lt=cutoff) | Q(lease__isnull=True, started_at__lt=cutoff)
    )
    recovered = 0
    for row in stale:
        with transaction.atomic():
            # Conditional on the attempt we saw: of two workers recovering one job, one does it.
            locked = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at)
                .first()
            )
            if locked is None:
                continue
            locked.set_failed(LeaseExpired(f"no heartbeat from worker {(locked.worker_ids or ['?'])[-1]}"))
            retry_or_fail(locked, now=now)
            JobLease.objects.filter(task_id=locked.pk).delete()
        recovered += 1
    return recovered


def bookkeeping_without_fsync() -> None:
    """The worker's own commits (claim, outcome, lease) need not wait for PostgreSQL's disk flush: a crash of the
    database may lose the last of them, and then those jobs run again, which jobs allow. The jobs' own
    transactions stay durable, and each one's flush carries the bookkeeping committed before it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def connections_refresh() -> None:
    """Drop connections past their age (VADESK_DB_CONN_MAX_AGE) or broken; called every few seconds and after a
    job that raised, not per job: a new PostgreSQL connection per job would cost more than the job.
    Inside a transaction (a test's) keep them."""
    if not connection.in_atomic_block:
        close_old_connections()


# On PostgreSQL a claim and a success are one round trip each: one multi-statement query (psycopg's client-side
# binding sends it as one message, which PostgreSQL runs as one transaction) instead of the ORM's six and five
# (BEGIN, SET, SELECT … FOR UPDATE, UPDATE, INSERT, COMMIT): a trivial job cost about 11 round trips before.
_TABLE, _LEASES = DBTaskResult._meta.db_table, JobLease._meta.db_table
_FIELDS = DBTaskResult._meta.concrete_fields
_COLUMNS = ", ".join(str(field.column) for field in _FIELDS)
CLAIM_SQL = f"""
SET LOCAL synchronous_commit TO off;
WITH picked AS (
    SELECT id FROM {_TABLE}
    WHERE status = 'READY' AND (run_after = %(never)s OR run_after <= %(now)s) AND backend_name = %(backend)s
    ORDER BY priority DESC, run_after, enqueued_at
    LIMIT 1 FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE {_TABLE} AS t SET status = 'RUNNING', started_at = %(now)s, worker_ids = t.worker_ids || %(appended)s::jsonb
    FROM picked WHERE t.id = picked.id
    RETURNING t.*
), leased AS (
    INSERT INTO {_LEASES} (task_id, worker_id, heartbeat_at) SELECT id, %(worker)s, %(now)s FROM claimed
    ON CONFLICT (task_id) DO UPDATE SET worker_id = EXCLUDED.worker_id, heartbeat_at = EXCLUDED.heartbeat_at
)
SELECT {_COLUMNS} FROM claimed
"""
SUCCESS_SQL = f"""
SET LOCAL synchronous_commit TO off;
UPDATE {_TABLE} SET status = 'SUCCESSFUL', finished_at = %(now)s, return_value = %(value)s::jsonb,
    exception_class_path = '', traceback = ''
WHERE id = %(id)s;
DELETE FROM {_LEASES} WHERE task_id = %(id)s
"""


def claim_postgresql(*, worker_id: str, backend_name: str) -> DBTaskResult | None:
    """What `JobWorker.claim` does, in one round trip: the first READY job by the backend's order (priority,
    run_after, enqueued_at: its partial index), skipping rows other workers hold, marked RUNNING with this
    worker appended to its attempts, and its lease taken (over a lease a recovered attempt left)."""
    now = timezone.now()
    params: dict[str, Any] = {
        "never": get_date_max(),
        "now": now,
        "backend": backend_name,
        "appended": json.dumps([worker_id]),
        "worker": worker_id,
    }
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, params)
        results: Any = cursor.cursor  # psycopg's: one result per statement, the SET's first
        results.nextset()
        row = results.fetchone()
    if row is None:
        return None
    values = [
        field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
        for field, value in zip(_FIELDS, row, strict=True)
    ]
    return DBTaskResult.from_db(connection.alias, [field.attname for field in _FIELDS], values)


def success_record_postgresql(row: DBTaskResult, value: Any) -> None:
    """`set_successful` and the lease's removal in one round trip; `value` is known to be JSON."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(SUCCESS_SQL, {"now": now, "value": None if value is None else json.dumps(value), "id": row.pk})
    row.status, row.finished_at, row.return_value = TaskResultStatus.SUCCESSFUL, now, value
    row.exception_class_path = row.traceback = ""


class Heartbeat(threading.Thread):
    """Beats the lease of the job the worker is running, every third of the lease."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(daemon=True, name=f"heartbeat-{worker_id}")
        self.worker_id = worker_id
        self.task_id: uuid.UUID | None = None
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = settings.JOBS_LEASE_SECONDS / 3
        try:
            while not self.stopped.wait(interval):
                if self.task_id is not None:
                    JobLease.objects.filter(task_id=self.task_id, worker_id=self.worker_id).update(
                        heartbeat_at=timezone.now()
                    )
        finally:
            connection.close()


class JobWorker(Worker):
    """One worker: claims READY jobs in priority order (SKIP LOCKED on PostgreSQL), and between jobs recovers
    expired leases and fires the schedule. Several may run at once, on one machine or many."""

    def __init__(self, *, worker_id: str | None = None, schedule: bool = True, batch: bool = False) -> None:
        super().__init__(
            queue_names=["*"],
            interval=settings.JOBS_POLL_SECONDS,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id or get_random_string(32),
            excluded_queue_names=[],
        )
        self.schedule = schedule
        self.next_tick = 0.0
        self.heartbeat = Heartbeat(self.worker_id)
        self.finished = threading.Event()  # set when run() has returned: the thread touches the database no more

    def stop(self) -> None:
        """Finish the running job, then leave the loop (for the thread `vadesk run` starts)."""
        self.running = False

    def housekeeping(self) -> None:
        if time.monotonic() < self.next_tick:
            return
        self.next_tick = time.monotonic() + SCHEDULE_TICK.total_seconds()
        connections_refresh()
        try:
            leases_recover()
            if self.schedule:
                schedule_tick()
        except OperationalError as exc:
            if not is_locked_database_exception(exc):
                raise

    def claim(self) -> DBTaskResult | None:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            return claim_postgresql(worker_id=self.worker_id, backend_name=self.backend_name)
        ready = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        try:
            with exclusive_transaction(ready.db):
                row = ready.get_locked()
                if row is not None:
                    bookkeeping_without_fsync()
                    row.claim(self.worker_id)
                    JobLease.objects.bulk_create(  # one upsert: a lease left by a recovered attempt is taken over
                        [JobLease(task=row, worker_id=self.worker_id, heartbeat_at=row.started_at)],
                        update_conflicts=True,
                        unique_fields=["task"],
                        update_fields=["worker_id", "heartbeat_at"],
                    )
                return row
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None
            raise

    def run(self) -> None:
        logger.info("worker %s starting", self.worker_id)
        self.heartbeat.start()
        try:
            while self.running:
                self.housekeeping()
                row = self.claim()
                if row is not None:
                    self.run_task(row)
                elif self.batch:
                    return
                elif self.running:
                    time.sleep(self.interval)
        finally:
            self.heartbeat.stopped.set()
            connections_refresh()
            self.finished.set()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run one claimed job; then record its outcome (or its retry) and drop its lease in one transaction."""
        self.running_task = True
        self.heartbeat.task_id = db_task_result.pk
        value: Any = None
        error: BaseException | None = None
        try:
            task = db_task_result.task
            result = db_task_result.task_result
            task_started.send(sender=type(task.get_backend()), task_result=result)
            args = (TaskContext(task_result=result), *result.args) if task.takes_context else tuple(result.args)
            value = task.call(*args, **result.kwargs)
        except BaseException as exc:  # recorded like django-tasks-db does: a poison job must not stop the worker
            error = exc
        finally:
            self.heartbeat.task_id = None
            self.running_task = False
            self._run_tasks += 1
        if error is None and connection.vendor == "postgresql" and not connection.in_atomic_block:
            try:
                json.dumps(value)
            except TypeError as exc:  # a return value JSON cannot hold: recorded as the job's failure below
                error = exc
            else:
                success_record_postgresql(db_task_result, value)
                self.finished_send(db_task_result)
                return
        with transaction.atomic():
            bookkeeping_without_fsync()
            if error is None:
                try:
                    json.dumps(
                        value
                    )  # before the write (as the JSONField will): a failed write would end the transaction
                    db_task_result.set_successful(value)
                except TypeError as exc:  # a return value JSON cannot hold
                    error = exc
            if error is not None:
                db_task_result.set_failed(error)
                retry_or_fail(db_task_result, now=timezone.now())
            JobLease.objects.filter(task_id=db_task_result.pk).delete()
        if error is not None:
            connections_refresh()
        self.finished_send(db_task_result)

    @staticmethod
    def finished_send(db_task_result: DBTaskResult) -> None:
        with suppress(ImportError, SuspiciousOperation):
            task_finished.send(sender=type(db_task_result.task.get_backend()), task_result=db_task_result.task_result)


def job_logs_at(verbosity: int) -> None:
    """django.tasks logs each job's start and end at INFO: shown with -v 2, not by default (two lines per job)."""
    level = logging.INFO if verbosity > 1 else logging.WARNING
    for name in ("django.tasks", "django_tasks_db", "vadesk.jobs"):
        logging.getLogger(name).setLevel(level)


def worker_thread_start() -> JobWorker | None:
    """A worker in a daemon thread of this process, for `vadesk run` on a laptop; none when the task backend
    runs jobs by itself (the immediate backend tests use) and there is no queue to poll."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return None
    worker = JobWorker(worker_id=f"thread-{get_random_string(8)}")
    threading.Thread(target=worker.run, daemon=True, name="vadesk-worker").start()
    return worker
