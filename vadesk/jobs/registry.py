"""`@job`: Django's `@task` with a retry policy (attempts and back-off) that vadesk's worker applies."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.tasks import Task, task
from django.utils.module_loading import import_string

MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class Policy:
    max_attempts: int
    backoff_seconds: int

    def backoff(self, attempt: int) -> timedelta:
        """The wait after failed attempt number `attempt` (1-based): base, 2×base, 4×base … at most an hour."""
        return min(timedelta(seconds=self.backoff_seconds * 2 ** (attempt - 1)), MAX_BACKOFF)


_policies: dict[str, Policy] = {}


def job(
    *, max_attempts: int | None = None, backoff_seconds: int | None = None, **task_options: Any
) -> Callable[[Callable[..., Any]], Task]:
    """Declare a job: `@job(max_attempts=3)` over a function in an app's jobs.py. The job must be idempotent:
    after a crash or a lease that ran out, it runs again."""

    def wrap(function: Callable[..., Any]) -> Task:
        declared = task(**task_options)(function)
        _policies[declared.module_path] = Policy(
            max_attempts=max_attempts or settings.JOBS_MAX_ATTEMPTS,
            backoff_seconds=settings.JOBS_BACKOFF_SECONDS if backoff_seconds is None else backoff_seconds,
        )
        return declared

    return wrap


def policy_for(task_path: str) -> Policy:
    """A plain `@task` (not declared with `@job`) gets the settings' defaults."""
    if task_path not in _policies:
        with suppress(ImportError):
            import_string(task_path)  # a worker may not have imported the job's module yet: that declares it
    return _policies.get(task_path) or Policy(settings.JOBS_MAX_ATTEMPTS, settings.JOBS_BACKOFF_SECONDS)
