"""A month's work log for the client's own administration: CSV (Excel in NL/DE opens it as columns) and PDF.

Both are written from `vadesk.timesheets.worklog.WorkLog` alone, which holds the note for the client and never
the internal note, so an export cannot show more than the page does.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import typst
from babel.dates import format_date
from babel.numbers import format_currency
from django.utils import translation
from django.utils.translation import gettext as _

from vadesk.invoicing.export import csv_cell
from vadesk.lib.formatting import format_minutes
from vadesk.tasks.models import Category
from vadesk.timesheets.worklog import WorkLog

TEMPLATE = Path(__file__).with_name("pdf") / "worklog.typ"
LOCALES = {"nl": "nl_NL", "de": "de_DE", "en": "en_GB"}
_local = threading.local()


def _compiler() -> typst.Compiler:
    # One compiler per thread, as the invoice PDF does: fonts and the parsed template stay warm.
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        compiler = _local.compiler = typst.Compiler(TEMPLATE, root=TEMPLATE.parent)
    return compiler


def _locale() -> str:
    return LOCALES.get((translation.get_language() or "en")[:2], "en_GB")


def _columns(log: WorkLog) -> list[str]:
    columns = [_("Date"), _("Who"), _("Task"), _("Category"), _("What was done"), _("Time"), _("Minutes")]
    if log.show_rates:
        columns += [_("Hourly rate"), _("Amount")]
    return columns


def worklog_csv(log: WorkLog) -> bytes:
    """UTF-8 with BOM and semicolons; every text cell neutralised against formula injection (OWASP)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(_columns(log))
    for row in log.rows:
        cells: list[Any] = [
            row.work_date.isoformat(),
            row.who,
            row.task_title,
            str(Category(row.category).label),
            row.text,
            format_minutes(row.minutes),
            row.minutes,
        ]
        if log.show_rates:
            cells += [row.rate if row.rate is not None else "", row.amount if row.amount is not None else ""]
        writer.writerow([csv_cell(cell) for cell in cells])
    return ("\ufeff" + buffer.getvalue()).encode()


def _money(value: Decimal | None, currency: str, locale: str) -> str:
    return "–" if value is None else format_currency(value, currency, locale=locale)


def worklog_pdf_data(log: WorkLog) -> dict[str, Any]:
    locale = _locale()
    currency = log.client.organisation.currency
    widths = ["auto", "auto", "1fr", "auto"] + (["auto", "auto"] if log.show_rates else [])
    groups = []
    for group in log.groups:
        rows = []
        for row in group.rows:
            cells = [
                format_date(row.work_date, format="short", locale=locale),
                row.who,
                row.text or "–",
                format_minutes(row.minutes),
            ]
            if log.show_rates:
                cells += [_money(row.rate, currency, locale), _money(row.amount, currency, locale)]
            rows.append(cells)
        groups.append({"label": group.label, "total": format_minutes(group.minutes), "rows": rows})
    columns = [_("Date"), _("Who"), _("What was done"), _("Time")]
    if log.show_rates:
        columns += [_("Hourly rate"), _("Amount")]
    return {
        "lang": (translation.get_language() or "en")[:2],
        "title": _("Work log %(month)s") % {"month": format_date(log.month, format="LLLL y", locale=locale)},
        "subtitle": log.client.name,
        "organisation": log.client.organisation.name,
        "widths": widths,
        "first_number": 3,
        "labels": {"columns": columns, "total": _("Total"), "page": _("Page")},
        "groups": groups,
        "total": format_minutes(log.minutes),
        "cut": _("This log shows the first entries only; the CSV export has the same cut.") if log.cut else "",
    }


def worklog_pdf(log: WorkLog) -> bytes:
    pdf, _warnings = _compiler().compile_with_warnings(
        sys_inputs={"data": json.dumps(worklog_pdf_data(log))}, pdf_standards=["a-2b"]
    )
    return pdf  # type: ignore[return-value]
