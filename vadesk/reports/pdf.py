"""The monthly report as a page's data and as a PDF (typst, PDF/A-2b, charts as SVG), in the active language.

`report_data` turns the frozen content of a `MonthlyReport` into translated labels and formatted values; the portal
page and the PDF both show exactly that, so neither can show more than the other.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import typst
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vadesk.engagements.models import Engagement
from vadesk.lib.formatting import format_minutes
from vadesk.reports.charts import bar_chart_svg, burn_down_svg, column_chart_svg
from vadesk.reports.models import EngagementReport, MonthlyReport
from vadesk.tasks.models import Category

TEMPLATE = Path(__file__).with_name("report.typ")
_local = threading.local()


def _compiler() -> typst.Compiler:
    # One compiler per thread, as the invoice PDF keeps it: fonts and the parsed template stay warm.
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        compiler = _local.compiler = typst.Compiler(TEMPLATE, root=TEMPLATE.parent)
    return compiler


# The bar chart's label column, in SVG pixels at 12 px: the longest category name in nl/de/en ("Veranstaltungen &
# Kurse") fits beside its bar (at 130 it ran under the bar).
CATEGORY_LABEL_WIDTH = 180


def _category(value: str) -> str:
    return str(Category(value).label) if value in Category.values else value


def report_data(report: MonthlyReport) -> dict[str, Any]:
    content = report.content
    parts = list(report.parts.all())
    return {
        "lang": (translation.get_language() or "en")[:2],
        "title": _("Monthly report %(month)s") % {"month": date_format(report.month, "F Y")},
        "client": content.get("client_name", ""),
        "organisation": content.get("organisation", ""),
        "total": format_minutes(sum(part.used_minutes for part in parts)),
        "engagements": [_engagement(part) for part in parts],
        "counts": [
            (_("Tasks done"), str(content.get("tasks_done", 0))),
            (_("Calls taken for you"), str(content.get("calls", 0))),
            (_("Appointments arranged"), str(content.get("appointments", 0))),
        ],
        "done": content.get("done", []),
        "open": content.get("open", []),
        "waiting": content.get("waiting", []),
        # The lead's own words, written on the draft: kept on the row, never rebuilt from records.
        "highlights": report.highlights,
        "next_focus": report.next_focus,
        "labels": {
            "highlights": _("Highlights of the month"),
            "next_focus": _("Next month's focus"),
            "hours": _("Hours this month"),
            "by_category": _("Hours by category"),
            "by_week": _("Hours by week"),
            "done": _("Done"),
            "open": _("Open"),
            "waiting": _("Waiting on you"),
            "nothing": _("Nothing."),
            "page": _("Page"),
        },
    }


def _engagement(part: EngagementReport) -> dict[str, Any]:
    """One engagement's part: its figures as (label, value) rows and its three charts."""
    rows = [(_("Used"), format_minutes(part.used_minutes))]
    if part.left_minutes is not None:
        rows.append((_("Left"), format_minutes(part.left_minutes)))
    if part.rolled_over_minutes:
        rows.append((_("Rolled over"), format_minutes(part.rolled_over_minutes)))
    if part.excess_minutes:
        rows.append((_("Beyond the agreed hours"), format_minutes(part.excess_minutes)))
    bars = sorted(
        ((_category(c), m) for c, m in part.minutes_by_category.items()), key=lambda pair: (-pair[1], pair[0])
    )
    weeks = [(_("wk %(n)s") % {"n": week}, m) for week, m in part.minutes_by_week.items()]
    hourly = part.left_minutes is None
    burn_title = _("Hours used this month, day by day") if hourly else _("Hours left, day by day")
    points = [(day, used if hourly else left) for day, used, left in part.burn_down]
    return {
        "name": part.name,
        "rows": rows,
        "category_svg": bar_chart_svg(bars, width=420, label_width=CATEGORY_LABEL_WIDTH),
        "week_svg": column_chart_svg(weeks, width=300),
        "burn_title": burn_title,
        "burn_svg": burn_down_svg(points, guide=part.kind == Engagement.Kind.RETAINER, width=300, label=burn_title)
        if part.used_minutes
        else "",
    }


def report_pdf(report: MonthlyReport) -> bytes:
    pdf, _warnings = _compiler().compile_with_warnings(
        sys_inputs={"data": json.dumps(report_data(report))}, pdf_standards=["a-2b"]
    )
    return pdf  # type: ignore[return-value]
