"""Charts of a monthly report as plain SVG: the same drawing in the portal page and in the PDF (typst reads SVG).

Pure functions over (label, minutes) pairs; every label is escaped, so a task title cannot inject markup. Colours
are presentation attributes (fill=), not style attributes, so the portal's CSP (no inline style) holds.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from vadesk.lib.formatting import format_minutes

ACCENT = "#1f4e79"
MUTED = "#5b6573"


def bar_chart_svg(bars: list[tuple[str, int]], *, width: int = 520, row: int = 24, label_width: int = 185) -> str:
    """Horizontal bars, longest first as given, each with its label and its time (h:mm)."""
    if not bars:
        return ""
    longest = max(minutes for _label, minutes in bars) or 1
    room = width - label_width - 60
    height = row * len(bars) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" font-family="Liberation Sans, DejaVu Sans, sans-serif" font-size="12">'
    ]
    for index, (label, minutes) in enumerate(bars):
        y = index * row + 2
        length = max(1, round(room * minutes / longest)) if minutes else 0
        parts.append(f'<text x="0" y="{y + 15}" fill="{MUTED}">{escape(label[:28])}</text>')
        parts.append(
            f'<rect x="{label_width}" y="{y + 3}" width="{length}" height="{row - 8}" rx="2" fill="{ACCENT}"/>'
        )
        parts.append(f'<text x="{label_width + length + 6}" y="{y + 15}">{format_minutes(minutes)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def column_chart_svg(columns: list[tuple[str, int]], *, width: int = 520, height: int = 160) -> str:
    """Vertical columns (the hours per week), each with its label below and its time above."""
    if not columns:
        return ""
    highest = max(minutes for _label, minutes in columns) or 1
    slot = width / len(columns)
    chart = height - 36
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" font-family="Liberation Sans, DejaVu Sans, sans-serif" font-size="12" text-anchor="middle">'
    ]
    for index, (label, minutes) in enumerate(columns):
        bar = round(chart * minutes / highest) if minutes else 0
        x = index * slot
        column = min(slot * 0.6, 56)  # a month of one or two weeks keeps slim columns
        parts.append(
            f'<rect x="{x + (slot - column) / 2:.1f}" y="{16 + chart - bar}" width="{column:.1f}" height="{bar}" rx="2" fill="{ACCENT}"/>'
        )
        parts.append(f'<text x="{x + slot / 2:.1f}" y="{12 + chart - bar}">{format_minutes(minutes)}</text>')
        parts.append(f'<text x="{x + slot / 2:.1f}" y="{height - 4}" fill="{MUTED}">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def burn_down_svg(
    points: list[tuple[int, int]], *, guide: bool = False, width: int = 520, height: int = 160, label: str = ""
) -> str:
    """A line over the days of the month, (day, minutes) from day 0: what is left (or, for hourly work, what was
    used so far). With `guide`, a dashed line from the start down to nothing at the month's end: the even pace."""
    if len(points) < 2:
        return ""
    last_day = points[-1][0] or 1
    highest = max(minutes for _day, minutes in points) or 1
    left, top, right, bottom = 8, 18, 56, 22
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(day: int) -> float:
        return left + plot_w * day / last_day

    def y(minutes: int) -> float:
        return top + plot_h * (1 - minutes / highest)

    line = " ".join(f"{x(day):.1f},{y(minutes):.1f}" for day, minutes in points)
    area = f"{x(0):.1f},{y(0):.1f} {line} {x(last_day):.1f},{y(0):.1f}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(label, {chr(34): "&quot;"})}" '
        f'font-family="Liberation Sans, DejaVu Sans, sans-serif" font-size="12">',
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{x(last_day):.1f}" y2="{y(0):.1f}" stroke="{MUTED}" stroke-width="1"/>',
        f'<polygon points="{area}" fill="{ACCENT}" fill-opacity="0.12"/>',
    ]
    if guide:
        parts.append(
            f'<line x1="{x(0):.1f}" y1="{y(points[0][1]):.1f}" x2="{x(last_day):.1f}" y2="{y(0):.1f}" '
            f'stroke="{MUTED}" stroke-width="1" stroke-dasharray="4 3"/>'
        )
    parts.append(f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
    first_minutes, last_minutes = points[0][1], points[-1][1]
    parts.append(f'<text x="{left}" y="{y(first_minutes) - 5:.1f}">{format_minutes(first_minutes)}</text>')
    parts.append(
        f'<text x="{x(last_day) + 4:.1f}" y="{min(y(last_minutes) + 4, y(0)):.1f}">{format_minutes(last_minutes)}</text>'
    )
    for day in sorted({1, 8, 15, 22, last_day}):
        parts.append(f'<text x="{x(day):.1f}" y="{height - 6}" fill="{MUTED}" text-anchor="middle">{day}</text>')
    parts.append("</svg>")
    return "".join(parts)
