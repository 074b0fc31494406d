"""Jobs of the reports app, run by `vadesk worker` (see vadesk/jobs/schedule.py for when)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from vadesk.accounts.models import Organisation
from vadesk.clients.models import Client
from vadesk.jobs.registry import job
from vadesk.reports.models import MonthlyReport
from vadesk.reports.monthly import first_working_day, previous_month, report_build, report_send


@job(max_attempts=5)
def monthly_reports_job(*, organisation_id: int, now: str | None = None) -> int:
    """Last month's reports of the organisation's clients, from the first working day where it is; idempotent."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:  # deleted since the slot fired
        return 0
    moment = datetime.fromisoformat(now) if now else timezone.now()
    today = moment.astimezone(ZoneInfo(organisation.time_zone)).date()
    if today < first_working_day(today):
        return 0
    month = previous_month(today)
    sent = MonthlyReport.objects.filter(month=month, sent_at__isnull=False).values("client_id")
    clients = (
        Client.objects.filter(organisation=organisation)
        .active()
        .filter(engagements__starts_on__lte=today)
        .exclude(pk__in=sent)
        .distinct()
        .select_related("organisation")
        .order_by("pk")
    )
    count = 0
    for client in clients:
        report = report_build(client=client, month=month, now=moment)
        if not report.content.get("engagements"):
            continue  # nothing ran for the client that month: no report to send
        report_send(report=report, now=moment)
        count += 1
    return count
