"""The top bar's search: grouped results, bounded, and never beyond what the person may see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vadesk.clients.models import Assignment, Client, Contact, DossierFact
from vadesk.lib.tests.planner import sqlite_statistics
from vadesk.reports.search import MAX_LENGTH, PER_GROUP, clean_query, search
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
