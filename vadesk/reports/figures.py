"""The figures of a client's month: what the monthly report shows and `vadesk report --json` prints.

One definition, read from the same rows as the API: `used_minutes` is the sum of `billed_minutes` of an
engagement's billable, stopped entries with a `work_date` in the month (`TimeEntry.objects.counted()`), so it
equals what `/api/v1/time-entries?engagement=…&date_from=…&date_to=…` lists for that month. Moments (tasks done,
calls, appointments) count in the organisation's time zone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, Sum

from vadesk.agenda.models import Occurrence
from vadesk.clients.models import Client
from vadesk.comms.models import PhoneMessage
from vadesk.engagements import balance as calc
from vadesk.engagements.models import Engagement
from vadesk.tasks.models import Category, Status, Transition
from vadesk.timesheets.balances import terms_of
from vadesk.timesheets.models import EngagementPeriodUsage, TimeEntry


@dataclass(frozen=True)
class EngagementMonth:
    id: int
    name: str
    kind: str
    used_minutes: int
    left_minutes: int | None  # None: hourly work has no allowance
    rolled_over_minutes: int
    excess_minutes: int
    minutes_by_category: dict[str, int] = field(default_factory=dict)
    minutes_by_week: dict[str, int] = field(default_factory=dict)  # ISO week number ("07") to minutes
    burn_down: list[BurnDay] = field(default_factory=list)


@dataclass(frozen=True)
class BurnDay:
    """The balance at the end of a day of the month: `used` since the month began, `left` of what is available
    (None for hourly work, which has no allowance). Day 0 is the month's start, before any hours."""

    day: int
    used: int
    left: int | None


@dataclass(frozen=True)
class MonthFigures:
    client: int
    month: date  # the first day
    engagements: list[EngagementMonth]
    tasks_done: int
    calls: int
    appointments: int

    def as_json(self) -> dict:
        return {
            "client": self.client,
            "month": self.month.strftime("%Y-%m"),
            "engagements": [
                {
                    "id": e.id,
                    "used_minutes": e.used_minutes,
                    "left_minutes": e.left_minutes,
                    "rolled_over_minutes": e.rolled_over_minutes,
                    "excess_minutes": e.excess_minutes,
                    "minutes_by_category": e.minutes_by_category,
                }
                for e in self.engagements
            ],
            "tasks_done": self.tasks_done,
            "calls": self.calls,
            "appointments": self.appointments,
        }


def parse_month(text: str) -> date:
    """`YYYY-MM` to the month's first day; ValueError on anything else."""
    year, sep, month = text.strip().partition("-")
    if not (sep and text.isascii()) or len(year) != 4 or len(month) != 2 or not (year.isdigit() and month.isdigit()):
        raise ValueError(text)
    return date(int(year), int(month), 1)  # raises for month 00 or 13


def month_figures(*, client: Client, month: date) -> MonthFigures:
    """The figures of `client` in the calendar month that holds `month`."""
    first, last = calc.month_start(month), calc.month_end(month)
    zone = ZoneInfo(client.organisation.time_zone)
    since = datetime.combine(first, time.min, tzinfo=zone)
    before = datetime.combine(calc.next_month(first), time.min, tzinfo=zone)

    engagements = list(_engagements_of(client, first, last))
    ids = [e.pk for e in engagements]
    usage, by_category, by_day = (
        _usage_by_month(ids, last),
        _minutes_by_category(ids, first, last),
        _minutes_by_day(ids, first, last),
    )
    return MonthFigures(
        client=client.pk,
        month=first,
        engagements=[
            _engagement_month(e, usage.get(e.pk, {}), by_category.get(e.pk, {}), by_day.get(e.pk, {}), first)
            for e in engagements
        ],
        tasks_done=(
            Transition.objects.filter(task__client=client, to_status=Status.DONE, at__gte=since, at__lt=before)
            .values("task_id")
            .distinct()
            .count()
        ),
        calls=PhoneMessage.objects.filter(client=client, taken_at__gte=since, taken_at__lt=before).count(),
        appointments=_appointments(client, since, before),
    )


def _engagements_of(client: Client, first: date, last: date):
    """Engagements running in the month, and any other that has hours in it."""
    running = Q(starts_on__lte=last) & (Q(ends_on__isnull=True) | Q(ends_on__gte=first))
    # Exists per engagement of the client (its index on engagement and day): `pk__in` over the month's entries
    # made PostgreSQL read every client's entries of the month for each report (bench/reports.py).
    with_hours = Exists(
        TimeEntry.objects.counted().filter(engagement_id=OuterRef("pk"), work_date__range=(first, last))
    )
    return Engagement.objects.filter(client=client).filter(running | with_hours).order_by("pk")


def balance_after(terms: calc.Terms, usage: dict[date, int], month: date, used: int) -> calc.Balance:
    """The engagement's balance once `used` minutes of `month` are spent: the one rule for the balance over time
    that the monthly report's burn-down (day by day) and the dashboard's (month by month) both draw.

    A retainer offers each month its allowance plus what rolled into it; a bundle or project spends one allowance
    over its life, so the months before count too; hourly work has no allowance (`remaining` is None).
    """
    if terms.kind == Engagement.Kind.RETAINER:
        month_balance = calc.retainer_balance(terms, usage, month)
        return calc.Balance(
            month_balance.period_start, month_balance.period_end, terms.allowance or 0, month_balance.rolled_over, used
        )
    if terms.kind in (Engagement.Kind.BUNDLE, Engagement.Kind.PROJECT):
        before = sum(minutes for m, minutes in usage.items() if m < month)
        return calc.Balance(terms.starts_on, terms.expires_on or date.max, terms.allowance or 0, 0, before + used)
    return calc.Balance(month, calc.month_end(month), None, 0, used)


def _engagement_month(
    engagement: Engagement, usage: dict[date, int], by_category: dict[str, int], by_day: dict[date, int], first: date
) -> EngagementMonth:
    used = usage.get(first, 0)
    terms = terms_of(engagement)
    month = balance_after(terms, usage, first, used)
    # The part of a bundle's overdraft that this month's hours made (earlier months' excess was their own).
    excess = month.excess - balance_after(terms, usage, first, 0).excess
    weeks: dict[str, int] = defaultdict(int)
    for day, minutes in by_day.items():
        weeks[f"{day.isocalendar()[1]:02d}"] += minutes
    return EngagementMonth(
        id=engagement.pk,
        name=engagement.name,
        kind=engagement.kind,
        used_minutes=used,
        left_minutes=month.remaining,
        rolled_over_minutes=month.rolled_over,
        excess_minutes=excess,
        minutes_by_category=by_category,
        minutes_by_week=dict(sorted(weeks.items())),
        burn_down=_burn_down(terms, usage, by_day, first),
    )


def _burn_down(terms: calc.Terms, usage: dict[date, int], by_day: dict[date, int], first: date) -> list[BurnDay]:
    """Day 0 to the month's last day: the minutes used so far and what is left after them (`balance_after`)."""
    days, spent, day = [BurnDay(0, 0, balance_after(terms, usage, first, 0).remaining)], 0, first
    while day.month == first.month:
        spent += by_day.get(day, 0)
        days.append(BurnDay(day.day, spent, balance_after(terms, usage, first, spent).remaining))
        day += timedelta(days=1)
    return days


def _usage_by_month(engagement_ids: list[int], last: date) -> dict[int, dict[date, int]]:
    """Billed minutes per engagement and month up to `last`: the kept monthly usage the balances read."""
    usage: dict[int, dict[date, int]] = defaultdict(dict)
    rows = EngagementPeriodUsage.objects.filter(engagement_id__in=engagement_ids, month__lte=last)
    for engagement_id, month, minutes in rows.values_list("engagement_id", "month", "minutes"):
        usage[engagement_id][month] = minutes
    return usage


def _minutes_by_day(engagement_ids: list[int], first: date, last: date) -> dict[int, dict[date, int]]:
    """Billed minutes per engagement and work day of the month (the same entries as `used_minutes`)."""
    rows = (
        TimeEntry.objects.counted()
        .filter(engagement_id__in=engagement_ids, work_date__range=(first, last))
        .values_list("engagement_id", "work_date")
        .annotate(minutes=Sum("billed_minutes"))
        .order_by()
    )
    minutes: dict[int, dict[date, int]] = defaultdict(dict)
    for engagement_id, work_date, total in rows:
        if total:
            minutes[engagement_id][work_date] = total
    return minutes


def _minutes_by_category(engagement_ids: list[int], first: date, last: date) -> dict[int, dict[str, int]]:
    """Billed minutes per engagement and task category; hours without a task count as `other`."""
    rows = (
        TimeEntry.objects.counted()
        .filter(engagement_id__in=engagement_ids, work_date__range=(first, last))
        .values("engagement_id", "task__category")
        .annotate(minutes=Sum("billed_minutes"))
        .order_by()
    )
    minutes: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        if not row["minutes"]:
            continue
        category = row["task__category"] or Category.OTHER.value
        per = minutes[row["engagement_id"]]
        per[category] = per.get(category, 0) + row["minutes"]
    return {pk: dict(sorted(per.items())) for pk, per in minutes.items()}


def _appointments(client: Client, since: datetime, before: datetime) -> int:
    """Appointments the practice arranged for the client (booked in vadesk) that take place in the month."""
    return (
        Occurrence.objects.filter(
            Q(event__calendar__party__client=client) | Q(event__task__client=client),
            event__booked_by__isnull=False,
            event__deleted=False,
            start__gte=since,
            start__lt=before,
        )
        .exclude(status="CANCELLED")
        .aggregate(n=Count("pk", distinct=True))["n"]
    )
