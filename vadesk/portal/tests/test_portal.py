"""The client portal shows a client their own work and nothing internal."""

import pytest
from django.urls import reverse
from django.utils import timezone

from vadesk.accounts.models import Membership
from vadesk.clients.models import Client
from vadesk.conftest import make_person
from vadesk.tasks.models import Source, Task
from vadesk.tasks.services import comment_add
from vadesk.timesheets.services import time_entry_log


@pytest.fixture
def acme_work(task, assistant, bundle):
    comment_add(by=assistant, task=task, body="Klant is lastig, let op toon", visibility="internal")
    comment_add(by=assistant, task=task, body="Welke datum past u het best?", visibility="client")
    time_entry_log(
        by=assistant,
        engagement=bundle,
        task=task,
        work_date=timezone.localdate(),
        minutes=40,
        note="Klant wil alles gisteren",
        client_note="Agenda's vergeleken",
    )
    return task


def test_it_shows_tasks_client_visible_comments_and_hours_but_no_internal_comment(client, acme_user, acme_work, bundle):
    client.force_login(acme_user)
    home = client.get(reverse("portal:home")).content.decode()
    assert "Plan board meeting" in home and "9:15" in home  # 10 h bundle minus 45 min billed
    page = client.get(reverse("portal:task", args=[acme_work.pk])).content.decode()
    assert "Welke datum past u het best?" in page
    assert "Klant is lastig" not in page
    hours = client.get(reverse("portal:hours")).content.decode()
    assert "Agenda&#x27;s vergeleken" in hours and "0:45" in hours
    assert "Klant wil alles gisteren" not in hours  # the internal note stays with the team


def test_a_client_user_submits_a_request_that_reaches_the_lead_assistant(client, acme_user, acme, assistant):
    client.force_login(acme_user)
    response = client.post(reverse("portal:request"), {"title": "Boek een hotel in Keulen", "description": "3-5 maart"})
    assert response.status_code == 302
    task = Task.objects.get(title="Boek een hotel in Keulen")
    assert (task.client, task.source, task.status) == (acme, Source.PORTAL, "new")
    assert list(task.assignees.all()) == [assistant]


def test_an_empty_request_is_refused_and_nothing_is_written(client, acme_user):
    client.force_login(acme_user)
    client.post(reverse("portal:request"), {"title": "  "})
    assert Task.objects.count() == 0


def test_a_client_user_replies_visibly_and_cannot_post_internal(client, acme_user, acme_work):
    client.force_login(acme_user)
    client.post(reverse("portal:task", args=[acme_work.pk]), {"body": "Dinsdag graag", "visibility": "internal"})
    comment = acme_work.comments.latest("id")
    assert (comment.body, comment.visibility, comment.author) == ("Dinsdag graag", "client", acme_user)


def test_a_client_user_cannot_see_another_clients_task(client, org, acme_work, assistant):
    neighbour = Client.objects.create(organisation=org, name="Buurman BV")
    other_user = make_person("buurman@example.com", "Bert Buurman")
    Membership.objects.create(person=other_user, organisation=org, role="client", client=neighbour)
    client.force_login(other_user)
    assert client.get(reverse("portal:task", args=[acme_work.pk])).status_code == 404
    assert client.post(reverse("portal:task", args=[acme_work.pk]), {"body": "hallo"}).status_code == 404
    assert "Plan board meeting" not in client.get(reverse("portal:home")).content.decode()
    assert "Agenda" not in client.get(reverse("portal:hours")).content.decode()


def test_staff_cannot_use_the_portal(client, assistant, owner):
    for person in (assistant, owner):
        client.force_login(person)
        assert client.get(reverse("portal:home")).status_code == 403


def test_portal_pages_in_dutch(client, acme_user, acme_work):
    client.force_login(acme_user)
    client.cookies["vadesk_language"] = "nl"
    response = client.get(reverse("portal:home"))
    assert response.headers["Content-Language"] == "nl"
