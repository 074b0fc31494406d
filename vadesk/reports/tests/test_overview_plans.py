"""The overview's oldest overdue tasks come from the index of open tasks, not a walk past every closed one."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from vadesk.tasks.models import Task
from vadesk.tasks.scoping import tasks_for

# The partial index of open tasks by due date, and the index of tasks by client and status (which the planner
# prefers when one client's open tasks are few).
OPEN_TASK_INDEXES = {"task_open_due", "tasks_task_client__1e828c_idx"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_overdue_list_walks_the_open_tasks_index(owner, org, acme):
    now = timezone.now()
    Task.objects.bulk_create(
        [
            Task(
                client=acme,
                title=f"Task {n}",
                status="done" if n % 20 else "new",  # a practice's history: almost all of it closed
                due_at=now - timedelta(days=2000 - n // 10),
                closed_at=now if n % 20 else None,
                created_by=owner,
            )
            for n in range(20_000)
        ],
        batch_size=5_000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tasks_task")
    overdue = tasks_for(owner, write=True, organisation=org.pk).open().filter(due_at__lt=now)
    sql, params = overdue.order_by("due_at", "id")[:10].query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0][0]["Plan"]

    task_nodes = [node for node in _nodes(plan) if node.get("Relation Name") == "tasks_task"]
    # Either open-task index will do (the planner picks by cost); what must not happen is a walk past the
    # 19,000 closed tasks.
    assert task_nodes and all(node["Node Type"] != "Seq Scan" for node in task_nodes), plan
    assert sum(node.get("Rows Removed by Filter", 0) for node in task_nodes) < 1_000, plan
    task_indexes = {node["Index Name"] for node in _nodes(plan) if node.get("Index Name", "").startswith("task")}
    assert task_indexes and task_indexes <= OPEN_TASK_INDEXES, plan
    assert [t.status for t in overdue.order_by("due_at", "id")[:10]] == ["new"] * 10


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)
