"""Balances read from the kept monthly usage: one query for any number of engagements, whatever their history.

The cells (`EngagementPeriodUsage`) hold each engagement's counted minutes per calendar month; a balance reads
only the months it needs: the month asked for (hourly, retainer without rollover), the months since the
rollover began (retainer with rollover), or the total of its life (bundle, project: summed in the database).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, tzinfo
from decimal import Decimal

from django.db.models import BigIntegerField, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from vadesk.engagements import balance as calc
from vadesk.engagements.models import Engagement
from vadesk.timesheets.models import EngagementPeriodUsage, TimeEntry

LIFETIME = (Engagement.Kind.BUNDLE, Engagement.Kind.PROJECT)


def terms_of(engagement: Engagement, zone: tzinfo | None = None) -> calc.Terms:
    """The terms a balance is computed from; `zone` is the time zone of the day it was entered (the current one
    unless given: a caller balancing hundreds passes it once)."""
    allowances: dict[str, Decimal | None] = {  # keyed by the kinds' values: a row's kind is a plain string
        Engagement.Kind.BUNDLE: engagement.bundle_hours,
        Engagement.Kind.RETAINER: engagement.monthly_hours,
        Engagement.Kind.PROJECT: engagement.budget_hours,
    }
    allowance = allowances.get(engagement.kind)
    return calc.Terms(
        kind=engagement.kind,
        starts_on=engagement.starts_on,
        allowance=calc.hours_to_minutes(allowance),
        rollover=engagement.rollover_policy,
        rollover_cap=calc.hours_to_minutes(engagement.rollover_cap_hours) or 0,
        expires_on=engagement.expires_on,
        accrues_from=_recorded_on(engagement, zone),
    )


def _recorded_on(engagement: Engagement, zone: tzinfo | None = None) -> date | None:
    """The day the engagement was entered: a back-dated retainer rolls nothing over from before it."""
    return timezone.localdate(engagement.created_at, zone) if engagement.created_at else None


def monthly_usage(engagements: Iterable[Engagement], on: date) -> dict[int, dict[date, int]]:
    """Billed minutes per engagement per calendar month, for the months the balances on `on` need: one query."""
    engagements = list(engagements)
    usage: dict[int, dict[date, int]] = defaultdict(dict)
    if not engagements:
        return usage
    # Engagements needing the same months are asked for together, so the query stays small for any number.
    month = calc.month_start(on)
    lifetime = [e.pk for e in engagements if e.kind in LIFETIME]
    walked = [e for e in engagements if _walks(e)]
    elsewhere = set(lifetime) | {w.pk for w in walked}  # once, not per engagement (it was quadratic)
    monthly = [e.pk for e in engagements if e.pk not in elsewhere]
    # A bundle or project needs only its total: summed in the database, one row per engagement.
    totals = (
        EngagementPeriodUsage.objects.filter(engagement_id__in=lifetime)
        .values("engagement_id")
        .annotate(first=Min("month"), total=Sum("minutes"))
        .values_list("engagement_id", "first", "total")
        .order_by()
    )
    # A retainer with rollover walks the months since its rollover began: grouped by that month, so the
    # condition has one term per distinct start, not per engagement.
    cells = Q(engagement_id__in=monthly, month=month)
    for first, ids in _by_first_month(walked).items():
        cells |= Q(engagement_id__in=ids, month__gte=first, month__lte=month)
    months = EngagementPeriodUsage.objects.filter(cells).values_list("engagement_id", "month", "minutes")
    for engagement_id, cell_month, minutes in totals.union(months, all=True):
        usage[engagement_id][cell_month] = minutes
    return usage


def _by_first_month(retainers: list[Engagement]) -> dict[date, list[int]]:
    groups: dict[date, list[int]] = defaultdict(list)
    zone = timezone.get_current_timezone()
    for retainer in retainers:
        terms = terms_of(retainer, zone)
        groups[calc.month_start(max(terms.starts_on, terms.accrues_from or terms.starts_on))].append(retainer.pk)
    return groups


def balance_of(engagement: Engagement, on: date, *, exclude_entry: int | None = None) -> calc.Balance:
    usage = dict(monthly_usage([engagement], on).get(engagement.pk, {}))
    if exclude_entry is not None:
        _leave_out(usage, engagement, on, exclude_entry)
    return calc.balance(terms_of(engagement), usage, on, ends_on=engagement.ends_on)


def balances_of(engagements: Iterable[Engagement], on: date) -> dict[int, calc.Balance]:
    engagements = list(engagements)
    usage = monthly_usage(engagements, on)
    return {e.pk: calc.balance(terms_of(e), usage.get(e.pk, {}), on, ends_on=e.ends_on) for e in engagements}


def usage_columns(on: date) -> dict[str, Coalesce]:
    """The minutes a balance on `on` reads, as two columns of a query of engagements: the month's kept cell
    (`month_minutes`) and the total of the engagement's life (`life_minutes`). With them a bundle, a project or a
    retainer without rollover is balanced without another query (`balances_of_rows`)."""
    this_month = EngagementPeriodUsage.objects.filter(engagement=OuterRef("pk"), month=calc.month_start(on))
    lifetime = (
        EngagementPeriodUsage.objects.filter(engagement=OuterRef("pk"))
        .values("engagement")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    return {
        "month_minutes": Coalesce(Subquery(this_month.values("minutes")), 0, output_field=BigIntegerField()),
        "life_minutes": Coalesce(Subquery(lifetime), 0, output_field=BigIntegerField()),
    }


def balances_of_rows(rows: Iterable, on: date) -> dict[int, calc.Balance]:
    """Balances of engagement rows (anything with an engagement's terms, its `pk` and the `usage_columns(on)`):
    the same as `balances_of`, but only the retainers whose hours roll over read their months (one query)."""
    rows = list(rows)
    walked = [row for row in rows if _walks(row)]
    usage = monthly_usage(walked, on)
    month = calc.month_start(on)
    zone = timezone.get_current_timezone()
    balances = {}
    for row in rows:
        if row.kind in LIFETIME:
            cells = {month: row.life_minutes}  # a lifetime balance spends the total of every month
        elif _walks(row):
            cells = usage.get(row.pk, {})
        else:
            cells = {month: row.month_minutes}
        balances[row.pk] = calc.balance(terms_of(row, zone), cells, on, ends_on=row.ends_on)
    return balances


def _walks(engagement) -> bool:
    """A retainer whose unused hours roll over: its balance walks the months since the rollover began."""
    return engagement.kind == Engagement.Kind.RETAINER and engagement.rollover_policy != Engagement.Rollover.NONE


def _leave_out(usage: dict[date, int], engagement: Engagement, on: date, entry_id: int) -> None:
    """Take the stored entry (as it is in the database, before a correction) out of its month's cell."""
    stored = (
        TimeEntry.objects.counted()
        .filter(pk=entry_id, engagement_id=engagement.pk)
        .values_list("work_date", "billed_minutes")
        .first()
    )
    if stored is None:
        return
    month = calc.month_start(stored[0])
    if month in usage:
        usage[month] = max(0, usage[month] - stored[1])
