"""Jobs of the invoicing app, run by `vadesk worker` (see vadesk/jobs/schedule.py for when)."""

from vadesk.accounts.models import Organisation
from vadesk.invoicing.reminders import reminders_send
from vadesk.jobs.registry import job


@job(max_attempts=5)
def invoice_reminders_job(*, organisation_id: int) -> int:
    """What `vadesk invoice_reminders` does, for one organisation; idempotent (a reminder goes once per stage)."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:  # deleted since the slot fired
        return 0
    return len(reminders_send(organisation=organisation))
