"""The top bar's search: grouped results, bounded, and never beyond what the person may see."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vadesk.clients.models import Assignment, Client, Contact, DossierFact
from vadesk.invoicing.models import Invoice
from vadesk.invoicing.services import seller_profile_of
from vadesk.lib.tests.planner import sqlite_statistics
from vadesk.reports.search import MAX_LENGTH, PER_GROUP, clean_query, search
from vadesk.tasks.models import Comment, Task
from vadesk.tasks.services import comment_add, task_create


@pytest.fixture
def globex_work(org, owner):
    """A client of the same agency that the assistant does not serve, with a task, comment, contact and fact."""
    globex = Client.objects.create(organisation=org, name="Globex Zebra", country="NL")
    task = task_create(by=owner, client=globex, title="Zebra merger filing")
    comment_add(by=owner, task=task, body="Zebra board agrees", visibility="internal")
    Contact.objects.create(client=globex, name="Zebra Contact", email="zebra@globex.example")
    DossierFact.objects.create(client=globex, text="Zebra door code 1234")
    return globex


@pytest.fixture
def acme_work(acme, assistant, task):
    comment_add(by=assistant, task=task, body="Zebra crossing near the office", visibility="internal")
    Contact.objects.create(client=acme, name="Zebra Acme", email="z@acme.example")
    DossierFact.objects.create(client=acme, text="Parking behind the zebra")
    task.title = "Zebra plans"
    task.save(update_fields=["title"])
    return task


def test_it_groups_what_matches(client, assistant, acme_work):
    client.force_login(assistant)
    page = client.get(reverse("search"), {"q": "zebra"}).content.decode()
    for group in ("contacts", "tasks", "comments", "facts"):
        assert f'data-group="{group}"' in page, group
    assert "Zebra plans" in page and "Parking behind the zebra" in page


def test_an_assistant_never_finds_another_clients_work(client, assistant, acme_work, globex_work):
    results = search(assistant, assistant.memberships.get().organisation_id, "zebra")
    found = [*results.clients.rows, *results.contacts.rows, *results.facts.rows]
    assert {getattr(r, "client_id", r.pk) for r in found} <= {acme_work.client_id}
    assert [t.client_id for t in results.tasks.rows] == [acme_work.client_id]
    assert {c.task.client_id for c in results.comments.rows} == {acme_work.client_id}
    client.force_login(assistant)
    page = client.get(reverse("search"), {"q": "zebra"}).content.decode()
    assert "Globex" not in page and "merger" not in page and "1234" not in page


def test_the_owner_finds_the_whole_agency(owner, acme_work, globex_work):
    results = search(owner, globex_work.organisation_id, "zebra")
    assert {t.title for t in results.tasks.rows} == {"Zebra plans", "Zebra merger filing"}
    assert [c.name for c in results.clients.rows] == ["Globex Zebra"]


def test_another_organisation_finds_nothing(client, outsider, acme_work, globex_work):
    client.force_login(outsider)
    page = client.get(reverse("search"), {"q": "zebra"}).content.decode()
    assert 'data-testid="no-results"' in page


def test_a_client_user_cannot_search(client, acme_user, acme_work):
    client.force_login(acme_user)
    assert client.get(reverse("search"), {"q": "zebra"}).status_code == 302


def test_each_group_is_bounded(owner, acme, assistant):
    for n in range(PER_GROUP + 3):
        task_create(by=owner, client=acme, title=f"Quarterly VAT {n}")
    results = search(owner, acme.organisation_id, "quarterly")
    assert len(results.tasks.rows) == PER_GROUP and results.tasks.more


def test_the_query_is_bounded_and_wildcards_match_themselves(owner, acme):
    assert clean_query("a") == ""
    assert clean_query("  two   words ") == "two words"
    assert len(clean_query("x" * 5000)) == MAX_LENGTH
    task_create(by=owner, client=acme, title="Plain title")
    assert search(owner, acme.organisation_id, "%%").tasks.rows == []
    assert search(owner, acme.organisation_id, "__").tasks.rows == []


@pytest.fixture(params=["as planned", "through the trigram index"])
def read_path(request, db):
    """Each match read as the planner chooses (a small table: a scan) and, on PostgreSQL, forced through the
    trigram index: the index must find exactly what the scan finds."""
    if request.param == "through the trigram index":
        if connection.vendor != "postgresql":
            pytest.skip("SQLite has no trigram index")
        with connection.cursor() as cursor:  # until the test's transaction ends
            cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
    return request.param


def test_wildcards_and_accents_match_as_they_are_written(owner, acme, read_path):
    for title in ("Plain title", "100% done", "snake_case name", "Café opening", "Crème brûlée"):
        task = task_create(by=owner, client=acme, title=title)
        comment_add(by=owner, task=task, body=f"About {title}", visibility="internal")

    def found(text: str) -> set[str]:
        results = search(owner, acme.organisation_id, text)
        comments = {c.body.removeprefix("About ") for c in results.comments.rows}
        assert comments == {t.title for t in results.tasks.rows}, text
        return comments

    assert found("%%") == set() and found("__") == set()  # Django escapes them: they match themselves
    assert found("0% d") == {"100% done"} and found("e_c") == {"snake_case name"}
    assert found("café") == {"Café opening"} and found("brûl") == {"Crème brûlée"}
    assert found("cafe") == set()  # no accent folding on either database
    # Upper case of a letter outside ASCII: PostgreSQL's UPPER folds it, SQLite's LIKE folds ASCII only.
    assert found("CAFÉ OPENING") == ({"Café opening"} if connection.vendor == "postgresql" else set())
    assert found("ca") == {"Café opening", "snake_case name"}  # two characters: no trigram, still a match
    if read_path == "through the trigram index":
        with CaptureQueriesContext(connection) as captured:
            search(owner, acme.organisation_id, "café")
        for index, table in [("task_title_trigram", "tasks_task"), ("comment_body_trigram", "tasks_comment")]:
            [sql] = [
                q["sql"] for q in captured.captured_queries if q["sql"].split(" FROM ")[1].startswith(f'"{table}"')
            ]
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + sql)
                assert f"Bitmap Index Scan on {index}" in str(cursor.fetchall())


def test_invoices_are_found_by_their_number_and_by_their_clients_name(owner, assistant, acme, globex_work):
    seller = seller_profile_of(acme.organisation)
    for client, number in [(acme, "A-2026-0001"), (globex_work, "G-2026-0001"), (globex_work, "G-2026-0002")]:
        Invoice.objects.create(
            organisation=acme.organisation,
            seller=seller,
            client=client,
            status=Invoice.Status.FINAL,
            number=number,
            issue_date=date(2026, 11, 1),
            due_date=date(2026, 11, 15),
            period_start=date(2026, 10, 1),
            period_end=date(2026, 10, 31),
            gross_total=Decimal("100.00"),
        )

    def found(person, text: str) -> set[str]:
        return {invoice.number for invoice in search(person, acme.organisation_id, text).invoices.rows}

    assert found(owner, "a-2026") == {"A-2026-0001"} and found(owner, "2026-0002") == {"G-2026-0002"}
    assert found(owner, "globex zeb") == {"G-2026-0001", "G-2026-0002"} and found(owner, "acme b.v") == {"A-2026-0001"}
    assert found(owner, "zzqx") == set()
    assert found(assistant, "globex") == set() and found(assistant, "2026") == {"A-2026-0001"}


def test_a_colleague_off_the_team_finds_nothing_of_acme(colleague, acme_work):
    assert search(colleague, acme_work.client.organisation_id, "zebra").empty
    Assignment.objects.create(client=acme_work.client, person=colleague)
    assert not search(colleague, acme_work.client.organisation_id, "zebra").empty


def test_the_page_reads_a_fixed_number_of_queries_however_many_match(
    client, owner, acme, django_assert_max_num_queries
):
    """Every group is read in one query with its related rows (clients, tasks, authors), however many match."""
    for n in range(PER_GROUP + 3):
        task = task_create(by=owner, client=acme, title=f"Quarterly VAT {n}")
        comment_add(by=owner, task=task, body="Quarterly figures sent", visibility="internal")
        Contact.objects.create(client=acme, name=f"Quarterly contact {n}")
        DossierFact.objects.create(client=acme, text=f"Quarterly meeting {n}")
    client.force_login(owner)
    client.get(reverse("search"), {"q": "quarterly"})

    with django_assert_max_num_queries(13):
        page = client.get(reverse("search"), {"q": "quarterly"}).content.decode()

    assert page.count("Quarterly meeting") == PER_GROUP and "Quarterly figures sent" in page


# What ANALYZE writes for the agency bench (1,000 clients, 100,000 tasks, 33,334 comments), by index columns.
AGENCY_STATS = {
    ("tasks_task", ("client_id",)): "100400 101",
    ("tasks_task", ("client_id", "status")): "100400 101 18",
    ("tasks_task", ("client_id", "status", "closed_at")): "100400 101 18 1",
    ("tasks_comment", ("task_id",)): "33334 1",
    ("clients_client", ("organisation_id",)): "1001 1001",
}


@pytest.fixture
def agency_statistics(db):
    with sqlite_statistics(AGENCY_STATS):
        yield


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the plan is SQLite's")
def test_on_sqlite_tasks_and_comments_are_walked_newest_first_at_agency_scale(owner, acme, agency_statistics):
    with CaptureQueriesContext(connection) as captured:
        search(owner, acme.organisation_id, "voicemail")
    plans = {}
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            table = next((t for t in ("tasks_task", "tasks_comment") if f'FROM "{t}"' in query["sql"]), None)
            if table:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                plans[table] = "\n".join(str(row[-1]) for row in cursor.fetchall())

    assert set(plans) == {"tasks_task", "tasks_comment"}
    for table, plan in plans.items():
        # The table walked by its primary key, newest first, stopping after a group: not every task of every
        # client read through the client index and sorted.
        assert f"SCAN {table}" in plan and "TEMP B-TREE" not in plan, plan


@pytest.fixture
def agency_texts(owner, acme):
    """Tasks, comments and dossier facts enough for PostgreSQL's statistics to tell a rare word from a common one."""
    tasks = Task.objects.bulk_create(
        [Task(client=acme, title=f"Task {n} for Acme B.V.", created_by=owner) for n in range(20_000)],
        batch_size=5_000,
    )
    Comment.objects.bulk_create(
        [Comment(task=t, author=owner, body="Called, left a voicemail.") for t in tasks], batch_size=5_000
    )
    DossierFact.objects.bulk_create(
        [DossierFact(client=acme, text=f"Location fact {n}") for n in range(5_000)], batch_size=5_000
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tasks_task; ANALYZE tasks_comment; ANALYZE clients_dossierfact")


def postgresql_plans(owner, org_id: int, text: str) -> dict[str, list[dict]]:
    """The scan nodes of each large table's search query, as EXPLAIN ANALYZE ran them."""
    with CaptureQueriesContext(connection) as captured:
        search(owner, org_id, text)
    plans = {}
    for table in ("tasks_task", "tasks_comment", "clients_dossierfact"):
        [sql] = [q["sql"] for q in captured.captured_queries if q["sql"].split(" FROM ")[1].startswith(f'"{table}"')]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0][0]["Plan"]
        plans[table] = [node for node in _nodes(plan) if node.get("Relation Name") == table]
    return plans


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_on_postgresql_a_miss_reads_the_trigram_indexes(owner, acme, agency_texts):
    plans = postgresql_plans(owner, acme.organisation_id, "zzqx")

    for table, index in [
        ("tasks_task", "task_title_trigram"),
        ("tasks_comment", "comment_body_trigram"),
        ("clients_dossierfact", "dossierfact_text_trigram"),
    ]:
        nodes = plans[table]
        # A Bitmap Heap Scan fed by the trigram index: neither a walk of the table nor a scan of it.
        assert {n["Node Type"] for n in nodes} == {"Bitmap Heap Scan"}, (table, nodes)
        assert index in {n.get("Index Name") for n in _nodes(nodes[0])}, nodes


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_on_postgresql_a_common_word_is_still_walked_newest_first_and_stops_after_its_group(owner, acme, agency_texts):
    plans = postgresql_plans(owner, acme.organisation_id, "voicemail")  # every comment has it, no task

    [walk] = plans["tasks_comment"]
    assert walk["Node Type"] == "Index Scan" and walk["Index Name"] == "tasks_comment_pkey", walk
    assert walk["Scan Direction"] == "Backward" and walk["Actual Rows"] <= PER_GROUP + 1, walk
    assert plans["tasks_task"][0]["Node Type"] == "Bitmap Heap Scan"  # the miss among titles: the index


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)
