"""The task list pages by cursor (keyset): every task once in the list's order (dated by due date, undated last),
a deep page as cheap as the first, a capped count, and on PostgreSQL a walk of `task_due_first` instead of a sort."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vadesk.api import tasks as api_module
from vadesk.tasks.models import Task
from vadesk.tasks.scoping import tasks_for


def seed(client, count: int, *, undated_every: int = 4, assignee=None) -> list[Task]:
    """Tasks with many sharing a due date and a priority (the id breaks the tie), every few undated."""
    start = timezone.now().replace(microsecond=0)
    tasks = Task.objects.bulk_create(
        [
            Task(
                client=client,
                title=f"T{n}",
                priority=1 + n % 4,
                due_at=None if n % undated_every == 0 else start + timedelta(hours=n % 7),
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    if assignee is not None:
        Task.assignees.through.objects.bulk_create(
            [Task.assignees.through(task_id=t.pk, person_id=assignee.pk) for t in tasks]
        )
    return tasks


def expected_order(client) -> list[int]:
    ordered = Task.objects.filter(client=client).order_by(F("due_at").asc(nulls_last=True), "-priority", "id")
    return list(ordered.values_list("pk", flat=True))


def walk(api, params: dict) -> tuple[list[int], int, list[dict]]:
    seen, cursor, pages, bodies = [], None, 0, []
    while True:
        body = api.get("/tasks", {**params, **({"cursor": cursor} if cursor else {})}).json()
        bodies.append(body)
        seen += [t["id"] for t in body["items"]]
        pages, cursor = pages + 1, body["next_cursor"]
        if cursor is None:
            return seen, pages, bodies


def test_the_cursor_walks_every_task_once_in_the_lists_order(api_as, owner, acme, other_client):
    seed(acme, 93)
    seed(other_client, 7)  # another organisation's: never on a page
    seen, pages, bodies = walk(api_as(owner), {"limit": 10})

    assert pages == 10
    assert seen == expected_order(acme)  # dated by due date, priority high to low, id; then the undated
    assert all((b["count"], b["count_capped"]) == (93, False) for b in bodies)


def test_a_page_boundary_inside_the_undated_tasks_and_filters_keep_the_order(api_as, assistant, acme):
    seed(acme, 40, undated_every=2, assignee=assistant)
    seed(acme, 10)  # not the assistant's
    seen, _pages, _bodies = walk(api_as(assistant), {"limit": 3, "assignee": "me"})

    mine = set(Task.objects.filter(assignees=assistant).values_list("pk", flat=True))
    assert seen == [pk for pk in expected_order(acme) if pk in mine]


def test_the_first_page_matches_the_offset_order_and_offset_still_works(api_as, owner, acme):
    seed(acme, 30)
    api = api_as(owner)
    order = expected_order(acme)

    assert [t["id"] for t in api.get("/tasks", {"limit": 12}).json()["items"]] == order[:12]
    assert [t["id"] for t in api.get("/tasks", {"limit": 12, "offset": 12}).json()["items"]] == order[12:24]


def test_a_deep_page_costs_the_queries_of_the_first(api_as, owner, acme):
    seed(acme, 300)
    api = api_as(owner)
    order = expected_order(acme)
    deep = Task.objects.get(pk=order[200])  # dated: the page reads both walks, as the first does
    assert deep.due_at is not None

    def queries(params):
        with CaptureQueriesContext(connection) as captured:
            response = api.get("/tasks", params)
        assert response.status_code == 200
        return len(captured), response.json()

    first_count, _ = queries({"limit": 20})
    deep_count, body = queries({"limit": 20, "cursor": api_module.encode_cursor(deep.due_at, deep.priority, deep.pk)})

    assert deep_count == first_count
    assert [t["id"] for t in body["items"]] == order[201:221]
    undated = Task.objects.get(pk=order[250])  # among the undated: one walk only
    undated_count, body = queries({"limit": 20, "cursor": api_module.encode_cursor(None, undated.priority, undated.pk)})
    assert undated_count <= first_count
    assert [t["id"] for t in body["items"]] == order[251:271]


def test_the_count_stops_at_its_cap(api_as, owner, acme, monkeypatch):
    monkeypatch.setattr(api_module, "COUNT_CAP", 25)
    seed(acme, 40)

    body = api_as(owner).get("/tasks", {"limit": 5}).json()

    assert (body["count"], body["count_capped"]) == (25, True)


@pytest.mark.parametrize("cursor", ["nonsense", "MjAyNi0xMi0wMVQxMDowMHwyfDE", "x" * 80])
def test_a_cursor_the_api_did_not_give_is_refused_clearly(api_as, owner, cursor):
    response = api_as(owner).get("/tasks", {"cursor": cursor})

    assert response.status_code in (400, 422)
    assert "cursor" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_owners_list_walks_the_due_first_index(owner, acme):
    seed(acme, 20_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tasks_task")
    keys = api_module._keys_after(tasks_for(owner), None, 51)
    assert len(keys) == 51
    dated = tasks_for(owner).filter(due_at__isnull=False).order_by("due_at", "-priority", "id")
    sql, params = dated.values_list("due_at", "priority", "id")[:51].query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "task_due_first" in plan, plan
    assert "Sort" not in plan.split("task_due_first")[0], plan  # no sort of every task above the scan
