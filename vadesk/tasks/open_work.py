"""The kept open work of each organisation (`OpenTasksDue`, `AssignedTasksDue`): how many tasks are open, in all
and per assignee, per day they fall due, so that the owner's overview counts the whole practice's open and overdue
work by reading a row per person and day instead of every open task.

A task's footprint is what it adds to the kept cells: nothing when it is closed; else one on the day it is due (in
UTC, `UNDATED` without a due date), and one on that day for each of its assignees. Every write that can change a
footprint (creating a task, its status, its due time, its assignees) reads the footprints of the tasks it changes
under their row locks before (`footprints(..., lock=True)`), and afterwards hands both to `open_work_move`, in the
same transaction. The difference is added to the cells (`tasks = tasks + n`, in one statement per table): two
writers on different tasks add to the same cell in turn and never lose one another's change, and two writers on the
same task are ordered by its row lock. `open_work_rebuild` recomputes the cells from the tasks (after a bulk import
or a repair: `manage.py open_work_rebuild`).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from vadesk.accounts.models import Person
from vadesk.tasks.models import OPEN_STATUSES, UNDATED, AssignedTasksDue, OpenTasksDue, Task
from vadesk.tasks.scoping import open_work_for

REBUILD_BATCH = 5_000


@dataclass(frozen=True)
class Footprint:
    organisation_id: int
    due_on: date | None  # None: the task is closed and counts nowhere
    people: frozenset[int]


def due_on(due_at: datetime | None) -> date:
    """The kept day of a due time: its date in UTC, whatever the organisation's zone (today's boundary is read
    by the due time itself, so a zone never matters), or `UNDATED`."""
    return UNDATED if due_at is None else due_at.astimezone(UTC).date()


def footprints(task_ids: Iterable[int], *, lock: bool = False) -> dict[int, Footprint]:
    """What these tasks add to the kept open work now; with `lock`, their rows are locked first, in id order, and
    only then are their assignees read (to read them before a change: nobody else changes them until the change is
    kept)."""
    ids = sorted(set(task_ids))
    if not ids:
        return {}
    rows = Task.objects.filter(pk__in=ids)
    if lock:
        rows = rows.select_for_update(of=("self",))
    tasks = list(rows.order_by("pk").values_list("pk", "status", "due_at", "client__organisation_id"))
    people: dict[int, set[int]] = {pk: set() for pk in ids}
    for task_id, person_id in Task.assignees.through.objects.filter(task_id__in=ids).values_list(
        "task_id", "person_id"
    ):
        people[task_id].add(person_id)
    return {
        pk: Footprint(organisation_id, due_on(due_at) if status in OPEN_STATUSES else None, frozenset(people[pk]))
        for pk, status, due_at, organisation_id in tasks
    }


def open_work_move(before: Mapping[int, Footprint], after: Mapping[int, Footprint]) -> None:
    """Add to the kept cells what the tasks' footprints moved from `before` to `after` (a task missing on one side
    adds nothing there: it did not exist yet, or no longer does). Call it inside the change's transaction, at its
    end; inside `open_work_batch` the difference waits for the batch's end."""
    totals: Counter[tuple[int, date]] = Counter()
    assigned: Counter[tuple[int, int, date]] = Counter()
    for prints, sign in ((before, -1), (after, 1)):
        for footprint in prints.values():
            if footprint.due_on is None:
                continue
            totals[(footprint.organisation_id, footprint.due_on)] += sign
            for person_id in footprint.people:
                assigned[(footprint.organisation_id, person_id, footprint.due_on)] += sign
    batch = getattr(_batch, "moves", None)
    if batch is not None:
        batch[0].update(totals)
        batch[1].update(assigned)
        return
    _apply(totals, assigned)


_batch = threading.local()


@contextmanager
def open_work_batch() -> Iterator[None]:
    """Several task writes in one transaction (a bulk action on the board, a team's onboarding tasks) keep their
    differences here and add them at the end, at once and in one order: changed cell by cell in the order of the
    writes, two such transactions could each hold a cell the other waits for. Only around writes that all happen
    or all roll back (a savepoint rolled back inside, with the batch going on, would leave its differences in)."""
    if not connection.in_atomic_block:
        raise RuntimeError("open_work_batch must run inside the transaction of the writes")
    if getattr(_batch, "moves", None) is not None:
        yield  # inside another batch: that one adds
        return
    _batch.moves = (Counter(), Counter())
    try:
        yield
        totals, assigned = _batch.moves
    finally:
        _batch.moves = None
    _apply(totals, assigned)


def _apply(totals: Counter, assigned: Counter) -> None:
    totals = Counter({cell: n for cell, n in totals.items() if n})
    assigned = Counter({cell: n for cell, n in assigned.items() if n})
    if not totals and not assigned:
        return
    with transaction.atomic():
        _add(OpenTasksDue, ("organisation_id", "due_on"), totals)
        _add(AssignedTasksDue, ("organisation_id", "person_id", "due_on"), assigned)


def _add(model, key: tuple[str, ...], deltas: Mapping[tuple, int]) -> None:
    """`tasks = tasks + n` for each cell, created at n when it is missing (one upsert), then the cells that came to
    nothing removed (a day without open tasks has no row)."""
    if not deltas:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in (*key, "tasks"))
    conflict = ", ".join(connection.ops.quote_name(c) for c in key)
    values, params = [], []
    for cell, n in sorted(deltas.items()):
        values.append("(" + ", ".join(["%s"] * (len(key) + 1)) + ")")
        params.extend([*cell[:-1], connection.ops.adapt_datefield_value(cell[-1]), n])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {', '.join(values)} "
            f"ON CONFLICT ({conflict}) DO UPDATE SET tasks = {table}.tasks + excluded.tasks",
            params,
        )
    if any(n < 0 for n in deltas.values()):
        emptied = Q()
        for cell, n in deltas.items():
            if n < 0:
                emptied |= Q(**dict(zip(key, cell, strict=True)))
        model.objects.filter(emptied, tasks=0).delete()


@dataclass(frozen=True)
class Work:
    open: int = 0
    overdue: int = 0


def open_work(person: Person, organisation_id: int, *, now: datetime) -> tuple[Work, dict[int, Work]]:
    """The organisation's open and overdue tasks, in all and per assignee (person id), as its owner sees them:
    four reads whatever the practice's size. The kept cells give the open work and what was due before today
    (UTC); today's tasks due before `now` are counted by their due time (a range of one day's tasks)."""
    totals, assigned, tasks = open_work_for(person, organisation_id)
    midnight = _midnight(now)
    before_today = Q(due_on__lt=midnight.date())
    sums = totals.aggregate(open=Sum("tasks"), overdue=Sum("tasks", filter=before_today))
    per_person = {
        row["person_id"]: [row["open"], row["overdue"] or 0]
        for row in assigned.values("person_id")
        .annotate(open=Sum("tasks"), overdue=Sum("tasks", filter=before_today))
        .order_by()
    }
    due_today = tasks.open().filter(due_at__gte=midnight, due_at__lt=now)
    for row in due_today.filter(assignees__isnull=False).values("assignees").annotate(n=Count("pk")).order_by():
        if row["assignees"] in per_person:  # always: their cell of today holds these tasks
            per_person[row["assignees"]][1] += row["n"]
    total = Work(sums["open"] or 0, (sums["overdue"] or 0) + due_today.count())
    return total, {person_id: Work(*counts) for person_id, counts in per_person.items()}


def overdue_first(person: Person, organisation_id: int, *, now: datetime, count: int) -> list[Task]:
    """The `count` open tasks of the organisation that were due longest ago (due time, then id), as its owner sees
    them, with their clients and assignees. The kept cells say which days hold them: the first `count` days with
    open work hold at least `count` tasks, so only the tasks due from the first of them to the day the count is
    reached (or to now) are read, not every open task of the practice."""
    totals, _assigned, tasks = open_work_for(person, organisation_id)
    days = list(
        totals.filter(due_on__lte=_midnight(now).date(), tasks__gt=0)
        .order_by("due_on")
        .values_list("due_on", "tasks")[:count]
    )
    if not days:
        return []
    last, seen = days[-1][0], 0
    for day, tasks_due in days:
        seen += tasks_due
        if seen >= count:
            last = day
            break
    until = min(datetime.combine(last + timedelta(days=1), time(), UTC), now)
    return list(
        tasks.open()
        .filter(due_at__gte=datetime.combine(days[0][0], time(), UTC), due_at__lt=until)
        .select_related("client")
        .prefetch_related("assignees")
        .order_by("due_at", "id")[:count]
    )


def _midnight(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(UTC).date(), time(), UTC)


def open_work_rebuild(organisation_ids: Iterable[int] | None = None) -> int:
    """Recompute the kept cells (of all organisations, or of these) from the tasks; returns the cells kept.

    Counted and written in one transaction that first takes the cells' tables (on PostgreSQL; SQLite has one
    writer anyway): a task write that has already added to a cell is waited for and counted, one that comes later
    adds to the rebuilt cells."""
    ids = None if organisation_ids is None else list(organisation_ids)
    scope = Q() if ids is None else Q(organisation_id__in=ids)
    tasks = Task.objects.open()
    if ids is not None:
        tasks = tasks.filter(client__organisation_id__in=ids)
    totals: Counter[tuple[int, date]] = Counter()
    assigned: Counter[tuple[int, int, date]] = Counter()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (OpenTasksDue, AssignedTasksDue))
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        for organisation_id, due_at in tasks.values_list("client__organisation_id", "due_at").iterator(REBUILD_BATCH):
            totals[(organisation_id, due_on(due_at))] += 1
        links = Task.assignees.through.objects.filter(task__in=tasks).values_list(
            "task__client__organisation_id", "person_id", "task__due_at"
        )
        for organisation_id, person_id, due_at in links.iterator(REBUILD_BATCH):
            assigned[(organisation_id, person_id, due_on(due_at))] += 1
        OpenTasksDue.objects.filter(scope).delete()
        AssignedTasksDue.objects.filter(scope).delete()
        OpenTasksDue.objects.bulk_create(
            [OpenTasksDue(organisation_id=o, due_on=d, tasks=n) for (o, d), n in totals.items()],
            batch_size=REBUILD_BATCH,
        )
        AssignedTasksDue.objects.bulk_create(
            [AssignedTasksDue(organisation_id=o, person_id=p, due_on=d, tasks=n) for (o, p, d), n in assigned.items()],
            batch_size=REBUILD_BATCH,
        )
    return len(totals) + len(assigned)
