"""How long an engagement's hours last at the client's usual pace: pure arithmetic, no ORM, no clock.

The pace is the billed minutes of the last four weeks (today included) spread over those 28 days. The
projection is deterministic for a given day and usage, so the portal, the API and the monthly report agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

WINDOW_DAYS = 28


@dataclass(frozen=True)
class Projection:
    minutes_per_week: int  # the usual pace: last four weeks' use, per week
    remaining: int | None  # what is left now (None: hourly work has no allowance)
    runs_out_on: date | None  # the day the hours are gone at this pace; None when there is no recent use
    period_end: date | None  # the end of what the hours are for (a retainer's month, a bundle's expiry)
    today: date | None = None

    @property
    def lasts_the_period(self) -> bool:
        """The hours outlast the month (retainer) or the expiry (bundle, project) at this pace."""
        if self.remaining is None or self.period_end is None:
            return False
        return self.runs_out_on is None or self.runs_out_on > self.period_end

    @property
    def days_left(self) -> int | None:
        """Whole calendar days the remaining hours cover at this pace."""
        if self.runs_out_on is None or self.today is None:
            return None
        return (self.runs_out_on - self.today).days


def window_start(today: date) -> date:
    """The first day of the four weeks the pace is read from."""
    return today - timedelta(days=WINDOW_DAYS - 1)


def project(*, remaining: int | None, recent_minutes: int, today: date, period_end: date | None) -> Projection:
    """Where `remaining` minutes run out at the pace of `recent_minutes` over the last 28 days."""
    per_week = math.floor(recent_minutes * 7 / WINDOW_DAYS + 0.5)  # half up, as people round
    runs_out_on = None
    if remaining is not None and recent_minutes > 0:
        runs_out_on = today + timedelta(days=math.floor(remaining * WINDOW_DAYS / recent_minutes))
    return Projection(per_week, remaining, runs_out_on, period_end, today)
