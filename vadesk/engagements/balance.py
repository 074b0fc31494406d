"""Hour balances of an engagement: pure arithmetic over terms and monthly usage, no ORM.

All amounts are whole minutes; hours are shown only at the edges.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

WARNING_PERCENT = 80


@lru_cache(maxsize=1024)  # pure, called for every engagement balanced: a practice has few distinct hours
def hours_to_minutes(hours: Decimal | None) -> int | None:
    if hours is None:
        return None
    return int((Decimal(hours) * 60).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_end(day: date) -> date:
    """Last day of the month `day` falls in."""
    return date.fromordinal(next_month(day).toordinal() - 1)


@dataclass(frozen=True)
class Terms:
    kind: str  # hourly | bundle | retainer | project
    starts_on: date
    allowance: int | None  # minutes: per month for a retainer, in total for a bundle or project
    rollover: str = "none"  # none | capped | all
    rollover_cap: int = 0
    expires_on: date | None = None
    # The day the engagement was entered: hours roll over only from the months since (a back-dated retainer
    # has no record of the months before, so it must not credit their unused hours).
    accrues_from: date | None = None


@dataclass(frozen=True)
class Balance:
    period_start: date
    period_end: date  # inclusive
    allowance: int | None
    rolled_over: int
    used: int

    @property
    def available(self) -> int | None:
        return None if self.allowance is None else self.allowance + self.rolled_over

    @property
    def remaining(self) -> int | None:
        return None if self.available is None else max(0, self.available - self.used)

    @property
    def excess(self) -> int:
        return 0 if self.available is None else max(0, self.used - self.available)

    @property
    def percent_used(self) -> int | None:
        if self.available is None:
            return None
        if self.available == 0:
            return 100 if self.used else 0
        return int(self.used * 100 // self.available)

    @property
    def level(self) -> str:
        """ok, warning (80 % used) or exhausted (100 %): the thresholds the UI warns at."""
        percent = self.percent_used
        if percent is None or percent < WARNING_PERCENT:
            return "ok"
        return "exhausted" if percent >= 100 else "warning"

    @property
    def bar_percent(self) -> int:
        return min(100, self.percent_used or 0)


def retainer_balance(terms: Terms, usage: dict[date, int], month: date) -> Balance:
    """The balance of one calendar month of a retainer.

    1. Walk the months from the engagement's start up to `month`.
    2. Each month offers its own allowance plus what rolled over into it.
    3. Usage spends rolled-over hours first, since they expire first.
    4. What is left rolls over by policy: nothing; the month's own unused hours up to
       the cap, for one month only; or everything left, cumulatively.
    Months before the engagement was entered (`accrues_from`) roll nothing over.
    """
    allowance = terms.allowance or 0
    current = month_start(max(terms.starts_on, terms.accrues_from or terms.starts_on))
    target = month_start(month)
    rolled_in = 0
    while current < target:
        used = usage.get(current, 0)
        rolled_in = _rollover(terms, allowance, rolled_in, used)
        current = next_month(current)
    return Balance(target, month_end(target), allowance, rolled_in, usage.get(target, 0))


def _rollover(terms: Terms, allowance: int, rolled_in: int, used: int) -> int:
    if terms.rollover == "all":
        return max(0, allowance + rolled_in - used)
    if terms.rollover == "capped":
        own_unused = max(0, allowance - max(0, used - rolled_in))
        return min(terms.rollover_cap, own_unused)
    return 0


def lifetime_balance(terms: Terms, usage: dict[date, int], *, start: date, end: date) -> Balance:
    """A bundle or project: one allowance over the engagement's whole life."""
    return Balance(start, end, terms.allowance, 0, sum(usage.values()))


def monthly_usage_balance(usage: dict[date, int], month: date) -> Balance:
    """Hourly work has no allowance: show what was used in the month."""
    start = month_start(month)
    return Balance(start, month_end(start), None, 0, usage.get(start, 0))


def balance(terms: Terms, usage: dict[date, int], on: date, *, ends_on: date | None = None) -> Balance:
    if terms.kind == "retainer":
        return retainer_balance(terms, usage, on)
    if terms.kind in ("bundle", "project"):
        end = terms.expires_on or ends_on or date.max
        return lifetime_balance(terms, usage, start=terms.starts_on, end=end)
    return monthly_usage_balance(usage, on)


def rolls_into_next_month(terms: Terms, month: Balance) -> int:
    """What a retainer's month passes on to the next if nothing more is used in it."""
    return _rollover(terms, terms.allowance or 0, month.rolled_over, month.used)
