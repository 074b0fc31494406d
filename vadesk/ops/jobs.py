"""Jobs of the ops app, run by `vadesk worker` (see vadesk/jobs/schedule.py for when)."""

from vadesk.jobs.registry import job
from vadesk.ops.prune import prune_run


@job(max_attempts=3)
def prune_job() -> dict[str, int]:
    """Delete finished jobs and runs (with their files), old schedule slots, delivered outbox mail, settled webhook
    deliveries and expired sessions past their retention."""
    return prune_run().as_dict()
