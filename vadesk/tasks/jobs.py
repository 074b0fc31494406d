"""Jobs of the tasks app, run by `vadesk worker` (see vadesk/jobs/schedule.py for when)."""

from vadesk.jobs.registry import job
from vadesk.tasks.recurrence import recurring_tasks_spawn


@job(max_attempts=3)
def recurring_tasks_spawn_job() -> int:
    """What `vadesk recurring_tasks` does; idempotent: an occurrence never becomes two tasks."""
    return recurring_tasks_spawn()
