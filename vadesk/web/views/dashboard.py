"""The owner's dashboard: the whole practice on one page, each line linking to where it is acted on."""

from zoneinfo import ZoneInfo

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from vadesk.accounts.decorators import owner_required
from vadesk.clients.scoping import clients_for
from vadesk.lib.charts import Chart, bar_chart
from vadesk.lib.formatting import format_day, format_hours, format_minutes, format_money
from vadesk.reports.overview import BurnPoint, overview
from vadesk.reports.ratings import rating_trends


@owner_required
def dashboard(request):
    organisation = request.membership.organisation
    figures = overview(request.user, organisation)
    zone = organisation.time_zone
    return render(
        request,
        "web/dashboard.html",
        {
            "o": figures,
            "hours_chart": bar_chart(
                [
                    (format_day(monday, "j M"), minutes, format_hours(minutes))
                    for monday, minutes in figures.hours_per_week
                ]
            ),
            "revenue_chart": bar_chart(
                [(format_day(month, "M"), amount, format_money(amount)) for month, amount in figures.revenue_per_month]
            ),
            "hours_title": _("Hours worked per week"),
            "revenue_title": _("Invoiced per month (net)"),
            "ratings": rating_trends(
                clients_for(request.user, write=True, organisation=organisation.pk),
                time_zone=zone,
                today=timezone.localdate(timezone=ZoneInfo(zone)),
            ),
        },
    )


def burn_chart(points: list[BurnPoint]) -> Chart:
    """Hours left after each month (a bundle, project or retainer), or used in it (hourly work)."""
    return bar_chart(
        [
            (
                format_day(p.month, "M"),
                p.used if p.left is None else p.left,
                format_minutes(p.used if p.left is None else p.left),
            )
            for p in points
        ],
        height=120,
    )
