"""Jobs of the reports app, run by `vadesk worker` (see vadesk/jobs/schedule.py for when)."""

from datetime import datetime, time, timedelta
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
    report_build,
    report_draft,
    report_refresh,
    report_send,
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
    if today >= send_day(today) - timedelta(days=DRAFT_DAYS):
        for client in _clients(organisation, today, calc.month_start(today)):
            report_draft(client=client, month=today, now=moment)
    if today < first_working_day(today):
        return 0
    month = previous_month(today)
    count = 0
    for client in _clients(organisation, today, month):
        report = report_build(client=client, month=month, now=moment)
        if report.sent_at is None and report.built_at < datetime.combine(today.replace(day=1), time(), tzinfo=zone):
            report = report_refresh(report=report, now=moment)  # a draft of the month's last days: count them all
        if not report.content.get("engagements"):
            continue  # nothing ran for the client that month: no report to send
        report_send(report=report, now=moment)
        count += 1
    return count


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
