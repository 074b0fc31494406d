"""Bad input answers 422 (400 for a body that is not JSON), never a 500, and writes nothing."""

import pytest
from django.db import IntegrityError
from django.utils import timezone

from vadesk.clients.models import DossierFact
from vadesk.tasks.models import Comment, Task
from vadesk.timesheets.models import TimeEntry


@pytest.fixture
def api(api_as, assistant):
    return api_as(assistant)


def test_it_refuses_text_with_a_nul_character_in_a_body_or_a_query(api, acme, task):
    response = api.post("/tasks", {"client": acme.pk, "title": "ok", "description": "a\x00b"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["description"]
    response = api.post("/tasks", {"client": acme.pk, "title": "ok", "checklist": ["fine", "bad\x00"]})
    assert list(response.json()["errors"]) == ["checklist"]
    assert api.post(f"/tasks/{task.pk}/comments", {"body": "\x00"}).status_code == 422
    assert api.post(f"/clients/{acme.pk}/dossier", {"text": "\x00"}).status_code == 422
    assert api.get("/tasks", {"q": "a\x00"}).status_code == 422
    assert api.get(f"/clients/{acme.pk}/dossier", {"q": "\x00"}).status_code == 422
    assert (Task.objects.count(), Comment.objects.count(), DossierFact.objects.count()) == (1, 0, 0)


def test_it_refuses_a_title_longer_than_a_task_holds(api, acme):
    response = api.post("/tasks", {"client": acme.pk, "title": "x" * 201})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["title"]
    assert not Task.objects.exists()


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2026-01-01T10:00:00"])
def test_it_refuses_an_instant_without_offset_or_out_of_range(api, acme, when):
    response = api.post("/tasks", {"client": acme.pk, "title": "x", "due_at": when})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["due_at"]
    assert not Task.objects.exists()


def test_it_refuses_a_day_out_of_range(api, bundle):
    assert api.get(f"/engagements/{bundle.pk}", {"on": "9999-12-31"}).status_code == 422
    response = api.post("/time-entries", {"engagement": bundle.pk, "work_date": "0001-01-01", "minutes": 5})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["work_date"]
    assert not TimeEntry.objects.exists()


@pytest.mark.parametrize("query", [{"offset": 2**63}, {"limit": 2**63}, {"client": 2**70}, {"assignee": 2**70}])
def test_it_refuses_absurd_numbers_in_filters(api, task, query):
    response = api.get("/tasks", query)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == list(query)


def test_it_refuses_ids_no_row_can_have(api, acme, task):
    assert list(api.get(f"/tasks/{2**70}").json()["errors"]) == ["task_id"]
    assert list(api.post("/tasks", {"client": 2**70, "title": "x"}).json()["errors"]) == ["client"]
    assert list(api.post("/tasks", {"client": acme.pk, "title": "x", "assignees": [0]}).json()["errors"]) == [
        "assignees"
    ]
    assert list(api.post("/tasks", {"client": acme.pk, "title": "x", "assignees": [2**70]}).json()["errors"]) == [
        "assignees"
    ]
    assert list(api.get("/time-entries", {"person": str(2**64)}).json()["errors"]) == ["person"]
    assert Task.objects.count() == 1


def test_it_answers_404_for_an_id_that_does_not_exist(api, acme):
    assert api.get(f"/tasks/{2**63 - 1}").status_code == 404
    assert api.post("/tasks", {"client": 2**63 - 1, "title": "x"}).status_code == 404
    assert not Task.objects.exists()


def test_a_path_id_that_is_not_a_number_answers_422(api):
    response = api.get("/tasks/abc")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["task_id"]


def test_a_body_that_is_not_json_answers_400(api, acme):
    response = api.http.post("/api/v1/tasks", "{not json", content_type="application/json", headers=api.headers)
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body"}
    assert not Task.objects.exists()


def test_a_body_of_the_wrong_shape_answers_422_with_field_errors(api, acme):
    response = api.http.post("/api/v1/tasks", "[1, 2]", content_type="application/json", headers=api.headers)
    assert response.status_code == 422
    assert response.json()["errors"] == {"client": ["Field required"], "title": ["Field required"]}


def test_a_race_lost_at_the_database_answers_409(api, bundle, monkeypatch):
    def collide(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint one_running_timer_per_person")

    monkeypatch.setattr("vadesk.timesheets.services.timer_start", collide)
    response = api.post("/timer/start", {"engagement": bundle.pk})
    assert response.status_code == 409
    assert "one_running_timer" not in response.content.decode()


def test_service_messages_and_field_errors_share_one_shape(api, bundle):
    response = api.post(
        "/time-entries", {"engagement": bundle.pk, "work_date": timezone.localdate().isoformat(), "minutes": -5}
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"loc": ["body", "minutes"], "msg": "Enter the time worked, more than zero minutes.", "type": "value_error"}
        ],
        "errors": {"minutes": ["Enter the time worked, more than zero minutes."]},
    }


def test_null_for_a_field_that_cannot_be_empty_is_a_field_error_in_every_patch(api_as, owner, task, bundle, acme):
    fact = DossierFact.objects.create(client=acme, text="Door code 4711", pinned=True)
    api = api_as(owner)
    for path, body, field in [
        (f"/tasks/{task.pk}", {"category": None, "title": "Renamed"}, "category"),
        (f"/tasks/{task.pk}", {"assignees": None}, "assignees"),
        (f"/dossier/{fact.pk}", {"pinned": None}, "pinned"),
        (f"/engagements/{bundle.pk}", {"status": None}, "status"),
        (f"/clients/{acme.pk}", {"kind": None}, "kind"),
    ]:
        response = api.patch(path, body)
        assert response.status_code == 422, (path, response.content)
        assert response.json()["errors"] == {field: ["This field cannot be null."]}
    task.refresh_from_db()
    fact.refresh_from_db()
    bundle.refresh_from_db()
    assert (task.category, task.title, task.assignees.count(), fact.pinned, bundle.status) == (
        "agenda",
        "Plan board meeting",
        1,
        True,
        "active",
    )


def test_null_clears_what_may_be_empty(api_as, owner, task):
    response = api_as(owner).patch(f"/tasks/{task.pk}", {"due_at": None, "engagement": None})
    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.due_at, task.engagement) == (None, None)
