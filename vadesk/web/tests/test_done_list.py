"""The board's done column holds the last 14 days and links to every done task, a page at a time, in reach only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vadesk.tasks.models import Status, Task

pytestmark = pytest.mark.django_db


def done(client, title: str, days_ago: float, assignees=()) -> Task:
    task = Task.objects.create(
        client=client, title=title, status=Status.DONE, closed_at=timezone.now() - timedelta(days=days_ago)
    )
    task.assignees.set(assignees)
    return task


@pytest.fixture
def history(acme, assistant):
    return {
        "recent": done(acme, "Closed last week", 7, [assistant]),
        "old": done(acme, "Closed in September", 80, [assistant]),
    }


def test_the_done_column_shows_the_last_14_days_and_links_to_the_rest_with_the_filters(client, assistant, history):
    client.force_login(assistant)
    page = client.get(reverse("board"), {"scope": "all", "category": "other"}).content.decode()
    assert "Closed last week" in page and "Closed in September" not in page
    assert "Closed in the last 14 days." in page
    assert f'href="{reverse("done_list")}?scope=all&amp;category=other" data-testid="all-done"' in page


def test_the_done_list_holds_every_done_task_newest_first(client, assistant, history, task):
    client.force_login(assistant)
    page = client.get(reverse("done_list"), {"scope": "all"}).content.decode()
    assert page.index("Closed last week") < page.index("Closed in September")
    assert "Plan board meeting" not in page  # open work stays on the board
    assert "2 done tasks" in page


def test_it_pages_fifty_at_a_time(client, assistant, acme):
    for day in range(52):
        done(acme, f"Old task {day:02d}", day + 1, [assistant])
    client.force_login(assistant)
    first = client.get(reverse("done_list")).content.decode()
    assert first.count('data-testid="done-task"') == 50 and "Old task 00" in first and "Old task 50" not in first
    assert "Page 1 of 2" in first and "?scope=mine&amp;page=2" in first
    second = client.get(reverse("done_list"), {"page": "2"}).content.decode()
    assert second.count('data-testid="done-task"') == 2 and "Old task 51" in second
    assert client.get(reverse("done_list"), {"page": "abc"}).status_code == 200  # nonsense is page one


def test_it_keeps_the_boards_filters(client, assistant, colleague, acme, history):
    done(acme, "Closed by Carl", 3, [colleague])
    client.force_login(assistant)
    mine = client.get(reverse("done_list")).content.decode()  # the board's default scope: my tasks
    assert "Closed last week" in mine and "Closed by Carl" not in mine
    everyone = client.get(reverse("done_list"), {"scope": "all"}).content.decode()
    assert "Closed by Carl" in everyone
    carls = client.get(reverse("done_list"), {"assignee": str(colleague.pk)}).content.decode()
    assert "Closed by Carl" in carls and "Closed last week" not in carls


def test_outsiders_see_no_done_task_of_a_client_out_of_reach(client, history, colleague, outsider, acme_user, owner):
    for person in (colleague, outsider):
        client.force_login(person)
        page = client.get(reverse("done_list"), {"scope": "all"}).content.decode()
        assert "Closed last week" not in page and "Closed in September" not in page
    client.force_login(acme_user)  # a client user has the portal, not the board
    response = client.get(reverse("done_list"))
    assert response.status_code == 302 and response.url == reverse("portal:home")
    client.force_login(owner)  # positive control
    assert "Closed in September" in client.get(reverse("done_list"), {"scope": "all"}).content.decode()


def test_it_speaks_dutch_and_german(client, assistant, history):
    for language, link, count in (
        ("nl", "Alle afgeronde taken", "2 afgeronde taken"),
        ("de", "Alle erledigten", "2 erledigte"),
    ):
        assistant.language = language
        assistant.save(update_fields=["language"])
        client.force_login(assistant)
        assert link in client.get(reverse("board")).content.decode()
        assert count in client.get(reverse("done_list")).content.decode()
