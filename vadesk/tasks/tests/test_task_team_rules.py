"""Working on a task is the client's team's: each service checks `by`, and every entry point refuses the rest."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from vadesk.api.tests.conftest import api_as  # noqa: F401  (the API entry point)
from vadesk.tasks.models import ChecklistItem, Task, Transition
from vadesk.tasks.recurrence import recurring_task_create, recurring_task_stop
from vadesk.tasks.services import (
    checklist_item_add,
    checklist_item_toggle,
    task_create,
    task_transition,
    task_update,
)

WRITES = {
    "task_create": lambda by, task, item: task_create(by=by, client=task.client, title="Planted"),
    "task_update": lambda by, task, item: task_update(by=by, task=task, title="Hacked"),
    "task_transition": lambda by, task, item: task_transition(by=by, task=task, to="cancelled"),
    "checklist_item_add": lambda by, task, item: checklist_item_add(by=by, task=task, text="Planted"),
    "checklist_item_toggle": lambda by, task, item: checklist_item_toggle(by=by, item=item),
}


@pytest.fixture
def item(task) -> ChecklistItem:
    return ChecklistItem.objects.create(task=task, text="Book the room", position=0)


def _state(task: Task) -> tuple:
    task = Task.objects.get(pk=task.pk)
    checklist = list(task.checklist.values_list("text", "done_at"))
    return Task.objects.count(), task.title, task.status, Transition.objects.count(), checklist


@pytest.mark.parametrize("who", ["colleague", "acme_user", "outsider"])
@pytest.mark.parametrize("write", sorted(WRITES))
def test_the_service_refuses_whoever_is_not_on_the_team(write, who, request, task, item):
    before = _state(task)

    with pytest.raises(PermissionDenied):
        WRITES[write](request.getfixturevalue(who), task, item)

    assert _state(task) == before


@pytest.mark.parametrize("write", sorted(WRITES))
def test_the_team_may(write, assistant, task, item):
    WRITES[write](assistant, task, item)


def test_the_pages_refuse_a_colleague_who_is_not_on_the_team(client, colleague, task, item):
    before = _state(task)
    client.force_login(colleague)

    for url, body in [
        (reverse("task_edit", args=[task.pk]), {"title": "Hacked", "category": "other", "priority": 2}),
        (reverse("task_move", args=[task.pk]), {"to": "cancelled"}),
        (reverse("checklist_new", args=[task.pk]), {"text": "Planted"}),
        (reverse("checklist_toggle", args=[task.pk, item.pk]), {}),
        (reverse("task_new"), {"client": task.client_id, "title": "Planted", "category": "other", "priority": 2}),
    ]:
        assert client.post(url, body).status_code in (200, 404), url  # 200: the form refuses the client as a choice
    assert _state(task) == before


@pytest.mark.parametrize("who, status", [("colleague", 404), ("acme_user", 403)])
def test_the_api_refuses_whoever_is_not_on_the_team(api_as, who, status, request, task, item):
    before = _state(task)
    api = api_as(request.getfixturevalue(who))

    assert api.patch(f"/tasks/{task.pk}", {"title": "Hacked"}).status_code == status
    assert api.post(f"/tasks/{task.pk}/transition", {"to": "cancelled"}).status_code == status
    assert _state(task) == before


def test_only_the_team_sets_up_or_stops_a_repeating_task(colleague, assistant, acme):
    rule = {"client": acme, "title": "Monthly VAT", "rrule": "FREQ=MONTHLY", "first_due_at": timezone.now()}
    with pytest.raises(PermissionDenied):
        recurring_task_create(by=colleague, **rule)
    recurring = recurring_task_create(by=assistant, **rule)
    with pytest.raises(PermissionDenied):
        recurring_task_stop(by=colleague, recurring=recurring)
    recurring.refresh_from_db()
    assert recurring.active
