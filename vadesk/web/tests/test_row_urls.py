"""Row links reversed once per list: each row still links to its own task, fact and action, and they answer."""

from datetime import timedelta

import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from vadesk.clients.services import dossier_fact_create
from vadesk.tasks.models import Task
from vadesk.timesheets.services import time_entry_log


def test_the_client_page_links_each_row_to_its_own_urls(client, assistant, acme, bundle, task):
    facts = [dossier_fact_create(by=assistant, client=acme, topic="other", text=f"Fact {n}") for n in range(2)]
    for minutes in (15, 30, 45):  # entries without a task first, so that no entry shares its id with the task
        time_entry_log(by=assistant, engagement=bundle, work_date=timezone.localdate(), minutes=minutes)
    time_entry_log(by=assistant, engagement=bundle, task=task, work_date=timezone.localdate(), minutes=30)
    client.force_login(assistant)
    page = lxml.html.fromstring(client.get(reverse("client_detail", args=[acme.pk])).content)
    links = set(page.xpath("//a/@href")) | set(page.xpath("//button/@hx-post"))
    for fact in facts:
        assert {
            reverse("fact_edit", args=[acme.pk, fact.pk]),
            reverse("fact_pin", args=[acme.pk, fact.pk]),
            reverse("fact_delete", args=[acme.pk, fact.pk]),
            f"{reverse('comms:follow_up_new')}?fact={fact.pk}&next={reverse('client_detail', args=[acme.pk])}",
        } <= links
    task_links = [a for a in page.xpath("//a/@href") if a == reverse("task_detail", args=[task.pk])]
    assert len(task_links) == 2  # the open task and the recent hours' entry
    response = client.post(reverse("fact_pin", args=[acme.pk, facts[1].pk]))
    assert response.status_code in (200, 302)
    facts[1].refresh_from_db()
    assert facts[1].pinned


def test_today_links_each_task_to_its_page(client, assistant, task):
    Task.objects.filter(pk=task.pk).update(due_at=timezone.now() + timedelta(hours=1))
    client.force_login(assistant)
    page = lxml.html.fromstring(client.get(reverse("today")).content)
    assert page.xpath("//a[@class='task-title']/@href") == [reverse("task_detail", args=[task.pk])]
    assert client.get(reverse("task_detail", args=[task.pk])).status_code == 200


@pytest.mark.parametrize("language", ["en", "nl", "de"])
def test_today_shows_each_task_category_and_status_in_the_users_language(client, assistant, task, language):
    assistant.language = language
    assistant.save(update_fields=["language"])
    client.force_login(assistant)
    page = lxml.html.fromstring(client.get(reverse("today")).content)
    with translation.override(language):
        shown = (task.get_category_display(), task.get_status_display())
    tags = page.xpath("//li[contains(@class, 'task-row')]//span[contains(@class, 'tag ')]")
    assert [tag.text_content() for tag in tags] == list(shown)
    assert language == "en" or shown != ("Agenda", "New")  # the catalogs translate them
