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

from vadesk.lib.formatting import format_minutes
from vadesk.reports.charts import bar_chart_svg, column_chart_svg
from vadesk.reports.models import MonthlyReport
from vadesk.tasks.models import Category

TEMPLATE = Path(__file__).with_name("report.typ")
_local = threading.local()


def _compiler() -> typst.Compiler:
    # One compiler per thread, as the invoice PDF keeps it: fonts and the parsed template stay warm.
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        compiler = _local.compiler = typst.Compiler(TEMPLATE, root=TEMPLATE.parent)
    return compiler


def _category(value: str) -> str:
    return str(Category(value).label) if value in Category.values else value


def report_data(report: MonthlyReport) -> dict[str, Any]:
    content = report.content
    categories: dict[str, int] = {}
    for engagement in content.get("engagements", []):
        for category, minutes in engagement.get("minutes_by_category", {}).items():
            categories[category] = categories.get(category, 0) + minutes
    bars = sorted(((_category(c), m) for c, m in categories.items()), key=lambda pair: (-pair[1], pair[0]))
    weeks = [(_("wk %(n)s") % {"n": week}, m) for week, m in content.get("minutes_by_week", {}).items()]
    engagements = []
    for e in content.get("engagements", []):
        rows = [(_("Used"), format_minutes(e["used_minutes"]))]
        if e.get("left_minutes") is not None:
            rows.append((_("Left"), format_minutes(e["left_minutes"])))
        if e.get("rolled_over_minutes"):
            rows.append((_("Rolled over"), format_minutes(e["rolled_over_minutes"])))
        if e.get("excess_minutes"):
            rows.append((_("Beyond the agreed hours"), format_minutes(e["excess_minutes"])))
        engagements.append({"name": e.get("name", ""), "rows": rows})
    return {
        "lang": (translation.get_language() or "en")[:2],
        "title": _("Monthly report %(month)s") % {"month": date_format(report.month, "F Y")},
        "client": content.get("client_name", ""),
        "organisation": content.get("organisation", ""),
        "total": format_minutes(sum(e["used_minutes"] for e in content.get("engagements", []))),
        "engagements": engagements,
        "counts": [
            (_("Tasks done"), str(content.get("tasks_done", 0))),
            (_("Calls taken for you"), str(content.get("calls", 0))),
            (_("Appointments arranged"), str(content.get("appointments", 0))),
        ],
        "category_svg": bar_chart_svg(bars),
        "week_svg": column_chart_svg(weeks),
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


def report_pdf(report: MonthlyReport) -> bytes:
    pdf, _warnings = _compiler().compile_with_warnings(
        sys_inputs={"data": json.dumps(report_data(report))}, pdf_standards=["a-2b"]
    )
    return pdf  # type: ignore[return-value]
