"""The board's filters and its bulk actions, which go through the tasks service and write all or nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vadesk.clients.models import Assignment, Client
from vadesk.tasks.models import Status, Task
from vadesk.tasks.services import task_create


@pytest.fixture
def tasks(acme, assistant, owner):
    now = timezone.now()
    return {
        "late": task_create(
            by=owner,
            client=acme,
            title="Late one",
            due_at=now - timedelta(days=2),
            assignees=[assistant],
            priority=4,
            category="travel",
        ),
        "soon": task_create(
            by=owner,
            client=acme,
            title="Soon one",
            due_at=now + timedelta(days=3),
            assignees=[assistant],
            category="phone",
        ),
        "free": task_create(by=owner, client=acme, title="Undated one", assignees=[]),
    }


def titles(page: str) -> set[str]:
    return {t for t in ("Late one", "Soon one", "Undated one") if t in page}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"scope": "all", "due": "overdue"}, {"Late one"}),
        ({"scope": "all", "due": "week"}, {"Soon one"}),
        ({"scope": "all", "due": "none"}, {"Undated one"}),
        ({"scope": "all", "priority": "4"}, {"Late one"}),
        ({"scope": "all", "category": "phone"}, {"Soon one"}),
        ({"assignee": "ASSISTANT"}, {"Late one", "Soon one"}),
        (
            {"scope": "all", "category": "nonsense", "priority": "x", "due": "later"},
            {"Late one", "Soon one", "Undated one"},
        ),
    ],
)
def test_the_board_filters(client, owner, assistant, tasks, params, expected):
    params = {k: (str(assistant.pk) if v == "ASSISTANT" else v) for k, v in params.items()}
    client.force_login(owner)
    assert titles(client.get(reverse("board"), params).content.decode()) == expected


def test_bulk_close_and_assign(client, owner, assistant, tasks):
    client.force_login(owner)
    ids = [tasks["late"].pk, tasks["soon"].pk]
    client.post(reverse("board_bulk"), {"tasks": ids, "action": "close"})
    assert set(Task.objects.filter(pk__in=ids).values_list("status", flat=True)) == {Status.DONE}
    client.post(reverse("board_bulk"), {"tasks": [tasks["free"].pk], "action": f"assign:{assistant.pk}"})
    assert list(tasks["free"].assignees.all()) == [assistant]
    client.post(reverse("board_bulk"), {"tasks": [tasks["free"].pk], "action": "move:planned"})
    assert Task.objects.get(pk=tasks["free"].pk).status == Status.PLANNED


def test_bulk_writes_nothing_when_one_task_refuses(client, owner, tasks):
    client.force_login(owner)
    # The last task in the bulk's order (by id) refuses: done cannot become planned; the two before it
    # were moved already when it refuses, and must be moved back.
    Task.objects.filter(pk=tasks["free"].pk).update(status=Status.DONE)
    ids = [tasks["late"].pk, tasks["soon"].pk, tasks["free"].pk]
    response = client.post(reverse("board_bulk"), {"tasks": ids, "action": "move:planned"}, follow=True)
    assert "cannot become" in response.content.decode()
    assert set(Task.objects.filter(pk__in=ids[:2]).values_list("status", flat=True)) == {Status.NEW}


def test_bulk_refuses_someone_off_the_clients_team(client, owner, colleague, tasks):
    client.force_login(owner)
    response = client.post(
        reverse("board_bulk"), {"tasks": [tasks["free"].pk], "action": f"assign:{colleague.pk}"}, follow=True
    )
    assert "not on this client" in response.content.decode()
    assert not tasks["free"].assignees.exists()


@pytest.mark.parametrize("who", ["colleague", "outsider"])
def test_bulk_on_a_task_out_of_reach_is_404_and_changes_nothing(client, tasks, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("board_bulk"), {"tasks": [tasks["late"].pk], "action": "close"})
    assert response.status_code == 404
    assert Task.objects.get(pk=tasks["late"].pk).status == Status.NEW


def test_an_assistant_cannot_bulk_close_a_task_of_a_client_they_left(client, assistant, tasks, org):
    other = Client.objects.create(organisation=org, name="Initech")
    hidden = task_create(by=None, client=other, title="Hidden")
    client.force_login(assistant)
    response = client.post(reverse("board_bulk"), {"tasks": [tasks["late"].pk, hidden.pk], "action": "close"})
    assert response.status_code == 404
    assert Task.objects.get(pk=tasks["late"].pk).status == Status.NEW
    assert not Assignment.objects.filter(client=other).exists()
