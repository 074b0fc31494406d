"""/readyz: may this process take traffic? Each check returns the reason it fails, or None."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from vadesk.ops.gauges import job_wait_seconds


def database_problem() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return f"database unreachable: {type(error).__name__}"
    return None


def migrations_problem() -> str | None:
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in pending[:5])
        return f"{len(pending)} unapplied migration(s): {names}"
    return None


def storage_problem() -> str | None:
    name = f".readyz-{uuid.uuid4().hex}"
    try:
        saved = default_storage.save(name, ContentFile(b"ok"))
        default_storage.delete(saved)
    except OSError as error:
        return f"file storage not writable: {error.strerror or type(error).__name__}"
    return None


def jobs_problem() -> str | None:
    waited = job_wait_seconds()
    if waited > settings.READY_JOB_AGE_SECONDS:
        return f"the oldest due job has waited {int(waited)} s (more than {settings.READY_JOB_AGE_SECONDS} s): are workers running?"
    return None


CHECKS: list[tuple[str, Callable[[], str | None]]] = [
    ("database", database_problem),
    ("migrations", migrations_problem),
    ("storage", storage_problem),
    ("jobs", jobs_problem),
]


def readiness() -> dict[str, str]:
    """{check name: reason} for each failing check; the later checks need the database, so they wait for it."""
    problem = database_problem()
    if problem:
        return {"database": problem}
    problems = {}
    for name, check in CHECKS[1:]:
        reason = check()
        if reason:
            problems[name] = reason
    return problems
