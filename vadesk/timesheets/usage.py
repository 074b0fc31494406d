"""The kept usage of each engagement: monthly (`EngagementPeriodUsage`, what balances read) and weekly per person
(`EngagementWeekUsage`, what the dashboard reads), refreshed by the time-entry services and the invoicing lock.

A refresh recomputes the touched (engagement, month) cells from their entries instead of adding deltas, so a
cell is always exactly the sum it stands for, whatever happened before; it costs one indexed range read of the
touched months (at most 31 grouped rows each). Callers hold the engagement's row lock, so two writers on one
engagement refresh in turn.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from vadesk.engagements.balance import month_end, month_start
from vadesk.timesheets.models import EngagementPeriodUsage, EngagementWeekUsage, TimeEntry

REBUILD_BATCH = 5_000
# TimeEntry.objects.counted() as a filter of an aggregate: billable and not a running timer.
COUNTED = Q(billable=True) & ~Q(started_at__isnull=False, ended_at__isnull=True)


def usage_refresh(cells: Iterable[tuple[int, date]]) -> None:
    """Recompute the cells (engagement id, any day) from the entries: the month's cell and the week's cells of
    each touched day, in one grouped read of those months and weeks and at most four writes."""
    wanted = {(engagement_id, month_start(day)) for engagement_id, day in cells}
    weeks = {(engagement_id, week_start(day)) for engagement_id, day in cells}
    if not wanted:
        return
    ranges = Q()
    for engagement_id, month in wanted:
        ranges |= Q(engagement_id=engagement_id, work_date__range=(month, month_end(month)))
    for engagement_id, monday in weeks:
        ranges |= Q(engagement_id=engagement_id, work_date__range=(monday, monday + timedelta(days=6)))
    totals = {cell: [0, 0] for cell in wanted}
    per_week: dict[tuple[int, date, int], list[int]] = {}
    per_day = (
        TimeEntry.objects.filter(ranges)
        .values("engagement_id", "person_id", "work_date")
        .annotate(
            minutes=Sum("billed_minutes", filter=COUNTED),
            entries=Count("id", filter=COUNTED),
            worked=Sum("worked_minutes"),
            unbilled=Sum("billed_minutes", filter=COUNTED & Q(invoiced_at__isnull=True)),
        )
        .order_by()
    )
    for row in per_day:
        total = totals.get((row["engagement_id"], month_start(row["work_date"])))
        if total is not None:
            total[0] += row["minutes"] or 0
            total[1] += row["entries"]
        monday = week_start(row["work_date"])
        if (row["engagement_id"], monday) in weeks:
            week = per_week.setdefault((row["engagement_id"], monday, row["person_id"]), [0, 0])
            week[0] += row["worked"] or 0
            week[1] += row["unbilled"] or 0
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
    _weeks_replace(weeks, per_week)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def usage_refresh_weeks(cells: Iterable[tuple[int, date]]) -> None:
    """Recompute only the week cells (engagement id, any day): after invoicing locked entries, which changes what
    is unbilled but not what was used. Two or three queries."""
    weeks = {(engagement_id, week_start(day)) for engagement_id, day in cells}
    if not weeks:
        return
    ranges = Q()
    for engagement_id, monday in weeks:
        ranges |= Q(engagement_id=engagement_id, work_date__range=(monday, monday + timedelta(days=6)))
    per_week: dict[tuple[int, date, int], list[int]] = {}
    rows = (
        TimeEntry.objects.filter(ranges)
        .values("engagement_id", "person_id", "work_date")
        .annotate(
            worked=Sum("worked_minutes"),
            unbilled=Sum("billed_minutes", filter=COUNTED & Q(invoiced_at__isnull=True)),
        )
        .order_by()
    )
    for row in rows:
        week = per_week.setdefault((row["engagement_id"], week_start(row["work_date"]), row["person_id"]), [0, 0])
        week[0] += row["worked"] or 0
        week[1] += row["unbilled"] or 0
    _weeks_replace(weeks, per_week)


def _weeks_replace(weeks: set[tuple[int, date]], per_week: dict[tuple[int, date, int], list[int]]) -> None:
    """Replace every person's cell of the (engagement, week) slices by the recomputed ones (under the lock)."""
    slices = Q()
    for engagement_id, monday in weeks:
        slices |= Q(engagement_id=engagement_id, week=monday)
    EngagementWeekUsage.objects.filter(slices).delete()
    fresh = [
        EngagementWeekUsage(engagement_id=e, week=w, person_id=p, worked_minutes=worked, unbilled_minutes=unbilled)
        for (e, w, p), (worked, unbilled) in per_week.items()
        if worked or unbilled
    ]
    if fresh:
        EngagementWeekUsage.objects.bulk_create(fresh)


def usage_rebuild(engagement_ids: Iterable[int] | None = None) -> int:
    """Recompute every cell (or those of some engagements) from the entries; returns the number of monthly cells.

    For an operator after a bulk import or a repair: one grouped pass over the entries per kind of cell, in one
    transaction."""
    entries = TimeEntry.objects.all()
    cells, week_cells = EngagementPeriodUsage.objects.all(), EngagementWeekUsage.objects.all()
    if engagement_ids is not None:
        ids = list(engagement_ids)
        entries = entries.filter(engagement_id__in=ids)
        cells, week_cells = cells.filter(engagement_id__in=ids), week_cells.filter(engagement_id__in=ids)
    rows = (
        entries.filter(COUNTED)
        .annotate(month=TruncMonth("work_date"))
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
        week_cells.delete()
        weeks: list[EngagementWeekUsage] = []
        for (engagement_id, monday, person_id), (worked, unbilled) in _weeks_of(entries).items():
            if worked or unbilled:
                weeks.append(
                    EngagementWeekUsage(
                        engagement_id=engagement_id,
                        week=monday,
                        person_id=person_id,
                        worked_minutes=worked,
                        unbilled_minutes=unbilled,
                    )
                )
            if len(weeks) >= REBUILD_BATCH:
                EngagementWeekUsage.objects.bulk_create(weeks)
                weeks = []
        EngagementWeekUsage.objects.bulk_create(weeks)
    return kept


def _weeks_of(entries) -> dict[tuple[int, date, int], tuple[int, int]]:
    rows = (
        entries.annotate(week=TruncWeek("work_date"))
        .values("engagement_id", "week", "person_id")
        .annotate(
            worked=Sum("worked_minutes"),
            unbilled=Sum("billed_minutes", filter=COUNTED & Q(invoiced_at__isnull=True)),
        )
        .order_by()
    )
    return {
        (r["engagement_id"], r["week"], r["person_id"]): (r["worked"] or 0, r["unbilled"] or 0)
        for r in rows.iterator(chunk_size=REBUILD_BATCH)
    }


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


def week_usage_from_entries(engagement_ids: Iterable[int]) -> dict[tuple[int, date, int], tuple[int, int]]:
    """What the week cells must hold, summed from the entries (weeks with nothing left out): the test's oracle."""
    summed = _weeks_of(TimeEntry.objects.filter(engagement_id__in=list(engagement_ids)))
    return {cell: value for cell, value in summed.items() if any(value)}


EDGE_DAYS = 3  # at most this many days of a partial week are read from the entries


def worked_per_person(organisation_id: int, since: date) -> dict[int, int]:
    """Minutes worked per person on the organisation's engagements from `since` on (no end, as the entries).

    1. The whole weeks come from the kept weekly cells (one per engagement, person and week).
    2. The week holding `since`, when `since` is not its Monday, is split at `since`: a start of the week (Tuesday
       to Thursday) takes its whole cell less the entries before `since`, a later start only the entries from
       `since` to Sunday; so at most EDGE_DAYS days of entries are read, whatever the size of the practice."""
    monday = week_start(since)
    days_before = since.weekday()
    cells = EngagementWeekUsage.objects.filter(engagement__client__organisation_id=organisation_id)
    entries = TimeEntry.objects.filter(engagement__client__organisation_id=organisation_id)
    if days_before <= EDGE_DAYS:
        totals = _per_person(cells.filter(week__gte=monday), "worked_minutes")
        if days_before:
            before = _per_person(entries.filter(work_date__range=(monday, since - timedelta(days=1))), "worked_minutes")
            for person_id, minutes in before.items():
                totals[person_id] = totals.get(person_id, 0) - minutes
        return totals
    totals = _per_person(cells.filter(week__gt=monday), "worked_minutes")
    for person_id, minutes in _per_person(
        entries.filter(work_date__range=(since, monday + timedelta(days=6))), "worked_minutes"
    ).items():
        totals[person_id] = totals.get(person_id, 0) + minutes
    return totals


def _per_person(rows, field: str) -> dict[int, int]:
    summed = rows.values_list("person_id").annotate(minutes=Sum(field)).order_by()
    return {person_id: minutes or 0 for person_id, minutes in summed}


def worked_today_and_this_week(person_id: int, today: date) -> tuple[int, int]:
    """A person's minutes worked today and this week up to today, in two small reads: the week from the kept weekly
    cells, less what is entered for the days after today; today's own entries (not the whole week's)."""
    monday = week_start(today)
    week = EngagementWeekUsage.objects.filter(person_id=person_id, week=monday).aggregate(s=Sum("worked_minutes"))
    days = dict(
        TimeEntry.objects.filter(person_id=person_id, work_date__range=(today, monday + timedelta(days=6)))
        .values_list("work_date")
        .annotate(minutes=Sum("worked_minutes"))
        .order_by()
    )
    ahead = sum(minutes or 0 for day, minutes in days.items() if day > today)
    return days.get(today) or 0, (week["s"] or 0) - ahead
