"""Balances read from the database: one grouped query for any number of engagements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from vadesk.engagements import balance as calc
from vadesk.engagements.models import Engagement
from vadesk.timesheets.models import TimeEntry


def terms_of(engagement: Engagement) -> calc.Terms:
    allowance = {
        Engagement.Kind.BUNDLE: engagement.bundle_hours,
        Engagement.Kind.RETAINER: engagement.monthly_hours,
        Engagement.Kind.PROJECT: engagement.budget_hours,
    }.get(Engagement.Kind(engagement.kind))
    return calc.Terms(
        kind=engagement.kind,
        starts_on=engagement.starts_on,
        allowance=calc.hours_to_minutes(allowance),
        rollover=engagement.rollover_policy,
        rollover_cap=calc.hours_to_minutes(engagement.rollover_cap_hours) or 0,
        expires_on=engagement.expires_on,
    )


def monthly_usage(
    engagement_ids: Iterable[int], *, until: date | None = None, exclude_entry: int | None = None
) -> dict[int, dict[date, int]]:
    """Billed minutes per engagement per calendar month, from one grouped query."""
    entries = TimeEntry.objects.counted().filter(engagement_id__in=list(engagement_ids))
    if until is not None:
        entries = entries.filter(work_date__lte=calc.month_end(until))
    if exclude_entry is not None:
        entries = entries.exclude(pk=exclude_entry)
    rows = (
        entries.annotate(month=TruncMonth("work_date"))
        .values("engagement_id", "month")
        .annotate(minutes=Sum("billed_minutes"))
        .order_by()
    )
    usage: dict[int, dict[date, int]] = defaultdict(dict)
    for row in rows:
        usage[row["engagement_id"]][row["month"]] = row["minutes"] or 0
    return usage


def balance_of(engagement: Engagement, on: date, *, exclude_entry: int | None = None) -> calc.Balance:
    usage = monthly_usage([engagement.pk], until=_usage_until(engagement, on), exclude_entry=exclude_entry).get(
        engagement.pk, {}
    )
    return calc.balance(terms_of(engagement), usage, on, ends_on=engagement.ends_on)


def balances_of(engagements: Iterable[Engagement], on: date) -> dict[int, calc.Balance]:
    engagements = list(engagements)
    usage = monthly_usage([e.pk for e in engagements])
    return {
        e.pk: calc.balance(terms_of(e), _until(usage.get(e.pk, {}), e, on), on, ends_on=e.ends_on) for e in engagements
    }


def _usage_until(engagement: Engagement, on: date) -> date | None:
    # A bundle or project spends one allowance over its whole life, so every month counts.
    return on if engagement.kind in (Engagement.Kind.RETAINER, Engagement.Kind.HOURLY) else None


def _until(usage: dict[date, int], engagement: Engagement, on: date) -> dict[date, int]:
    limit = _usage_until(engagement, on)
    return usage if limit is None else {m: v for m, v in usage.items() if m <= limit}
