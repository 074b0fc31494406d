"""The board's done column reads a range of the index of tasks by client, status and closing time on both
databases: the last two weeks of each client, not every done task of the practice's history."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vadesk.lib.tests.planner import sqlite_statistics
from vadesk.tasks.models import Task


def done_column_sql(client) -> str:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("board") + "?scope=all").status_code == 200
    [sql] = [q["sql"] for q in captured.captured_queries if '"tasks_task"."closed_at" >=' in q["sql"]]
    return sql


@pytest.fixture
def history(owner, acme):
    """Two years of a client's work, almost all of it done: 20,000 tasks."""
    now = timezone.now()
    Task.objects.bulk_create(
        [
            Task(
                client=acme,
                title=f"Task {n}",
                status="done" if n % 20 else "new",
                closed_at=now - timedelta(days=730 - n // 28) if n % 20 else None,
                created_by=owner,
            )
            for n in range(20_000)
        ],
        batch_size=5_000,
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_done_column_reads_the_last_two_weeks_by_index(client, owner, history):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tasks_task")
    client.force_login(owner)

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + done_column_sql(client))
        plan = cursor.fetchone()[0][0]["Plan"]

    nodes = [node for node in _nodes(plan) if node.get("Relation Name") == "tasks_task"]
    assert nodes and all(node["Node Type"] != "Seq Scan" for node in nodes), plan
    assert {node.get("Index Name") for node in nodes} == {"task_closed_by_client"}, plan
    assert sum(node.get("Actual Rows", 0) for node in nodes) < 1_000, plan  # the window, not 19,000 done tasks


# What ANALYZE writes for the agency bench (1,000 clients, 100,000 tasks), by index columns.
AGENCY_STATS = {
    ("tasks_task", ("client_id",)): "100400 101",
    ("tasks_task", ("client_id", "status")): "100400 101 18",
    ("tasks_task", ("client_id", "status", "closed_at")): "100400 101 18 1",
    ("tasks_task", ("client_id", "closed_at")): "80807 81 1",  # the partial index of done tasks it replaced
    ("tasks_task", ("status", "due_at")): "100400 16734 37",
    ("clients_client", ("organisation_id",)): "1001 1001",
}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the plan is SQLite's")
def test_on_sqlite_the_done_column_reads_a_range_of_each_clients_closed_tasks(client, owner, acme):
    client.force_login(owner)
    with sqlite_statistics(AGENCY_STATS), connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + done_column_sql(client))
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())

    assert "USING INDEX task_closed_by_client (client_id=? AND status=? AND closed_at>?)" in plan, plan


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)
