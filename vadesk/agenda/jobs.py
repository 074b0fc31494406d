"""Jobs of the agenda app, run by `vadesk worker` (see vadesk/jobs/schedule.py for when)."""

from django.utils import timezone
from django.utils.translation import gettext_noop

from vadesk.agenda import ical
from vadesk.agenda.caldav_sync import calendar_refresh
from vadesk.agenda.importing import calendar_import_ics
from vadesk.agenda.scoping import staff_calendars
from vadesk.agenda.upkeep import agenda_upkeep
from vadesk.jobs.registry import job
from vadesk.jobs.runs import RunGone, run_progress


@job(max_attempts=3)
def agenda_sync_job() -> str:
    """The agenda's upkeep (sync due calendars, renew horizons, queue reminders); safe to repeat."""
    return agenda_upkeep(now=timezone.now()).summary()


@job(max_attempts=3)
def calendar_import_job(*, run_id: int, calendar_id: int, organisation_id: int) -> int:
    """An uploaded .ics the page stored, put into its calendar: parsed, checked and expanded before the one
    short transaction that writes it (vadesk/agenda/importing.py); a file that cannot be used changes nothing,
    and each event left out is named on the run's page. Idempotent: a second import of a file adds nothing.
    Returns the number of events imported. (`organisation_id` lists a failed import for the owners on /jobs/.)"""
    try:
        with run_progress(run_id) as progress:
            person = progress.run.started_by
            # Still the calendar of a client of theirs (or their own), in the run's organisation.
            calendar = (
                staff_calendars(person, progress.run.organisation_id).filter(pk=calendar_id).first() if person else None
            )
            if calendar is None or progress.run.organisation_id != organisation_id:
                progress.problem(gettext_noop("This calendar is no longer within your reach."))
                return 0
            progress.set_total(1)
            with progress.open_input() as upload:
                data = upload.read()
            try:
                report = calendar_import_ics(calendar=calendar, data=data)
            except ical.IcsError as exc:
                progress.problem("%(problem)s", problem=str(exc))
                return 0
            for problem in report.problems:
                progress.problem(gettext_noop("Left out: %(problem)s"), problem=problem)
            progress.step()
            progress.note(gettext_noop("Imported %(n)s events."), n=report.imported)
    except RunGone:
        return 0
    return report.imported


@job(max_attempts=3)
def calendar_sync_job(*, run_id: int, calendar_id: int, organisation_id: int) -> int:
    """A sync a person asked for (adding a CalDAV calendar or a subscription, *sync now*, keeping their own
    version of a conflict): fetched and written as the schedule's sync does it, outside the request, with its
    outcome on the run's page. A failure is this calendar's alone: noted on it and retried later by the schedule
    (vadesk/agenda/caldav_sync.py). Returns 1 when the calendar synced."""
    try:
        with run_progress(run_id) as progress:
            person = progress.run.started_by
            calendar = (
                staff_calendars(person, progress.run.organisation_id).filter(pk=calendar_id).first() if person else None
            )
            if calendar is None or progress.run.organisation_id != organisation_id:
                progress.problem(gettext_noop("This calendar is no longer within your reach."))
                return 0
            progress.set_total(1)
            error = calendar_refresh(calendar=calendar)
            progress.step()
            if error:
                progress.problem("%(problem)s", problem=error)
                return 0
            progress.note(gettext_noop("Synced (events in the calendar: %(n)s)."), n=calendar.events.count())
    except RunGone:
        return 0
    return 1
