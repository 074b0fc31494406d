"""Bar charts as geometry for a server-rendered SVG: pure numbers, no HTML (the template draws and translates).

The SVG uses presentation attributes only (x, y, width, height, class), never a style attribute, so the
content security policy needs no exception for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH = 640
HEIGHT = 180
TOP = 12  # room for the value over the tallest bar
BOTTOM = 22  # room for the labels under the bars
LEFT = 4
GAP = 0.25  # of a slot left empty between bars


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # under the bar
    value: str  # over it and in its tooltip
    centre: float
    negative: bool = False


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    baseline: float
    empty: bool


def bar_chart(
    points: list[tuple[str, Decimal | int | float, str]], *, width: int = WIDTH, height: int = HEIGHT
) -> Chart:
    """Bars for (label, value, value as text) points, scaled to the largest magnitude; negatives hang down.

    1. The plot spans from the largest value (or 0) down to the smallest (or 0).
    2. Each point gets an equal slot; its bar fills the slot less the gap.
    3. The zero line sits where 0 falls in that span.
    """
    values = [float(v) for _, v, _ in points]
    top, bottom = max([0.0, *values]), min([0.0, *values])
    span = (top - bottom) or 1.0
    plot = height - TOP - BOTTOM
    baseline = TOP + plot * top / span
    slot = (width - LEFT) / max(1, len(points))
    bars = []
    for n, (label, value, text) in enumerate(points):
        size = plot * abs(float(value)) / span
        negative = float(value) < 0
        x = LEFT + n * slot + slot * GAP / 2
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(baseline if negative else baseline - size, 1),
                width=round(slot * (1 - GAP), 1),
                height=round(size, 1),
                label=label,
                value=text,
                centre=round(x + slot * (1 - GAP) / 2, 1),
                negative=negative,
            )
        )
    return Chart(width, height, bars, round(baseline, 1), empty=not any(values))
