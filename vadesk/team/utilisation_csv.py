"""The utilisation figures as CSV: one line per person (and the whole team) and week, past and forecast.

UTF-8 with BOM and semicolons, as the invoice and work-log exports, so Excel in NL/DE opens it as columns; every
cell goes through the one formula guard (`vadesk.invoicing.export.csv_cell`, OWASP "CSV Injection"), so a name
such as `=HYPERLINK(…)` stays text.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _

from vadesk.invoicing.export import csv_cell
from vadesk.team.utilisation import Row, Utilisation, Week


def _columns() -> list[str]:
    return [
        _("Who"),
        _("Week"),
        _("Monday"),
        _("Past or forecast"),
        _("Capacity (h)"),
        _("Planned: retainers (h)"),
        _("Planned: appointments (h)"),
        _("Planned: recurring tasks (h)"),
        _("Planned (h)"),
        _("Billable logged (h)"),
        _("Non-billable logged (h)"),
        _("Utilisation (%)"),
        _("Planned of capacity (%)"),
        _("Target (%)"),
        _("Not placed (h)"),
    ]


def _hours(value: Decimal | None) -> str:
    return "" if value is None else str(value.quantize(Decimal("0.01")))


def _line(name: str, row: Row, week: Week, ahead: bool, not_placed: Decimal | None) -> list[object]:
    iso = week.monday.isocalendar()
    return [
        name,
        f"{iso.year}-W{iso.week:02d}",
        week.monday.isoformat(),
        _("forecast") if ahead else _("past"),
        _hours(week.capacity),
        _hours(week.retainers),
        _hours(week.appointments),
        _hours(week.recurring),
        _hours(week.planned),
        _hours(week.billable),
        _hours(week.non_billable),
        "" if week.utilisation is None else week.utilisation,
        "" if week.planned_percent is None else week.planned_percent,
        row.target,
        _hours(not_placed),
    ]


def utilisation_csv(figures: Utilisation) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(_columns())
    rows = [(row.person.full_name if row.person else "", row, False) for row in figures.people]
    rows.append((_("The whole team"), figures.team, True))
    for name, row, team in rows:
        for weeks, ahead in ((row.weeks, False), (row.forecast, True)):
            for week in weeks:
                not_placed = figures.not_placed.get(week.monday, Decimal(0)) if team else None
                writer.writerow([csv_cell(cell) for cell in _line(name, row, week, ahead, not_placed)])
    return ("\ufeff" + buffer.getvalue()).encode()
