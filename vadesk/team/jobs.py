"""Jobs of the team app, run by `vadesk worker` (see vadesk/jobs/schedule.py for when)."""

from zoneinfo import ZoneInfo

from django.utils import timezone

from vadesk.accounts.models import Organisation
from vadesk.jobs.registry import job
from vadesk.team.cover import covers_refresh
from vadesk.team.coverage import coverage_refresh


@job(max_attempts=3)
def coverage_check_job(*, organisation_id: int) -> int:
    """The daily coverage check of one organisation (also after an absence is decided); idempotent."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    return coverage_refresh(
        organisation=organisation, today=timezone.localdate(timezone=ZoneInfo(organisation.time_zone))
    )


@job(max_attempts=3)
def covers_refresh_job(*, organisation_id: int) -> int:
    """Open work at the start and end of absences (vadesk.team.cover), daily and after an absence is decided;
    idempotent: a second run changes nothing."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    return covers_refresh(
        organisation=organisation, today=timezone.localdate(timezone=ZoneInfo(organisation.time_zone))
    )
