"""The utilisation chart as plain SVG, per week: capacity behind, logged hours (past) or planned hours (forecast)
in front, the target as a tick. The same drawing fits a page and a PDF (typst reads SVG).

It follows vadesk/reports/charts.py: a pure function over figures, every label escaped, colours as presentation
attributes (fill=), never a style attribute, so the CSP holds. It cannot import that module: reports imports
team (the dashboard's team card), and import-linter forbids the cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from xml.sax.saxutils import escape

from vadesk.lib.formatting import current_locale, format_hours
from vadesk.team.utilisation import Week

ACCENT = "#1f4e79"  # logged billable: reports/charts.py's accent
MUTED = "#5b6573"  # text, as there
NON_BILLABLE = "#8fb3d9"
PLANNED = "#c77d1a"
CAPACITY = "#e3e8ee"
TARGET = "#b42318"
FONT = 'font-family="Liberation Sans, DejaVu Sans, sans-serif" font-size="11"'


@dataclass(frozen=True)
class Words:
    """The chart's words in the reader's language (the caller translates)."""

    capacity: str
    billable: str
    non_billable: str
    planned: str
    target: str
    week: str  # "week %(week)s" for the tooltips


def utilisation_chart_svg(
    past: list[Week], forecast: list[Week], *, target: int, words: Words, width: int = 640, height: int = 190
) -> str:
    """Sixteen columns: the past weeks' logged hours, then the forecast's planned hours, over each capacity."""
    weeks = [(w, False) for w in past] + [(w, True) for w in forecast]
    if not weeks:
        return ""
    top, bottom = 26, 18
    plot = height - top - bottom
    highest = max([float(max(_cap(w), w.planned, w.billable + w.non_billable)) for w, _ in weeks] + [1.0])
    slot = width / len(weeks)

    def y(hours: Decimal) -> float:
        return top + plot - plot * float(hours) / highest

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" {FONT}>',
        _legend(words),
    ]
    for index, (week, ahead) in enumerate(weeks):
        x = index * slot
        tip = escape(_tooltip(week, ahead, words))
        parts.append(f"<g><title>{tip}</title>")
        parts.append(_rect(x + slot * 0.1, y(_cap(week)), slot * 0.8, plot + top - y(_cap(week)), CAPACITY))
        inner, width_inner = x + slot * 0.28, slot * 0.44
        if ahead:
            parts.append(_rect(inner, y(week.planned), width_inner, plot + top - y(week.planned), PLANNED))
        else:
            done = week.billable + week.non_billable
            parts.append(_rect(inner, y(week.billable), width_inner, plot + top - y(week.billable), ACCENT))
            parts.append(_rect(inner, y(done), width_inner, y(week.billable) - y(done), NON_BILLABLE))
        if week.capacity:
            mark = y(week.capacity * target / 100)
            parts.append(
                f'<line x1="{x + slot * 0.1:.1f}" x2="{x + slot * 0.9:.1f}" y1="{mark:.1f}" y2="{mark:.1f}" '
                f'stroke="{TARGET}" stroke-width="1.5"/>'
            )
        parts.append(
            f'<text x="{x + slot / 2:.1f}" y="{height - 4}" fill="{MUTED}" text-anchor="middle">'
            f"{week.monday.isocalendar().week}</text></g>"
        )
    divide = len(past) * slot
    parts.append(
        f'<line x1="{divide:.1f}" x2="{divide:.1f}" y1="{top - 4}" y2="{top + plot}" stroke="{MUTED}" '
        f'stroke-dasharray="3 3"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _cap(week: Week) -> Decimal:
    return week.capacity or Decimal(0)


def _rect(x: float, y: float, width: float, height: float, fill: str) -> str:
    if height <= 0:
        return ""
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{fill}"/>'


def _legend(words: Words) -> str:
    items = [
        (CAPACITY, words.capacity),
        (ACCENT, words.billable),
        (NON_BILLABLE, words.non_billable),
        (PLANNED, words.planned),
        (TARGET, words.target),
    ]
    parts, x = [], 0.0
    for colour, label in items:
        parts.append(f'<rect x="{x:.1f}" y="4" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14:.1f}" y="13" fill="{MUTED}">{escape(label)}</text>')
        x += 24 + 6.2 * len(label)
    return "".join(parts)


def _tooltip(week: Week, ahead: bool, words: Words) -> str:
    hours = week.planned if ahead else week.billable
    label = words.planned if ahead else words.billable
    locale = current_locale()
    capacity = "–" if week.capacity is None else _hours(int(week.capacity * 60), locale)
    number = words.week % {"week": week.monday.isocalendar().week}
    return f"{number}: {label} {_hours(int(hours * 60), locale)} / {words.capacity} {capacity}"


@lru_cache(maxsize=4096)
def _hours(minutes: int, locale: str) -> str:
    """format_hours, remembered: babel takes ~40 µs a number and a page of fifty people shows 1,600 of them,
    mostly the same few dozen."""
    return format_hours(minutes, locale)
