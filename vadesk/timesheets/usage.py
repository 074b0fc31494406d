"""The kept monthly usage of each engagement (`EngagementPeriodUsage`): refreshed by the time-entry services.

A refresh recomputes the touched (engagement, month) cells from their entries instead of adding deltas, so a
cell is always exactly the sum it stands for, whatever happened before; it costs one indexed range read of the
touched months (at most 31 grouped rows each). Callers hold the engagement's row lock, so two writers on one
engagement refresh in turn.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from vadesk.engagements.balance import month_end, month_start
from vadesk.timesheets.models import EngagementPeriodUsage, TimeEntry

REBUILD_BATCH = 5_000


def usage_refresh(cells: Iterable[tuple[int, date]]) -> None:
    """Recompute the cells (engagement id, any day of the month) from the counted entries: three queries."""
    wanted = {(engagement_id, month_start(day)) for engagement_id, day in cells}
    if not wanted:
        return
    ranges = Q()
    for engagement_id, month in wanted:
        ranges |= Q(engagement_id=engagement_id, work_date__range=(month, month_end(month)))
    totals = {cell: [0, 0] for cell in wanted}
    per_day = (
        TimeEntry.objects.counted()
        .filter(ranges)
        .values("engagement_id", "work_date")
        .annotate(minutes=Sum("billed_minutes"), entries=Count("id"))
        .order_by()
    )
    for row in per_day:
        total = totals[(row["engagement_id"], month_start(row["work_date"]))]
        total[0] += row["minutes"] or 0
        total[1] += row["entries"]
    kept = [
        EngagementPeriodUsage(engagement_id=e, month=m, minutes=minutes, entries=entries)
        for (e, m), (minutes, entries) in totals.items()
        if entries
    ]
    empty = Q()
    for (e, m), (_minutes, entries) in totals.items():
        if not entries:
            empty |= Q(engagement_id=e, month=m)
    if empty:
        EngagementPeriodUsage.objects.filter(empty).delete()
    if kept:
        EngagementPeriodUsage.objects.bulk_create(
            kept,
            update_conflicts=True,
            unique_fields=["engagement", "month"],
            update_fields=["minutes", "entries"],
        )


def usage_rebuild(engagement_ids: Iterable[int] | None = None) -> int:
    """Recompute every cell (or those of some engagements) from the entries; returns the number of cells kept.

    For an operator after a bulk import or a repair: one grouped pass over the entries, in one transaction."""
    entries = TimeEntry.objects.counted()
    cells = EngagementPeriodUsage.objects.all()
    if engagement_ids is not None:
        ids = list(engagement_ids)
        entries, cells = entries.filter(engagement_id__in=ids), cells.filter(engagement_id__in=ids)
    rows = (
        entries.annotate(month=TruncMonth("work_date"))
        .values("engagement_id", "month")
        .annotate(minutes=Sum("billed_minutes"), entries=Count("id"))
        .order_by()
    )
    kept = 0
    with transaction.atomic():
        cells.delete()
        batch: list[EngagementPeriodUsage] = []
        for row in rows.iterator(chunk_size=REBUILD_BATCH):
            batch.append(
                EngagementPeriodUsage(
                    engagement_id=row["engagement_id"],
                    month=row["month"],
                    minutes=row["minutes"] or 0,
                    entries=row["entries"],
                )
            )
            if len(batch) >= REBUILD_BATCH:
                kept += len(EngagementPeriodUsage.objects.bulk_create(batch))
                batch = []
        kept += len(EngagementPeriodUsage.objects.bulk_create(batch))
    return kept


def usage_from_entries(engagement_ids: Iterable[int]) -> dict[tuple[int, date], tuple[int, int]]:
    """What the cells must hold, summed from the entries: the oracle the consistency test compares with."""
    rows = (
        TimeEntry.objects.counted()
        .filter(engagement_id__in=list(engagement_ids))
        .annotate(month=TruncMonth("work_date"))
        .values("engagement_id", "month")
        .annotate(minutes=Sum("billed_minutes"), entries=Count("id"))
        .order_by()
    )
    return {(r["engagement_id"], r["month"]): (r["minutes"] or 0, r["entries"]) for r in rows}
