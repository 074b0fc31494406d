"""A word back: the client rates a task that is done, or a monthly report, from one to five with a comment.

Only the client's own users rate, and only their own client's things; a low rating (LOW or less) fires
`rating_low`, which the portal's listener turns into a notification to the client's lead and the owners.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Person
from vadesk.clients.models import Assignment, Client
from vadesk.engagements.balance import month_start, next_month
from vadesk.lib.hooks import Hook
from vadesk.reports.models import MonthlyReport, Rating
from vadesk.tasks.models import Status, Task

LOW = 2
MAX_COMMENT = 2000
# rating=: a rating of LOW or less, in the transaction that saved it.
rating_low = Hook("reports.rating_low")


def rating_give(
    *, by: Person, score: int, comment: str = "", task: Task | None = None, report: MonthlyReport | None = None
) -> Rating:
    """Rate a done task or a report that went out; rating the same thing again replaces the earlier rating."""
    if (task is None) == (report is None):
        raise ValidationError(_("Rate a task or a monthly report."))
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose a rating from one to five.")})
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": _("A comment can be at most %(n)d characters.") % {"n": MAX_COMMENT}})
    client_id = task.client_id if task is not None else report.client_id  # type: ignore[union-attr]
    if client_id not in reach_of(by).portal_clients:
        raise PermissionDenied(_("Only the client's own users can rate this."))
    if task is not None and task.status != Status.DONE:
        raise ValidationError(_("A task can be rated once it is done."))
    if report is not None and report.sent_at is None:
        raise ValidationError(_("This report has not gone out yet."))
    with transaction.atomic():
        rating, _created = Rating.objects.update_or_create(
            by=by,
            task=task,
            report=report,
            defaults={"client_id": client_id, "score": score, "comment": comment},
        )
        if score <= LOW:
            rating_low.fire(rating=rating)
    return rating


def rating_trend(client: Client) -> dict[str, float | int | None]:
    """The client's ratings in numbers: how many, and their average."""
    row = Rating.objects.filter(client=client).aggregate(n=Count("pk"), average=Avg("score"))
    return {"count": row["n"], "average": round(row["average"], 1) if row["average"] is not None else None}


@dataclass(frozen=True)
class TrendRow:
    """One client's or one assistant's ratings: per month (average or None, count), and over the window."""

    pk: int
    name: str
    months: list[tuple[float | None, int]]
    average: float
    count: int
    low: int  # ratings of LOW or less


@dataclass(frozen=True)
class RatingTrends:
    months: list[date]
    clients: list[TrendRow]
    assistants: list[TrendRow]


def rating_trends(clients: QuerySet[Client], *, time_zone: str, today: date, months: int = 6) -> RatingTrends:
    """The ratings of these clients over the last `months` months (organisation time), per client and per
    assistant, the lowest average first. Four queries whatever the number of ratings.

    A task's rating counts for each of its assignees; a report's for the client's lead assistant(s).
    """
    zone = ZoneInfo(time_zone)
    first = month_start(today)
    for _n in range(months - 1):
        first = month_start(date.fromordinal(first.toordinal() - 1))
    window = [first]
    while len(window) < months:
        window.append(next_month(window[-1]))
    rated = Rating.objects.filter(
        client__in=clients, created_at__gte=datetime.combine(first, time(), tzinfo=zone)
    ).annotate(month=TruncMonth("created_at", tzinfo=zone))

    def grouped(queryset, key: str) -> dict[int, dict[date, list[int]]]:
        found: dict[int, dict[date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
        rows = queryset.values(key, "month").annotate(
            total=Sum("score"), n=Count("pk", distinct=True), low=Count("pk", filter=Q(score__lte=LOW))
        )
        for row in rows.order_by():
            cell = found[row[key]][_day(row["month"], zone)]
            cell[0], cell[1], cell[2] = cell[0] + row["total"], cell[1] + row["n"], cell[2] + row["low"]
        return found

    by_client = grouped(rated, "client_id")
    by_person = grouped(rated.filter(task__isnull=False, task__assignees__isnull=False), "task__assignees")
    leads = rated.filter(
        report__isnull=False, client__assignments__role=Assignment.Role.LEAD
    )  # a report's rating: the client's lead
    for person, per_month in grouped(leads, "client__assignments__person").items():
        for month, (total, n, low) in per_month.items():
            cell = by_person[person][month]
            cell[0], cell[1], cell[2] = cell[0] + total, cell[1] + n, cell[2] + low
    client_names = dict(Client.objects.filter(pk__in=by_client).values_list("pk", "name"))
    person_names = dict(Person.objects.filter(pk__in=by_person).values_list("pk", "full_name"))
    return RatingTrends(
        months=window,
        clients=_rows(by_client, client_names, window),
        assistants=_rows(by_person, person_names, window),
    )


def _day(value: date | datetime, zone: ZoneInfo) -> date:
    return value.astimezone(zone).date() if isinstance(value, datetime) else value


def _rows(found: dict[int, dict[date, list[int]]], names: dict[int, str], window: list[date]) -> list[TrendRow]:
    rows = []
    for pk, per_month in found.items():
        total = sum(cell[0] for cell in per_month.values())
        count = sum(cell[1] for cell in per_month.values())
        cells: list[tuple[float | None, int]] = [
            (round(per_month[m][0] / per_month[m][1], 1), per_month[m][1]) if m in per_month else (None, 0)
            for m in window
        ]
        low = sum(cell[2] for cell in per_month.values())
        rows.append(TrendRow(pk, names.get(pk, ""), cells, round(total / count, 1), count, low))
    return sorted(rows, key=lambda row: (row.average, row.name))
