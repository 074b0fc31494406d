"""Privacy: every staff page about one task loads it through the task scoping helper.

The routes are found by walking the URL configuration, so a page added later is checked without being
listed here: a colleague off the client's team and an assistant of another agency get a 404 (or a 405 for
a GET on a POST-only page), see nothing of the task, and change nothing.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from vadesk.comms.models import OutboxMessage
from vadesk.conftest import leaked, login
from vadesk.tasks.models import ChecklistItem, Comment, Task
from vadesk.timesheets.models import TimeEntry

TASK_ROUTE = re.compile(r"(^|/)tasks/<int:pk>/")
NOT_STAFF = ("api/", "portal/")  # the API and the portal have their own privacy tests
KNOWN = {"task_detail", "task_edit", "task_move", "comment_new", "checklist_toggle", "comms:ask", "comms:confirm"}


def task_routes(patterns=None, prefix="", namespace=""):
    """(name, route) of every URL pattern with a task's pk in it, outside the API and the portal."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(NOT_STAFF):
            continue
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from task_routes(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern) and TASK_ROUTE.search(route):
            yield f"{namespace}{pattern.name}", route


@pytest.fixture
def task_pages(task, assistant, internal_notes):
    item = ChecklistItem.objects.create(task=task, text="Zaal reserveren")
    extra = {"item_pk": item.pk}
    urls = {}
    for name, route in task_routes():
        kwargs = {"pk": task.pk} | {k: extra[k] for k in re.findall(r"<int:(\w+)>", route) if k != "pk"}
        urls[name] = reverse(name, kwargs=kwargs)
    return urls


def snapshot(task):
    return (
        list(Task.objects.filter(pk=task.pk).values()),
        list(Comment.objects.order_by("pk").values()),
        list(ChecklistItem.objects.order_by("pk").values()),
        TimeEntry.objects.count(),
        OutboxMessage.objects.count(),
    )


def test_the_walk_finds_the_task_pages(task_pages):
    assert set(task_pages) >= KNOWN, sorted(task_pages)


def test_the_team_opens_the_task_page_with_its_internal_comment(client, assistant, task, task_pages):
    login(client, assistant)
    page = client.get(task_pages["task_detail"]).content.decode()
    assert task.title in page and "comment" in leaked(page)  # positive control: staff read internal comments


@pytest.mark.parametrize("who", ["colleague", "outsider"])
def test_nobody_off_the_team_opens_or_changes_a_task_through_any_staff_page(client, request, who, task, task_pages):
    login(client, request.getfixturevalue(who))
    before = snapshot(task)
    data = {"to": "done", "body": "x", "visibility": "internal", "text": "x", "question": "x", "minutes": "30"}
    for name, url in task_pages.items():
        for method in ("get", "post"):
            response = getattr(client, method)(url, data if method == "post" else None)
            body = response.content.decode()
            assert response.status_code in (404, 405), (name, method, response.status_code)
            assert task.title not in body and leaked(body) == [], (name, method)
    assert snapshot(task) == before
