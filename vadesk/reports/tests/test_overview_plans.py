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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_overdue_invoices_come_from_the_index_of_unpaid_ones(owner, org, acme):
    """Years of paid invoices are not read to find the few unpaid ones the overview lists, counts and sums."""
    from vadesk.invoicing.models import Invoice
    from vadesk.invoicing.services import seller_profile_of
    from vadesk.reports.overview import overview

    seller = seller_profile_of(org)
    today = timezone.localdate()
    Invoice.objects.bulk_create(
        [
            Invoice(
                organisation=org,
                seller=seller,
                client=acme,
                status="final",
                number=f"F-{n:05d}",
                issue_date=today - timedelta(days=2000 - n // 5),
                due_date=today - timedelta(days=1986 - n // 5),
                period_start=today - timedelta(days=2030 - n // 5),
                period_end=today - timedelta(days=2001 - n // 5),
                net_total=100,
                vat_total=21,
                gross_total=121,
                created_by=owner,
                paid_at=None if n % 100 == 0 else timezone.now(),  # almost all of the history paid
            )
            for n in range(10_000)
        ],
        batch_size=5_000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE invoicing_invoice")
    nodes = _plan_nodes_of(lambda: overview(owner, org), 'FROM "invoicing_invoice"', "overdue_count")

    # The index, walked or as a bitmap (whose index node names no table); no scan of the invoice table.
    assert "invoice_unpaid_by_due_date" in {node.get("Index Name") for node in nodes}, nodes[0]
    assert not [n for n in nodes if n["Node Type"] == "Seq Scan" and n["Relation Name"] == "invoicing_invoice"]
    practice = overview(owner, org)
    assert (practice.invoices_overdue_count, practice.invoices_overdue_amount) == (100, 12_100)
    assert len(practice.invoices_overdue) == 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_owners_outbox_counts_skip_the_sent_messages(owner, org, acme):
    from vadesk.comms.models import OutboxMessage
    from vadesk.reports.overview import overview

    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                organisation=org,
                client=acme,
                kind="update",
                recipient="ceo@acme.example",
                message_id=f"<m{n}@t>",
                state="failed" if n % 500 == 0 else "sent",
                not_before=now - timedelta(minutes=n),
            )
            for n in range(20_000)
        ],
        batch_size=5_000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comms_outboxmessage")
    nodes = _plan_nodes_of(lambda: overview(owner, org), 'FROM "comms_outboxmessage"', 'AS "failed"')

    # An index on the state (the organisation's, or the state's alone: the planner picks by cost) reads the
    # 40 failed messages, not the 19,960 sent ones.
    outbox_nodes = [node for node in nodes if node.get("Relation Name") == "comms_outboxmessage"]
    assert outbox_nodes and all(node["Node Type"] != "Seq Scan" for node in outbox_nodes), nodes[0]
    assert sum(node.get("Actual Rows", 0) for node in outbox_nodes) <= 40, nodes[0]  # a bitmap's heap node too
    assert overview(owner, org).outbox_failed == 40


def _plan_nodes_of(read, table: str, marker: str) -> list[dict]:
    """The plan of the one query `read` runs that reads `table` and holds `marker`, as a flat list of nodes."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        read()
    (sql,) = [q["sql"] for q in captured.captured_queries if table in q["sql"] and marker in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        return list(_nodes(cursor.fetchone()[0][0]["Plan"]))
