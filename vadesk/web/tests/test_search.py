"""The top bar's search: grouped results, bounded, and never beyond what the person may see."""

import pytest
from django.urls import reverse

from vadesk.clients.models import Assignment, Client, Contact, DossierFact
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
