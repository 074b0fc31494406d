"""Jobs of the agenda app, run by `vadesk worker` (see vadesk/jobs/schedule.py for when)."""

from django.utils import timezone

from vadesk.agenda.upkeep import agenda_upkeep
from vadesk.jobs.registry import job


@job(max_attempts=3)
def agenda_sync_job() -> str:
    """The agenda's upkeep (sync due calendars, renew horizons, queue reminders); safe to repeat."""
    return agenda_upkeep(now=timezone.now()).summary()
