"""What the portal's events tell the team: a low rating reaches the client's lead and the owners; a monthly
report's draft, its lead (or the owners, for a client without a lead); consent questions: consents.py."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vadesk.clients.models import Assignment
from vadesk.notifications.hooks import owners_of
from vadesk.notifications.models import Kind
from vadesk.notifications.services import notify
from vadesk.portal import consents
from vadesk.reports.models import MonthlyReport, Rating
from vadesk.reports.monthly import report_drafted, send_day
from vadesk.reports.ratings import rating_low


def register() -> None:
    rating_low.register(on_rating_low)
    report_drafted.register(on_report_drafted)
    consents.register()


def on_report_drafted(*, report: MonthlyReport) -> None:
    client = report.client
    leads = [a.person for a in client.assignments.filter(role=Assignment.Role.LEAD).select_related("person")]
    notify(
        kind=Kind.REPORT_DRAFT,
        recipients=leads or owners_of(client.organisation_id),
        organisation_id=client.organisation_id,
        client=client,
        key=f"report-draft:{report.pk}",
        url=reverse("report_detail", args=[report.pk]),
        text=lambda: (
            _("%(client)s: the report of %(month)s is ready to look over")
            % {"client": client.name, "month": date_format(report.month, "F Y")},
            _("Add the highlights and next month's focus before %(day)s; if you do not, it goes out as it is.")
            % {"day": date_format(send_day(report.month, country=client.organisation.country), "l j F")},
        ),
    )


def on_rating_low(*, rating: Rating) -> None:
    client = rating.client
    leads = [a.person for a in client.assignments.filter(role=Assignment.Role.LEAD).select_related("person")]
    what = rating.task.title if rating.task else _("the monthly report")
    notify(
        kind=Kind.CLIENT_MESSAGE,
        recipients=leads + owners_of(client.organisation_id),
        organisation_id=client.organisation_id,
        client=client,
        task=rating.task,
        by=rating.by,
        key=f"rating:{rating.pk}:{rating.score}",
        url=reverse("task_detail", args=[rating.task_id])
        if rating.task_id
        else reverse("client_detail", args=[client.pk]),
        text=lambda: (
            _("%(client)s rated %(what)s %(score)s of 5")
            % {"client": client.name, "what": what, "score": rating.score},
            rating.comment,
        ),
    )
