"""Every staff page renders for the people who may see it, in every language."""

import pytest
from django.urls import reverse

from vadesk.clients.models import DossierFact
from vadesk.timesheets.services import time_entry_log


@pytest.fixture
def busy_day(task, assistant, bundle, acme):
    from django.utils import timezone

    DossierFact.objects.create(
        client=acme, topic="person", text="Assistent Jan: allergisch voor pinda's", author=assistant, pinned=True
    )
    time_entry_log(
        by=assistant,
        engagement=bundle,
        task=task,
        work_date=timezone.localdate(),
        minutes=50,
        note="Agenda opgeschoond",
    )
    return task


@pytest.mark.parametrize("language", ["en", "nl", "de"])
def test_assistant_pages_render_in_each_language(client, assistant, busy_day, acme, language):
    client.force_login(assistant)
    client.cookies["vadesk_language"] = language
    for url in [
        reverse("today"),
        reverse("clients"),
        reverse("client_detail", args=[acme.pk]),
        reverse("board"),
        reverse("board") + "?scope=all",
        reverse("task_detail", args=[busy_day.pk]),
        reverse("timesheet"),
        reverse("task_new"),
        reverse("tokens"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Language"] == language


def test_owner_pages_render(client, owner, busy_day, acme, bundle):
    client.force_login(owner)
    for url in [
        reverse("team"),
        reverse("client_create"),
        reverse("client_edit", args=[acme.pk]),
        reverse("client_team", args=[acme.pk]),
        reverse("engagement_create", args=[acme.pk]),
        reverse("engagement_edit", args=[acme.pk, bundle.pk]),
    ]:
        assert client.get(url).status_code == 200, url
