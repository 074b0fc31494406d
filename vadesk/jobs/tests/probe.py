"""Jobs that only the tests enqueue; a worker subprocess imports them by path like any app's jobs.py."""

import time
from pathlib import Path

from django.db import transaction

from vadesk.jobs.registry import job
from vadesk.tasks.recurrence import recurring_tasks_spawn


@job(max_attempts=3, backoff_seconds=10)
def always_fails(*, organisation_id: int | None = None) -> None:
    raise RuntimeError("the printer is on fire")


@job(max_attempts=3, backoff_seconds=10)
def fails_once(*, marker: str) -> str:
    path = Path(marker)
    if not path.exists():
        path.write_text("failed once")
        raise RuntimeError("first attempt fails")
    return "second attempt works"


RUNS: list[int] = []  # what `record` ran, for workers that are threads of the test process


@job()
def record(n: int) -> None:
    RUNS.append(n)


@job()
def noop(**kwargs: object) -> None:
    return None


@job(max_attempts=3, backoff_seconds=0)
def spawn_then_hold(*, hold: str, reached: str, inside_transaction: bool) -> int:
    """The effect (recurring tasks spawned), then a pause the test kills the worker in: after the effect's
    commit, or before it."""

    def pause() -> None:
        Path(reached).write_text("here")
        while Path(hold).exists():
            time.sleep(0.05)

    if inside_transaction:
        with transaction.atomic():
            created = recurring_tasks_spawn()
            pause()
        return created
    created = recurring_tasks_spawn()
    pause()
    return created


@job(max_attempts=2, backoff_seconds=0)
def counted_run(*, run_id: int, items: int, fail_at: int | None = None, result: str = "") -> None:
    """A run with progress: `items` steps, a problem at item `fail_at`, a result file holding `result`."""
    from vadesk.jobs.runs import run_progress

    with run_progress(run_id) as progress:
        progress.set_total(items)
        for n in range(items):
            if n == fail_at:
                progress.problem("item %(n)s is bad", n=n)
            progress.step()
        if result:
            with progress.result_file("result.txt", "text/plain") as out:
                out.write(result.encode())


@job(max_attempts=1)
def crashing_run(*, run_id: int) -> None:
    from vadesk.jobs.runs import run_progress

    with run_progress(run_id) as progress:
        progress.set_total(3)
        progress.step()
        raise RuntimeError("secret detail of the crash")
