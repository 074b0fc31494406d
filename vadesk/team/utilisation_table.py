"""The utilisation page's week-by-week table rows, built in Python: an agency of fifty has 832 of them, which
the template language renders at about a sixth of a millisecond each, this at a few microseconds. The markup is
what team/_utilisation_weeks.html wrote per row; every text in it is escaped, and the numbers go through Django's
own `floatformat`, once per distinct value and language.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.template.defaultfilters import floatformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from vadesk.lib.formatting import format_day
from vadesk.team.utilisation import Row, Week


class WeekRows:
    """Renders the rows of every table of one page: the words, the days and the numbers are formatted once."""

    def __init__(self, this_week: date) -> None:
        self.this_week = this_week
        self.language = get_language()
        self.days: dict[date, str] = {}
        self.words = {
            "forecast": escape(_("Forecast")),
            "not_set": escape(_("not set")),
            "retainers": escape(_("retainers")),
            "appointments": escape(_("appointments")),
            "recurring": escape(_("recurring tasks")),
        }
        self.week = _("week %(week)s")

    def __call__(self, row: Row) -> SafeString:
        parts = []
        for index, week in enumerate(row.all_weeks):
            if index == len(row.weeks):
                parts.append(f'\n  <tr><th colspan="6">{self.words["forecast"]}</th></tr>')
            parts.append(self._row(week, row.target))
        return mark_safe("".join(parts))  # every text above is escaped

    def _row(self, week: Week, target: int) -> str:
        ahead = week.monday > self.this_week
        current = ' class="current"' if week.monday == self.this_week else ""
        if week.capacity is None:
            capacity = f'<span class="muted">{self.words["not_set"]}</span>'
        else:
            capacity = f"{self._number(week.capacity, '-1')} h"
        planned = f"{self._number(week.planned, '-1')} h"
        percent = week.planned_percent
        if ahead and percent is not None:
            tag = "tag tag-danger" if percent > 100 else "muted" if percent < target else "tag tag-warn"
            planned += f' <span class="{tag}">{percent} %</span>'
        title = (
            f"{self.words['retainers']} {self._number(week.retainers, '-2')} · "
            f"{self.words['appointments']} {self._number(week.appointments, '-2')} · "
            f"{self.words['recurring']} {self._number(week.recurring, '-2')}"
        )
        utilisation = week.utilisation
        if ahead or utilisation is None:
            used = "–"
        else:
            used = f'<span class="{"tag" if utilisation >= target else "muted"}">{utilisation} %</span>'
        billable = "–" if ahead else f"{self._number(week.billable, '-1')} h"
        non_billable = "–" if ahead else f"{self._number(week.non_billable, '-1')} h"
        return (
            f"\n<tr{current}>\n"
            f"  <td>{escape(self.week % {'week': week.monday.isocalendar().week})} "
            f'<span class="muted small nowrap">{self._day(week.monday)}</span></td>\n'
            f'  <td class="num">{capacity}</td>\n'
            f'  <td class="num" title="{title}">{planned}</td>\n'
            f'  <td class="num">{billable}</td>\n'
            f'  <td class="num">{non_billable}</td>\n'
            f'  <td class="num">{used}</td>\n'
            "</tr>"
        )

    def _number(self, value: Decimal, places: str) -> str:
        return _floatformat(value, places, self.language)

    def _day(self, monday: date) -> str:
        if monday not in self.days:
            self.days[monday] = escape(format_day(monday, "j M"))
        return self.days[monday]


@lru_cache(maxsize=4096)
def _floatformat(value: Decimal, places: str, language: str | None) -> str:
    """Django's floatformat in the language (the key holds it), remembered: a page repeats a few hundred values."""
    return escape(floatformat(value, places))
