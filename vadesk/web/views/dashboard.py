"""The owner's dashboard: the whole practice on one page, each line linking to where it is acted on."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from vadesk.accounts.decorators import owner_required
from vadesk.lib.charts import Chart, bar_chart
from vadesk.lib.formatting import format_day, format_hours, format_minutes, format_money
from vadesk.reports.overview import BurnPoint, overview


@owner_required
def dashboard(request):
    figures = overview(request.user, request.membership.organisation)
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
