"""vadesk's worker: django-tasks-db's worker loop plus leases with a heartbeat, retries with back-off and the schedule.

django-tasks-db marks a claimed job RUNNING (with `started_at` and the worker's id appended to `worker_ids`)
and then FAILED or SUCCESSFUL. A worker killed with SIGKILL leaves its job RUNNING for ever; here the claim
also takes a lease, a thread beats its heartbeat while the job runs, and any worker puts a job whose
heartbeat stopped back to READY (or FAILED, when its attempts are used up).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.db.utils import OperationalError
from django.tasks import TaskResultStatus, default_task_backend
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
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


def connections_refresh() -> None:
    """Drop connections past their age or broken, between jobs; inside a transaction (a test's) keep them."""
    if not connection.in_atomic_block:
        close_old_connections()


class Heartbeat(threading.Thread):
    """Beats the lease of the job the worker is running, every third of the lease."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(daemon=True, name=f"heartbeat-{worker_id}")
        self.worker_id = worker_id
        self.task_id: object | None = None
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

    def stop(self) -> None:
        """Finish the running job, then leave the loop (for the thread `vadesk run` starts)."""
        self.running = False

    def housekeeping(self) -> None:
        if time.monotonic() < self.next_tick:
            return
        self.next_tick = time.monotonic() + SCHEDULE_TICK.total_seconds()
        try:
            leases_recover()
            if self.schedule:
                schedule_tick()
        except OperationalError as exc:
            if not is_locked_database_exception(exc):
                raise

    def claim(self) -> DBTaskResult | None:
        ready = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        try:
            with exclusive_transaction(ready.db):
                row = ready.get_locked()
                if row is not None:
                    row.claim(self.worker_id)
                    JobLease.objects.update_or_create(
                        task=row, defaults={"worker_id": self.worker_id, "heartbeat_at": row.started_at}
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
                connections_refresh()
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

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.heartbeat.task_id = db_task_result.pk
        try:
            super().run_task(db_task_result)
        finally:
            self.heartbeat.task_id = None
        with transaction.atomic():
            if db_task_result.status == TaskResultStatus.FAILED:
                retry_or_fail(db_task_result, now=timezone.now())
            JobLease.objects.filter(task_id=db_task_result.pk).delete()


def worker_thread_start() -> JobWorker | None:
    """A worker in a daemon thread of this process, for `vadesk run` on a laptop; none when the task backend
    runs jobs by itself (the immediate backend tests use) and there is no queue to poll."""
    if not isinstance(default_task_backend, DatabaseBackend):
        return None
    worker = JobWorker(worker_id=f"thread-{get_random_string(8)}")
    threading.Thread(target=worker.run, daemon=True, name="vadesk-worker").start()
    return worker
