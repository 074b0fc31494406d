"""Jobs of the notifications app, run by `vadesk worker` (see vadesk/jobs/schedule.py for when)."""

from django.utils import timezone

from vadesk.jobs.registry import job
from vadesk.notifications.mailing import follow_ups_due, held_mails_send, summaries_send


@job(max_attempts=5)
def notifications_mail_job() -> dict[str, int]:
    """Follow-ups that fell due, mail held through quiet hours that ended, daily summaries that are due.
    Idempotent: a notification is mailed once, a summary goes once per person, organisation and day."""
    now = timezone.now()
    return {
        "follow_ups": follow_ups_due(now=now),
        "held": held_mails_send(now=now),
        "summaries": summaries_send(now=now),
    }
