"""Charts of a monthly report as plain SVG: the same drawing in the portal page and in the PDF (typst reads SVG).

Pure functions over (label, minutes) pairs; every label is escaped, so a task title cannot inject markup. Colours
are presentation attributes (fill=), not style attributes, so the portal's CSP (no inline style) holds.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from vadesk.lib.formatting import format_minutes

ACCENT = "#1f4e79"
MUTED = "#5b6573"


def bar_chart_svg(bars: list[tuple[str, int]], *, width: int = 520, row: int = 24, label_width: int = 170) -> str:
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
        parts.append(
            f'<rect x="{x + slot * 0.2:.1f}" y="{16 + chart - bar}" width="{slot * 0.6:.1f}" height="{bar}" rx="2" fill="{ACCENT}"/>'
        )
        parts.append(f'<text x="{x + slot / 2:.1f}" y="{12 + chart - bar}">{format_minutes(minutes)}</text>')
        parts.append(f'<text x="{x + slot / 2:.1f}" y="{height - 4}" fill="{MUTED}">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
