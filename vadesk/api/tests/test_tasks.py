"""Tasks: listed with filters and pages, created by the team or requested by the client, moved through the workflow."""

from datetime import timedelta
from typing import get_args

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vadesk.accounts.models import Membership
from vadesk.api.tasks import StatusFilter
from vadesk.clients.models import Assignment
from vadesk.conftest import make_person
from vadesk.engagements.models import Engagement
from vadesk.tasks.models import Status, Task, Transition
from vadesk.tasks.services import task_create, task_transition


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [t["title"] for t in response.json()["items"]]


def _make(client, by, title, **kwargs) -> Task:
    return task_create(by=by, client=client, title=title, **kwargs)


def test_an_assistant_lists_the_tasks_of_their_clients_only(api_as, assistant, owner, acme, globex, task):
    _make(globex, owner, "Globex payroll")
    assert _titles(api_as(assistant).get("/tasks")) == ["Plan board meeting"]
    assert sorted(_titles(api_as(owner).get("/tasks"))) == ["Globex payroll", "Plan board meeting"]


def test_a_client_user_lists_their_clients_tasks(api_as, acme_user, owner, acme, globex, task):
    _make(acme, owner, "Unassigned acme work")
    _make(globex, owner, "Globex payroll")
    assert sorted(_titles(api_as(acme_user).get("/tasks"))) == ["Plan board meeting", "Unassigned acme work"]


def test_assignee_me_lists_only_my_tasks(api_as, assistant, owner, acme, task):
    _make(acme, owner, "Owner's own", assignees=[owner])
    _make(acme, owner, "Nobody's")
    assert _titles(api_as(assistant).get("/tasks", {"assignee": "me"})) == ["Plan board meeting"]
    assert _titles(api_as(owner).get("/tasks", {"assignee": "me"})) == ["Owner's own"]
    assert _titles(api_as(owner).get("/tasks", {"assignee": assistant.pk})) == ["Plan board meeting"]


def test_it_filters_by_status_client_and_text(api_as, owner, acme, globex, task):
    done = _make(acme, owner, "Send invoice reminder")
    task_transition(by=owner, task=done, to=Status.DONE)
    _make(globex, owner, "Globex: plan trip")
    api = api_as(owner)
    assert _titles(api.get("/tasks", {"status": "done"})) == ["Send invoice reminder"]
    assert sorted(_titles(api.get("/tasks", {"status": "open"}))) == ["Globex: plan trip", "Plan board meeting"]
    assert sorted(_titles(api.get("/tasks", {"client": acme.pk}))) == ["Plan board meeting", "Send invoice reminder"]
    assert sorted(_titles(api.get("/tasks", {"q": "PLAN"}))) == ["Globex: plan trip", "Plan board meeting"]
    assert _titles(api.get("/tasks", {"q": "plan", "client": globex.pk, "status": "open"})) == ["Globex: plan trip"]


def test_the_status_filter_accepts_every_workflow_status_and_open():
    assert set(get_args(StatusFilter)) == {"open", *Status.values}


@pytest.mark.parametrize(
    "query",
    [{"status": "finished"}, {"assignee": "you"}, {"limit": 0}, {"limit": 201}, {"offset": -1}, {"client": "acme"}],
)
def test_it_refuses_a_bad_filter_with_422_naming_it(api_as, owner, query):
    response = api_as(owner).get("/tasks", query)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == list(query)


def test_it_orders_by_due_date_undated_last_then_priority(api_as, owner, acme):
    now = timezone.now()
    _make(acme, owner, "Undated")
    _make(acme, owner, "Tomorrow, normal", due_at=now + timedelta(days=1))
    _make(acme, owner, "Tomorrow, urgent", due_at=now + timedelta(days=1), priority=4)
    _make(acme, owner, "Today", due_at=now)
    assert _titles(api_as(owner).get("/tasks")) == ["Today", "Tomorrow, urgent", "Tomorrow, normal", "Undated"]


def test_it_pages_with_limit_and_offset_defaulting_to_50(api_as, owner, acme):
    start = timezone.now()
    Task.objects.bulk_create(
        [Task(client=acme, title=f"Task {i:03}", due_at=start + timedelta(minutes=i)) for i in range(60)]
    )
    api = api_as(owner)
    first = api.get("/tasks").json()
    assert (first["count"], first["limit"], first["offset"], len(first["items"])) == (60, 50, 0, 50)
    assert first["items"][0]["title"] == "Task 000"
    second = api.get("/tasks", {"offset": 50, "limit": 20}).json()
    assert [t["title"] for t in second["items"]] == [f"Task {i:03}" for i in range(50, 60)]


def _queries_for_task_list(api, acme, bundle, people, n: int) -> int:
    Task.objects.all().delete()
    tasks = Task.objects.bulk_create([Task(client=acme, engagement=bundle, title=f"T{i}") for i in range(n)])
    Task.assignees.through.objects.bulk_create(
        [Task.assignees.through(task=t, person=p) for t in tasks for p in people]
    )
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/tasks", {"assignee": "me", "limit": 100})
    assert len(response.json()["items"]) == n
    assert all(len(t["assignees"]) == 2 and t["client"]["name"] == "Acme B.V." for t in response.json()["items"])
    return len(queries)


def test_the_task_list_does_not_query_per_task(api_as, assistant, acme, bundle):
    backup = make_person("bea@assist.example", "Bea Backup")
    Membership.objects.create(person=backup, organisation=acme.organisation, role=Membership.Role.ASSISTANT)
    Assignment.objects.create(client=acme, person=backup, role="backup")
    api = api_as(assistant)

    few = _queries_for_task_list(api, acme, bundle, [assistant, backup], 5)
    many = _queries_for_task_list(api, acme, bundle, [assistant, backup], 50)

    assert many == few
    assert few <= 8, few  # token, token use, reach, count, dated keys, undated keys, page, assignees


def test_the_detail_shows_description_checklist_and_creator(api_as, assistant, acme, bundle):
    task = _make(
        acme,
        assistant,
        "Book flights",
        description="AMS → BER, aisle seat",
        checklist=["Compare prices", "Book"],
        engagement=bundle,
    )
    body = api_as(assistant).get(f"/tasks/{task.pk}").json()
    assert body["description"] == "AMS → BER, aisle seat"
    assert [i["text"] for i in body["checklist"]] == ["Compare prices", "Book"]
    assert body["created_by"] == {"id": assistant.pk, "full_name": "Anna Assistent"}
    assert body["engagement"] == {"id": bundle.pk, "name": "Strippenkaart 10 uur"}
    assert body["allowed_transitions"] == ["planned", "in_progress", "waiting", "done", "cancelled"]


def test_the_team_creates_a_task_with_assignees_and_checklist(api_as, assistant, acme, bundle):
    due = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    response = api_as(assistant).post(
        "/tasks",
        {
            "client": acme.pk,
            "title": "Plan trip",
            "category": "travel",
            "priority": 3,
            "due_at": due.isoformat(),
            "assignees": [assistant.pk],
            "checklist": ["Hotel", " ", "Train"],
            "source": "phone",
        },
    )
    assert response.status_code == 201, response.content
    task = Task.objects.get(title="Plan trip")
    assert (task.category, task.priority, task.due_at, task.source, task.engagement) == (
        "travel",
        3,
        due,
        "phone",
        bundle,
    )
    assert list(task.assignees.all()) == [assistant]
    assert [i.text for i in task.checklist.all()] == ["Hotel", "Train"]
    assert Transition.objects.filter(task=task, to_status="new", by=assistant).exists()
    assert response.json()["id"] == task.pk


def test_a_client_users_task_becomes_a_portal_request_for_the_lead_assistant(api_as, acme_user, assistant, owner, acme):
    response = api_as(acme_user).post(
        "/tasks",
        {
            "client": acme.pk,
            "title": "Please book a table for 8",
            "description": "Friday",
            "assignees": [owner.pk],
            "priority": 4,
        },
    )
    assert response.status_code == 201
    task = Task.objects.get(title="Please book a table for 8")
    assert (task.source, task.created_by, task.priority) == ("portal", acme_user, 2)
    assert list(task.assignees.all()) == [assistant]


def test_it_refuses_a_task_without_title_or_with_bad_fields_and_writes_nothing(api_as, assistant, acme):
    api = api_as(assistant)
    response = api.post("/tasks", {"client": acme.pk, "title": "  "})
    assert response.status_code == 422
    assert response.json()["errors"] == {"title": ["Give the task a title."]}
    response = api.post(
        "/tasks",
        {"client": acme.pk, "title": "x", "category": "gardening", "priority": 9, "due_at": "2026-01-01T10:00:00"},
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"category", "priority", "due_at"}
    assert not Task.objects.exists()


def test_it_refuses_an_assignee_off_the_team_without_naming_anyone(api_as, assistant, colleague, outsider, acme):
    api = api_as(assistant)
    response = api.post("/tasks", {"client": acme.pk, "title": "x", "assignees": [outsider.pk]})
    assert response.status_code == 422
    assert "Otto" not in response.content.decode()
    assert list(response.json()["errors"]) == ["assignees"]
    response = api.post("/tasks", {"client": acme.pk, "title": "x", "assignees": [colleague.pk]})
    assert response.status_code == 422
    assert response.json()["errors"] == {"assignees": ["Carl Colleague is not on this client's team."]}
    assert not Task.objects.exists()


def test_it_refuses_an_engagement_of_another_client(api_as, owner, acme, globex):
    other = Engagement.objects.create(
        client=globex, name="Globex hours", kind="hourly", starts_on=timezone.localdate(), hourly_rate=50
    )
    response = api_as(owner).post("/tasks", {"client": acme.pk, "title": "x", "engagement": other.pk})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["engagement"]
    assert not Task.objects.exists()


def test_the_team_updates_a_task(api_as, assistant, owner, task):
    response = api_as(assistant).patch(
        f"/tasks/{task.pk}", {"title": "Plan AGM", "priority": 4, "assignees": [assistant.pk, owner.pk], "due_at": None}
    )
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert (task.title, task.priority, task.due_at) == ("Plan AGM", 4, None)
    assert set(task.assignees.all()) == {assistant, owner}
    assert task.category == "agenda"


def test_a_bad_update_changes_nothing(api_as, assistant, colleague, task):
    response = api_as(assistant).patch(f"/tasks/{task.pk}", {"title": "Renamed", "assignees": [colleague.pk]})
    assert response.status_code == 422
    task.refresh_from_db()
    assert task.title == "Plan board meeting"
    assert list(task.assignees.all()) == [task.assignees.get()]
    assert api_as(assistant).patch(f"/tasks/{task.pk}", {"title": ""}).status_code == 422
    task.refresh_from_db()
    assert task.title == "Plan board meeting"


def test_a_client_user_may_not_edit_or_move_a_task(api_as, acme_user, task):
    api = api_as(acme_user)
    assert api.patch(f"/tasks/{task.pk}", {"title": "Mine"}).status_code == 403
    assert api.post(f"/tasks/{task.pk}/transition", {"to": "done"}).status_code == 403
    task.refresh_from_db()
    assert (task.title, task.status) == ("Plan board meeting", "new")


def test_a_transition_moves_the_task_and_records_who(api_as, assistant, task):
    response = api_as(assistant).post(f"/tasks/{task.pk}/transition", {"to": "done"})
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert response.json()["closed_at"] is not None
    assert response.json()["allowed_transitions"] == ["in_progress"]
    task.refresh_from_db()
    assert task.status == "done"
    assert Transition.objects.filter(task=task, from_status="new", to_status="done", by=assistant).exists()


def test_a_transition_the_workflow_forbids_answers_422(api_as, assistant, task):
    task_transition(by=assistant, task=task, to="done")
    response = api_as(assistant).post(f"/tasks/{task.pk}/transition", {"to": "planned"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"__all__": ["A task that is Done cannot become Planned."]}
    task.refresh_from_db()
    assert task.status == "done"
    response = api_as(assistant).post(f"/tasks/{task.pk}/transition", {"to": "archived"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["to"]
