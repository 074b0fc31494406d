"""The pace of engagements, read from the entries: one grouped query for any number of them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Sum

from vadesk.engagements import balance as calc
from vadesk.engagements.models import Engagement
from vadesk.engagements.pace import Projection, project, window_start
from vadesk.timesheets.models import TimeEntry


def recent_use(engagement_ids: Iterable[int], today: date) -> dict[int, int]:
    """Billed minutes per engagement in the 28 days up to and including `today`."""
    rows = (
        TimeEntry.objects.counted()
        .filter(engagement_id__in=list(engagement_ids), work_date__range=(window_start(today), today))
        .values("engagement_id")
        .annotate(minutes=Sum("billed_minutes"))
        .order_by()
    )
    return {row["engagement_id"]: row["minutes"] or 0 for row in rows}


def projections_of(
    engagements: Iterable[Engagement], balances: dict[int, calc.Balance], today: date
) -> dict[int, Projection]:
    """Each engagement's projection from its balance today and its last four weeks."""
    engagements = list(engagements)
    recent = recent_use([e.pk for e in engagements], today)
    return {e.pk: _projection(e, balances[e.pk], recent.get(e.pk, 0), today) for e in engagements}


def _projection(engagement: Engagement, balance: calc.Balance, recent: int, today: date) -> Projection:
    if engagement.kind == Engagement.Kind.RETAINER:
        period_end: date | None = calc.month_end(today)
    elif engagement.kind in (Engagement.Kind.BUNDLE, Engagement.Kind.PROJECT):
        period_end = engagement.expires_on or engagement.ends_on
    else:
        period_end = None
    return project(remaining=balance.remaining, recent_minutes=recent, today=today, period_end=period_end)
