"""Jobs of the reports app, run by `vadesk worker` (see vadesk/jobs/schedule.py for when)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from vadesk.accounts.models import Organisation
from vadesk.clients.models import Client
from vadesk.engagements import balance as calc
from vadesk.jobs.registry import job
from vadesk.reports.models import MonthlyReport
from vadesk.reports.monthly import (
    DRAFT_DAYS,
    first_working_day,
    previous_month,
    report_deliver,
    report_draft,
    send_day,
)


@job(max_attempts=5)
def monthly_reports_job(*, organisation_id: int, now: str | None = None) -> int:
    """Last month's reports of the organisation's clients, from the first working day where it is, and this month's
    drafts from DRAFT_DAYS before the next one; idempotent."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:  # deleted since the slot fired
        return 0
    moment = datetime.fromisoformat(now) if now else timezone.now()
    zone = ZoneInfo(organisation.time_zone)
    today = moment.astimezone(zone).date()
    if today >= send_day(today, country=organisation.country) - timedelta(days=DRAFT_DAYS):
        for client in _clients(organisation, today, calc.month_start(today)):
            report_draft(client=client, month=today, now=moment)
    if today < first_working_day(today, country=organisation.country):
        return 0
    month = previous_month(today)
    return sum(
        1 for client in _clients(organisation, today, month) if report_deliver(client=client, month=month, now=moment)
    )


def _clients(organisation: Organisation, today, month):
    """Active clients with an engagement begun by today whose report of `month` has not gone out."""
    sent = MonthlyReport.objects.filter(month=month, sent_at__isnull=False).values("client_id")
    return (
        Client.objects.filter(organisation=organisation)
        .active()
        .filter(engagements__starts_on__lte=today)
        .exclude(pk__in=sent)
        .distinct()
        .select_related("organisation")
        .order_by("pk")
    )
