"""The kept open work (OpenTasksDue, AssignedTasksDue) always equals the count of open tasks it stands for, after
every kind of task write, and the owner's overview read from it says what counting the tasks says."""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.utils import timezone

from vadesk.accounts.models import Membership
from vadesk.clients.models import Assignment, Client
from vadesk.conftest import make_person
from vadesk.reports.overview import overview
from vadesk.tasks.models import UNDATED, AssignedTasksDue, OpenTasksDue, Status, Task
from vadesk.tasks.open_work import open_work_rebuild
from vadesk.tasks.recurrence import recurring_task_create, recurring_tasks_spawn
from vadesk.tasks.services import task_create, task_transition, task_update

NOW = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)


def day(due_at):
    return UNDATED if due_at is None else due_at.astimezone(UTC).date()


def counted(organisation) -> tuple[Counter, Counter]:
    """The sums the cells stand for, counted from the tasks one by one."""
    totals, assigned = Counter(), Counter()
    for task in Task.objects.filter(client__organisation=organisation).prefetch_related("assignees"):
        if task.is_open:
            totals[day(task.due_at)] += 1
            for person in task.assignees.all():
                assigned[(person.pk, day(task.due_at))] += 1
    return totals, assigned


def kept(organisation) -> tuple[Counter, Counter]:
    totals = Counter(dict(OpenTasksDue.objects.filter(organisation=organisation).values_list("due_on", "tasks")))
    assigned = Counter(
        {
            (p, d): n
            for p, d, n in AssignedTasksDue.objects.filter(organisation=organisation).values_list(
                "person_id", "due_on", "tasks"
            )
        }
    )
    return totals, assigned


def assert_kept(*organisations) -> None:
    for organisation in organisations:
        assert kept(organisation) == counted(organisation)
    assert not OpenTasksDue.objects.filter(tasks__lte=0).exists()  # a day without open tasks has no row
    assert not AssignedTasksDue.objects.filter(tasks__lte=0).exists()


@pytest.fixture
def bea(org, acme):
    person = make_person("bea@assist.example", "Bea Backup")
    Membership.objects.create(person=person, organisation=org, role=Membership.Role.ASSISTANT)
    Assignment.objects.create(client=acme, person=person)
    return person


@time_machine.travel(NOW, tick=False)
def test_every_task_write_keeps_the_cells_equal_to_the_open_tasks(org, other_org, acme, owner, assistant, bea):
    soon = NOW + timedelta(days=2)
    first = task_create(by=assistant, client=acme, title="Dated", due_at=soon, assignees=[assistant, bea])
    undated = task_create(by=assistant, client=acme, title="Undated", assignees=[assistant])
    nobody = task_create(by=owner, client=acme, title="Unassigned", due_at=NOW - timedelta(days=3))
    assert_kept(org)
    assert kept(org)[0] == Counter({day(soon): 1, UNDATED: 1, day(NOW - timedelta(days=3)): 1})

    task_update(by=assistant, task=first, due_at=NOW + timedelta(days=5))  # to another day
    task_update(by=assistant, task=undated, due_at=NOW - timedelta(hours=1))  # dated
    task_update(by=assistant, task=first, assignees=[bea])  # one assignee less
    task_update(by=owner, task=nobody, assignees=[assistant, bea], due_at=None)  # both at once
    task_update(by=assistant, task=first, title="Renamed")  # changes nothing counted
    assert_kept(org)

    task_transition(by=assistant, task=first, to=Status.IN_PROGRESS)  # open to open
    task_transition(by=assistant, task=first, to=Status.DONE)
    task_transition(by=assistant, task=undated, to=Status.CANCELLED)
    assert_kept(org)
    task_transition(by=assistant, task=first, to=Status.IN_PROGRESS)  # reopened
    task_transition(by=assistant, task=undated, to=Status.NEW)
    assert_kept(org)

    for task in Task.objects.all():
        task_transition(by=owner, task=task, to=Status.DONE)
    assert_kept(org)
    assert not OpenTasksDue.objects.exists() and not AssignedTasksDue.objects.exists()


def test_an_update_counts_the_task_as_it_is_now_not_as_the_caller_read_it(acme, assistant, bea):
    task = task_create(by=assistant, client=acme, title="Shared", assignees=[assistant])
    stale = Task.objects.get(pk=task.pk)
    task_transition(by=bea, task=task, to=Status.DONE)  # a colleague closes it meanwhile
    task_update(by=assistant, task=stale, due_at=timezone.now() + timedelta(days=1))
    assert Task.objects.get(pk=task.pk).status == Status.DONE
    assert_kept(acme.organisation)


def test_recurring_occurrences_are_counted(org, acme, owner, assistant):
    with time_machine.travel(datetime(2026, 11, 30, 9, tzinfo=UTC), tick=False):
        recurring_task_create(
            by=owner,
            client=acme,
            title="Weekly invoices",
            rrule="FREQ=WEEKLY",
            first_due_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
            lead_days=10,
            assignees=[assistant],
        )
        assert recurring_tasks_spawn() >= 1
    assert OpenTasksDue.objects.filter(organisation=org).exists()
    assert_kept(org)


def test_cover_and_its_end_keep_the_cells(org, acme, owner, assistant, bea):
    from vadesk.team.cover import covers_refresh
    from vadesk.team.models import Cover
    from vadesk.team.services import absence_request

    Assignment.objects.filter(client=acme, person=assistant).update(role="lead", position=0)
    Assignment.objects.filter(client=acme, person=bea).update(role="backup", position=1)
    with time_machine.travel(datetime(2026, 12, 3, 9, tzinfo=UTC), tick=False):
        task_create(by=owner, client=acme, title="Hers", due_at=timezone.now(), assignees=[assistant])
        task_create(by=owner, client=acme, title="Theirs", assignees=[assistant, bea])
        absence = absence_request(
            by=owner,
            organisation=org,
            person=assistant,
            kind="sick",
            start_date=date(2026, 12, 1),
            end_date=date(2026, 12, 14),
            open_work="hand_over",
        )
        assert covers_refresh(organisation=org, today=date(2026, 12, 3)) >= 1
        assert AssignedTasksDue.objects.filter(person=bea).count() == 2
        assert_kept(org)
    with time_machine.travel(datetime(2026, 12, 15, 9, tzinfo=UTC), tick=False):
        covers_refresh(organisation=org, today=date(2026, 12, 15))
        assert not Cover.objects.filter(absence=absence, ended_at=None).exists()
        assert AssignedTasksDue.objects.filter(person=assistant).exists()
        assert_kept(org)


def test_organisations_keep_their_own_cells(org, other_org, acme, other_client, assistant, outsider):
    task_create(by=assistant, client=acme, title="Ours", due_at=NOW, assignees=[assistant])
    task_create(by=outsider, client=other_client, title="Theirs", due_at=NOW, assignees=[outsider])
    assert_kept(org, other_org)
    assert OpenTasksDue.objects.get(organisation=other_org).tasks == 1


def test_rebuild_repairs_the_cells_after_an_import(org, other_org, acme, other_client, assistant, bea, outsider):
    task_create(by=assistant, client=acme, title="Through the service", due_at=NOW, assignees=[assistant])
    task_create(by=outsider, client=other_client, title="Theirs", due_at=NOW, assignees=[outsider])
    imported = Task.objects.bulk_create(
        [Task(client=acme, title=f"Imported {n}", due_at=NOW + timedelta(days=n % 3)) for n in range(6)]
        + [Task(client=other_client, title="Elsewhere", status=Status.DONE)]
    )
    Task.assignees.through.objects.bulk_create(
        [Task.assignees.through(task_id=t.pk, person_id=bea.pk) for t in imported[:4]]
    )
    OpenTasksDue.objects.create(organisation=other_org, due_on=date(2026, 1, 1), tasks=5)  # a stray cell
    assert kept(org) != counted(org)
    assert open_work_rebuild([org.pk]) == 3 + 1 + 3
    assert_kept(org)
    assert OpenTasksDue.objects.filter(organisation=other_org).exists()  # another organisation's are left
    assert AssignedTasksDue.objects.filter(organisation=other_org, person=outsider).exists()
    open_work_rebuild()
    assert_kept(org, other_org)
    assert not OpenTasksDue.objects.filter(organisation=other_org, due_on=date(2026, 1, 1)).exists()


def live(org, now):
    """The overview's figures counted from the tasks: open and overdue, in all and per person."""
    tasks = Task.objects.filter(client__organisation=org).open()
    overdue = tasks.filter(due_at__lt=now)
    staff = Membership.objects.filter(organisation=org, role__in=["owner", "assistant"], is_active=True)
    per_person = {
        m.person_id: (tasks.filter(assignees=m.person_id).count(), overdue.filter(assignees=m.person_id).count())
        for m in staff
    }
    return tasks.count(), overdue.count(), per_person


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 12, 2, 10, 30, tzinfo=UTC),
        datetime(2026, 12, 2, 0, 0, tzinfo=UTC),  # midnight in UTC
        datetime(2026, 12, 1, 23, 30, tzinfo=UTC),  # after midnight in Amsterdam, not yet in UTC
        datetime(2026, 12, 2, 23, 59, 59, tzinfo=UTC),
    ],
)
def test_the_overview_says_what_counting_the_tasks_says(org, acme, owner, assistant, bea, now):
    base = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)
    dues = [
        base - timedelta(days=3),
        base - timedelta(hours=11),  # the day before in UTC, the same day in Amsterdam
        base - timedelta(hours=10, minutes=30),  # midnight UTC exactly
        base - timedelta(minutes=1),
        base,
        base + timedelta(minutes=1),
        base + timedelta(hours=13),  # the last minute of the day in UTC
        base + timedelta(days=1),
        None,
    ]
    with time_machine.travel(base - timedelta(days=5), tick=False):
        for n, due in enumerate(dues):
            people = [[assistant], [bea], [assistant, bea], []][n % 4]
            task_create(by=owner, client=acme, title=f"Task {n}", due_at=due, assignees=people)
        done = task_create(by=owner, client=acme, title="Done", due_at=base - timedelta(days=1), assignees=[bea])
        task_transition(by=bea, task=done, to=Status.DONE)
    figures = overview(owner, org, now=now)
    open_count, overdue_count, per_person = live(org, now)
    assert (figures.open_tasks, figures.overdue_count) == (open_count, overdue_count)
    assert {load.person.pk: (load.open_tasks, load.overdue_tasks) for load in figures.team} == per_person
    assert overdue_count > 0 and any(o for _, o in per_person.values())


def test_only_owners_read_the_kept_open_work(org, acme, owner, assistant):
    from vadesk.tasks.open_work import Work, open_work

    task_create(by=assistant, client=acme, title="Late", due_at=NOW - timedelta(days=1), assignees=[assistant])
    assert open_work(owner, org.pk, now=timezone.now())[0].open == 1
    task_create(by=assistant, client=acme, title="Due an hour ago", due_at=timezone.now() - timedelta(hours=1))
    assert open_work(assistant, org.pk, now=timezone.now()) == (Work(), {})


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_closing_tasks_of_the_same_day_at_once_lose_neither(org, acme, owner, assistant, bea):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent writers; SQLite serialises them")
    due = timezone.now() + timedelta(days=1)
    tasks = [
        task_create(by=owner, client=acme, title=f"T{n}", due_at=due, assignees=[assistant, bea]) for n in range(2)
    ]
    start, both = threading.Barrier(2), threading.Barrier(2)
    errors: list[BaseException] = []

    def close(task, person) -> None:
        try:
            start.wait(timeout=10)
            with transaction.atomic():
                task_transition(by=person, task=task, to=Status.DONE)
                # Hold this transaction open while the other one counts its change too: it adds to the same
                # cells, so it waits for this one's commit (the wait times out) and then adds to what it left.
                with contextlib.suppress(threading.BrokenBarrierError):
                    both.wait(timeout=1)
        except BaseException as error:  # the test reads it after join
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=close, args=pair) for pair in zip(tasks, (assistant, bea), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert_kept(org)
    assert not OpenTasksDue.objects.exists()


def test_the_migration_counts_the_tasks_there_were(org, acme, assistant):
    """The migration that created the cells counted the tasks there were with the rebuild's rule."""
    import importlib

    migration = importlib.import_module("vadesk.tasks.migrations.0009_open_work_kept")
    from django.apps import apps

    task_create(by=assistant, client=acme, title="Before", due_at=NOW, assignees=[assistant])
    Task.objects.bulk_create(
        [Task(client=acme, title="Imported"), Task(client=acme, title="Closed", status=Status.DONE, due_at=NOW)]
    )
    OpenTasksDue.objects.all().delete()
    AssignedTasksDue.objects.all().delete()
    migration.keep_open_work(apps, None)
    assert_kept(org)
    assert Client.objects.count() == 1


@pytest.mark.parametrize("count", [1, 3, 10, 40])
def test_the_oldest_overdue_tasks_are_those_counting_every_task_gives(org, acme, owner, assistant, count):
    from vadesk.tasks.open_work import overdue_first

    now = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)
    with time_machine.travel(now - timedelta(days=40), tick=False):
        oldest = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)  # the first minute of the oldest day, and its last
        task_create(by=owner, client=acme, title="At midnight", due_at=oldest, assignees=[assistant])
        task_create(by=owner, client=acme, title="Before midnight", due_at=oldest + timedelta(hours=23, minutes=59))
        for n in range(30):  # a few a day over three weeks, some late today, some closed, some later
            due = now - timedelta(days=21 - (n * 7) % 23, hours=n % 5) + timedelta(hours=(n % 3) * 4)
            task = task_create(by=owner, client=acme, title=f"Task {n}", due_at=due, assignees=[assistant])
            if n % 6 == 0:
                task_transition(by=owner, task=task, to=Status.DONE)
    expected = list(
        Task.objects.filter(client__organisation=org).open().filter(due_at__lt=now).order_by("due_at", "id")[:count]
    )
    assert len(expected) > 0
    assert overdue_first(owner, org.pk, now=now, count=count) == expected
    assert overdue_first(assistant, org.pk, now=now, count=count) == []  # the organisation's: its owners'


def test_an_owner_of_two_organisations_sees_each_ones_own_work(org, other_org, acme, other_client, owner, outsider):
    Membership.objects.create(person=owner, organisation=other_org, role=Membership.Role.OWNER)
    task_create(by=owner, client=acme, title="Ours", due_at=NOW - timedelta(days=1), assignees=[owner])
    for n in range(3):
        task_create(
            by=owner, client=other_client, title=f"Theirs {n}", due_at=NOW - timedelta(days=1), assignees=[owner]
        )
    figures = overview(owner, org, now=NOW)
    assert (figures.open_tasks, figures.overdue_count) == (1, 1)
    assert [t.title for t in figures.overdue] == ["Ours"]
    assert {load.person.pk: load.open_tasks for load in figures.team} == {owner.pk: 1}
    assert overview(owner, other_org, now=NOW).open_tasks == 3


def test_a_bulk_action_on_the_board_keeps_the_cells(client, org, acme, owner, assistant, bea):
    from django.urls import reverse

    tasks = [
        task_create(by=owner, client=acme, title=f"T{n}", due_at=NOW + timedelta(days=n), assignees=[assistant])
        for n in range(4)
    ]
    client.force_login(owner)
    ids = [t.pk for t in tasks]
    client.post(reverse("board_bulk"), {"tasks": ids, "action": f"assign:{bea.pk}"})
    assert AssignedTasksDue.objects.filter(person=bea).count() == 4
    client.post(reverse("board_bulk"), {"tasks": ids[:3], "action": "close"})
    assert Task.objects.filter(status=Status.DONE).count() == 3
    assert_kept(org)


def test_a_batch_adds_at_its_end_once(org, acme, owner, assistant):
    from vadesk.tasks.open_work import open_work_batch

    with transaction.atomic(), open_work_batch():
        task = task_create(by=owner, client=acme, title="In a batch", due_at=NOW, assignees=[assistant])
        with open_work_batch():  # an inner batch leaves the adding to the outer one
            task_transition(by=owner, task=task, to=Status.DONE)
            task_create(by=owner, client=acme, title="Second", due_at=NOW, assignees=[assistant])
        assert not OpenTasksDue.objects.exists()  # nothing added yet
    assert_kept(org)
    assert OpenTasksDue.objects.get().tasks == 1
    with pytest.raises(ZeroDivisionError), transaction.atomic(), open_work_batch():
        task_create(by=owner, client=acme, title="Rolled back", due_at=NOW, assignees=[assistant])
        raise ZeroDivisionError
    assert_kept(org)


def _threads(work, *args_per_thread) -> list[BaseException]:
    errors: list[BaseException] = []

    def run(*args) -> None:
        try:
            work(*args)
        except BaseException as error:  # the test reads it after join
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=args) for args in args_per_thread]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_changing_the_assignees_of_one_task_at_once_keep_the_cells(org, acme, owner, assistant, bea):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent writers; SQLite serialises them")
    task = task_create(by=owner, client=acme, title="Shared", due_at=NOW, assignees=[owner])
    start, both = threading.Barrier(2), threading.Barrier(2)

    def assign(people) -> None:
        start.wait(timeout=10)
        with transaction.atomic():
            task_update(by=owner, task=Task.objects.get(pk=task.pk), assignees=people)
            with contextlib.suppress(threading.BrokenBarrierError):
                both.wait(timeout=1)  # the other one waits for this task's lock meanwhile

    assert _threads(assign, ([assistant, bea],), ([bea],)) == []
    assert_kept(org)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_bulk_actions_on_the_same_days_in_opposite_orders_do_not_deadlock(org, acme, owner, assistant):
    """Each closes a task due on day X and one due on day Y, in opposite orders, both waiting in between: changed
    cell by cell, each would hold one day's cell and wait for the other's (PostgreSQL kills one as a deadlock)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent writers; SQLite serialises them")
    from vadesk.tasks.open_work import open_work_batch

    x, y = NOW + timedelta(days=1), NOW + timedelta(days=2)
    tasks = [
        task_create(by=owner, client=acme, title=f"T{n}", due_at=d, assignees=[assistant])
        for n, d in enumerate([x, y, y, x])
    ]
    halfway = threading.Barrier(2)

    def close(first, second) -> None:
        with transaction.atomic(), open_work_batch():
            task_transition(by=owner, task=first, to=Status.DONE)
            with contextlib.suppress(threading.BrokenBarrierError):
                halfway.wait(timeout=2)
            task_transition(by=owner, task=second, to=Status.DONE)

    assert _threads(close, (tasks[0], tasks[1]), (tasks[2], tasks[3])) == []
    assert_kept(org)
    assert not OpenTasksDue.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_batch_outside_a_transaction_is_refused():
    from vadesk.tasks.open_work import open_work_batch

    with pytest.raises(RuntimeError), open_work_batch():
        pass
