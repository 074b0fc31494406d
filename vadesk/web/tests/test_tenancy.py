"""Deny by default: nobody reaches a client, task or entry outside their reach, through any page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from vadesk.clients.models import DossierFact
from vadesk.tasks.models import Task
from vadesk.timesheets.services import time_entry_log


@pytest.fixture
def acme_things(task, assistant, bundle, acme):
    entry = time_entry_log(by=assistant, engagement=bundle, task=task, work_date=timezone.localdate(), minutes=30)
    fact = DossierFact.objects.create(client=acme, text="Sleutel ligt bij de buren", author=assistant)
    return {"task": task, "entry": entry, "fact": fact, "client": acme, "bundle": bundle}


def object_urls(things):
    acme, task = things["client"], things["task"]
    return {
        "get": [
            reverse("client_detail", args=[acme.pk]),
            reverse("task_detail", args=[task.pk]),
            reverse("task_edit", args=[task.pk]),
            reverse("entry_edit", args=[things["entry"].pk]),
            reverse("contact_add", args=[acme.pk]),
        ],
        "post": [
            reverse("task_move", args=[task.pk]),
            reverse("comment_new", args=[task.pk]),
            reverse("checklist_new", args=[task.pk]),
            reverse("timer_start", args=[task.pk]),
            reverse("task_log_time", args=[task.pk]),
            reverse("entry_delete", args=[things["entry"].pk]),
            reverse("fact_add", args=[acme.pk]),
            reverse("fact_pin", args=[acme.pk, things["fact"].pk]),
            reverse("fact_delete", args=[acme.pk, things["fact"].pk]),
        ],
    }


@pytest.mark.parametrize("who", ["colleague", "outsider"])
def test_it_hides_another_teams_client_from_staff(client, acme_things, who, request):
    client.force_login(request.getfixturevalue(who))
    urls = object_urls(acme_things)
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        assert (
            client.post(url, {"to": "done", "body": "x", "visibility": "internal", "text": "x"}).status_code == 404
        ), url
    assert Task.objects.get(pk=acme_things["task"].pk).status == "new"
    assert DossierFact.objects.filter(pk=acme_things["fact"].pk).exists()
    assert acme_things["task"].comments.count() == 0


@pytest.mark.parametrize("who", ["colleague", "outsider"])
def test_lists_show_nothing_of_another_teams_client(client, acme_things, who, request):
    client.force_login(request.getfixturevalue(who))
    for url in [reverse("clients"), reverse("board") + "?scope=all", reverse("today"), reverse("timesheet")]:
        body = client.get(url).content.decode()
        assert "Acme" not in body and "Plan board meeting" not in body, url


def test_client_users_are_sent_to_the_portal_and_kept_out_of_staff_pages(client, acme_user, acme_things):
    client.force_login(acme_user)
    assert client.get(reverse("today")).url == reverse("portal:home")
    assert client.get(reverse("client_detail", args=[acme_things["client"].pk])).url == reverse("portal:home")
    response = client.post(reverse("task_move", args=[acme_things["task"].pk]), {"to": "done"})
    assert response.status_code == 302 and Task.objects.get(pk=acme_things["task"].pk).status == "new"


def test_owner_only_pages_refuse_assistants(client, assistant, acme_things):
    client.force_login(assistant)
    acme = acme_things["client"]
    for url in [
        reverse("team"),
        reverse("client_create"),
        reverse("client_edit", args=[acme.pk]),
        reverse("client_team", args=[acme.pk]),
        reverse("engagement_create", args=[acme.pk]),
        reverse("engagement_edit", args=[acme.pk, acme_things["bundle"].pk]),
    ]:
        assert client.get(url).status_code == 403, url


def test_an_owner_cannot_open_another_organisations_client(client, owner, other_client):
    client.force_login(owner)
    assert client.get(reverse("client_detail", args=[other_client.pk])).status_code == 404
    assert client.get(reverse("client_edit", args=[other_client.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, acme_things):
    for url in object_urls(acme_things)["get"] + [reverse("today"), reverse("portal:home")]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_the_owner_sees_another_assistants_time_sheet_but_an_assistant_does_not(
    client, owner, assistant, colleague, acme_things
):
    client.force_login(owner)
    assert "Plan board meeting" in client.get(reverse("timesheet") + f"?person={assistant.pk}").content.decode()
    client.force_login(colleague)
    assert "Plan board meeting" not in client.get(reverse("timesheet") + f"?person={assistant.pk}").content.decode()
