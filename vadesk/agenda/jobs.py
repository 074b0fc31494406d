"""Jobs of the agenda app, run by `vadesk worker` (see vadesk/jobs/schedule.py for when)."""

from io import StringIO

from django.core.management import call_command

from vadesk.jobs.registry import job


@job(max_attempts=3)
def agenda_sync_job() -> str:
    """What `vadesk agenda_sync` does (sync due calendars, renew horizons, queue reminders); safe to repeat.

    The command holds the steps itself today; it is called as is until they move to a service of the agenda.
    """
    out = StringIO()
    call_command("agenda_sync", stdout=out, stderr=out)
    return out.getvalue().strip()
