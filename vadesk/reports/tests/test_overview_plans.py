"""The overview's oldest overdue tasks come from the index of open tasks, not a walk past every closed one."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from vadesk.tasks.models import Task
from vadesk.tasks.scoping import tasks_for


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
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "task_open_due" in plan, plan
    assert [t.status for t in overdue.order_by("due_at", "id")[:10]] == ["new"] * 10
