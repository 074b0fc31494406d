"""Deny by default, endpoint by endpoint: whoever cannot reach an object gets 404 and nothing changes.

The cast (vadesk/conftest.py): `outsider` owns another organisation; `colleague` works in the same
agency but is not on acme's team; `globex_user` is the client user of another client of the agency.
A test below checks that this matrix covers every operation in the OpenAPI document.
"""

import importlib
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from vadesk.agenda.tests.test_api import (
    AGENDA_OPERATIONS,  # the agenda keeps its own outsider matrix
)
from vadesk.api.main import api
from vadesk.api.tests.test_transparency import TRANSPARENCY_OPERATIONS  # consents and reports: outsider tests there
from vadesk.clients.models import Client, Contact, DossierFact
from vadesk.comms.tests.test_api import (
    COMMS_OPERATIONS,  # the hub keeps its own outsider matrix
)
from vadesk.engagements.models import Engagement
from vadesk.notifications.tests.test_api import NOTIFICATION_OPERATIONS  # its outsider tests live with the app
from vadesk.tasks.models import Comment, Task, Transition
from vadesk.tasks.services import comment_add
from vadesk.team.tests.test_api import TEAM_OPERATIONS  # profiles, absences, cover: outsider tests there
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.services import time_entry_log
from vadesk.webhooks.tests.test_api import WEBHOOK_OPERATIONS  # its outsider tests live with the app


@dataclass
class World:
    acme: Client
    task: Task
    bundle: Engagement
    fact: DossierFact
    entry: TimeEntry


@pytest.fixture
def world(acme, task, bundle, assistant, owner, acme_user) -> World:
    Contact.objects.create(client=acme, name="Petra Acme", email="petra@acme.example")
    comment_add(by=assistant, task=task, body="Internal: CEO is difficult", visibility="internal")
    comment_add(by=assistant, task=task, body="Board meeting booked", visibility="client")
    fact = DossierFact.objects.create(client=acme, text="Door code 4711", topic="location", author=owner)
    entry = time_entry_log(
        by=assistant, engagement=bundle, work_date=timezone.localdate(), minutes=30, task=task, note="called the venue"
    )
    return World(acme=acme, task=task, bundle=bundle, fact=fact, entry=entry)


def _today() -> str:
    return timezone.localdate().isoformat()


# (method, path template, body) per operation that names an object of acme's.
OBJECT_OPERATIONS = {
    "GET /api/v1/clients/{client_id}": lambda w: ("get", f"/clients/{w.acme.pk}", None),
    "PATCH /api/v1/clients/{client_id}": lambda w: ("patch", f"/clients/{w.acme.pk}", {"name": "Hacked"}),
    "GET /api/v1/clients/{client_id}/dossier": lambda w: ("get", f"/clients/{w.acme.pk}/dossier", None),
    "POST /api/v1/clients/{client_id}/dossier": lambda w: (
        "post",
        f"/clients/{w.acme.pk}/dossier",
        {"text": "Planted"},
    ),
    "GET /api/v1/dossier/{fact_id}": lambda w: ("get", f"/dossier/{w.fact.pk}", None),
    "PATCH /api/v1/dossier/{fact_id}": lambda w: ("patch", f"/dossier/{w.fact.pk}", {"text": "Hacked"}),
    "DELETE /api/v1/dossier/{fact_id}": lambda w: ("delete", f"/dossier/{w.fact.pk}", None),
    "GET /api/v1/clients/{client_id}/engagements": lambda w: ("get", f"/clients/{w.acme.pk}/engagements", None),
    "POST /api/v1/clients/{client_id}/engagements": lambda w: (
        "post",
        f"/clients/{w.acme.pk}/engagements",
        {"name": "Free hours", "kind": "hourly", "starts_on": _today(), "hourly_rate": "1.00"},
    ),
    "GET /api/v1/engagements/{engagement_id}": lambda w: ("get", f"/engagements/{w.bundle.pk}", None),
    "PATCH /api/v1/engagements/{engagement_id}": lambda w: (
        "patch",
        f"/engagements/{w.bundle.pk}",
        {"bundle_hours": "999"},
    ),
    "POST /api/v1/tasks": lambda w: ("post", "/tasks", {"client": w.acme.pk, "title": "Planted"}),
    "GET /api/v1/tasks/{task_id}": lambda w: ("get", f"/tasks/{w.task.pk}", None),
    "PATCH /api/v1/tasks/{task_id}": lambda w: ("patch", f"/tasks/{w.task.pk}", {"title": "Hacked"}),
    "POST /api/v1/tasks/{task_id}/transition": lambda w: (
        "post",
        f"/tasks/{w.task.pk}/transition",
        {"to": "cancelled"},
    ),
    "GET /api/v1/tasks/{task_id}/comments": lambda w: ("get", f"/tasks/{w.task.pk}/comments", None),
    "POST /api/v1/tasks/{task_id}/comments": lambda w: (
        "post",
        f"/tasks/{w.task.pk}/comments",
        {"body": "Planted", "visibility": "client"},
    ),
    "POST /api/v1/time-entries": lambda w: (
        "post",
        "/time-entries",
        {"engagement": w.bundle.pk, "work_date": _today(), "minutes": 15},
    ),
    "GET /api/v1/time-entries/{entry_id}": lambda w: ("get", f"/time-entries/{w.entry.pk}", None),
    "PATCH /api/v1/time-entries/{entry_id}": lambda w: ("patch", f"/time-entries/{w.entry.pk}", {"minutes": 600}),
    "DELETE /api/v1/time-entries/{entry_id}": lambda w: ("delete", f"/time-entries/{w.entry.pk}", None),
    "POST /api/v1/timer/start": lambda w: ("post", "/timer/start", {"engagement": w.bundle.pk}),
}

# Lists answer 200 with only what the person may see; tested for leaks below.
LIST_OPERATIONS = {
    "GET /api/v1/me",
    "GET /api/v1/organisations",
    "GET /api/v1/clients",
    "GET /api/v1/tasks",
    "GET /api/v1/time-entries",
}

# Operations whose outsider tests live with their resource, because "out of reach" means something else there.
ELSEWHERE = {
    "GET /api/v1/organisations/{organisation_id}": "test_organisations.py::test_it_hides_an_organisation_the_person_is_not_in",
    "POST /api/v1/clients": "test_clients.py::test_it_hides_another_organisation_from_client_creation",
    "POST /api/v1/timer/stop": "test_timer.py::test_stopping_only_ever_touches_the_callers_own_timer",
    "GET /api/v1/runs/{run_id}": "vadesk.agenda.tests.test_api.py::test_a_run_is_read_only_by_who_started_it_and_the_owners",
    # invoicing: outsider tests live with the app (a dotted module path)
    **{
        f"{method} /api/v1/invoices{path}": "vadesk.invoicing.tests.test_api.py::test_outsiders_get_404_on_every_invoice_endpoint"
        for method, path in [
            ("GET", "/{invoice_id}"),
            ("GET", "/{invoice_id}/pdf"),
            ("GET", "/{invoice_id}/einvoice/{fmt}"),
            ("POST", "/{invoice_id}/lines"),
            ("POST", "/{invoice_id}/finalise"),
            ("POST", "/{invoice_id}/credit-note"),
        ]
    },
    "POST /api/v1/invoices/{invoice_id}/send": "vadesk.invoicing.tests.test_invoice_send.py::"
    "test_outsiders_cannot_send_via_the_api",
    "GET /api/v1/invoices": "vadesk.invoicing.tests.test_api.py::test_a_client_user_reads_only_their_own_final_invoices",
    "POST /api/v1/invoices": "vadesk.invoicing.tests.test_api.py::test_outsiders_cannot_draft_for_a_client_out_of_reach",
    # invoicing on a client's behalf
    **{
        f"{method} /api/v1/clients/{{client_id}}{path}": "vadesk.invoicing.tests.test_api_behalf.py::"
        "test_outsiders_get_404_on_every_behalf_endpoint_and_nothing_is_written"
        for method, path in [
            ("GET", "/seller"),
            ("PATCH", "/seller"),
            ("GET", "/buyers"),
            ("POST", "/buyers"),
            ("PATCH", "/buyers/{buyer_id}"),
            ("POST", "/behalf-invoices"),
        ]
    },
}

DENIED = ["outsider", "colleague", "globex_user"]

TRACKED = [Client, Contact, DossierFact, Engagement, Task, Transition, Comment, TimeEntry]


def _snapshot() -> dict[str, list[dict]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in TRACKED}


def test_the_matrix_covers_every_operation_of_the_api():
    documented = {
        f"{method.upper()} {path}" for path, ops in api.get_openapi_schema()["paths"].items() for method in ops
    }
    assert (
        documented
        == set(OBJECT_OPERATIONS)
        | LIST_OPERATIONS
        | set(ELSEWHERE)
        | AGENDA_OPERATIONS
        | COMMS_OPERATIONS
        | NOTIFICATION_OPERATIONS
        | WEBHOOK_OPERATIONS
        | TRANSPARENCY_OPERATIONS
        | TEAM_OPERATIONS
    )
    for where in ELSEWHERE.values():
        module, test = where.split(".py::")
        assert hasattr(importlib.import_module(module if "." in module else f"vadesk.api.tests.{module}"), test), where


@pytest.mark.parametrize("who", DENIED)
@pytest.mark.parametrize("operation", sorted(OBJECT_OPERATIONS))
def test_it_answers_404_and_changes_nothing_for_whoever_is_out_of_reach(
    operation, who, request, world, api_as, outsider, colleague, globex_user
):
    method, path, body = OBJECT_OPERATIONS[operation](world)
    api = api_as(request.getfixturevalue(who))
    before = _snapshot()

    response = getattr(api, method)(path) if body is None else getattr(api, method)(path, body)

    assert response.status_code == 404, response.content
    assert response.json() == {"detail": "Not found."}
    assert _snapshot() == before


DOSSIER_OPERATIONS = sorted(op for op in OBJECT_OPERATIONS if "dossier" in op)


@pytest.mark.parametrize("operation", DOSSIER_OPERATIONS)
def test_it_hides_the_dossier_even_from_the_clients_own_users(operation, world, api_as, acme_user):
    method, path, body = OBJECT_OPERATIONS[operation](world)
    api = api_as(acme_user)
    before = _snapshot()

    response = getattr(api, method)(path) if body is None else getattr(api, method)(path, body)

    assert response.status_code == 404
    assert "Door code" not in response.content.decode()
    assert _snapshot() == before


SECRETS = [
    "Acme",
    "Plan board meeting",
    "Door code",
    "CEO is difficult",
    "Board meeting booked",
    "called the venue",
    "Strippenkaart",
    "Petra",
]


@pytest.mark.parametrize("who", DENIED)
@pytest.mark.parametrize(
    "path",
    ["/me", "/organisations", "/clients", "/tasks", "/tasks?assignee=me", "/time-entries", "/clients?archived=true"],
)
def test_lists_show_nothing_of_a_client_out_of_reach(
    path, who, request, world, api_as, outsider, colleague, globex_user
):
    response = api_as(request.getfixturevalue(who)).get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert not [s for s in SECRETS if s in body]


@pytest.mark.parametrize("who", DENIED)
def test_filtering_a_list_by_an_unreachable_id_finds_nothing(
    who, request, world, api_as, outsider, colleague, globex_user
):
    api = api_as(request.getfixturevalue(who))
    assert api.get("/tasks", {"client": world.acme.pk}).json()["count"] == 0
    assert api.get("/time-entries", {"client": world.acme.pk}).json()["count"] == 0
    assert api.get("/time-entries", {"engagement": world.bundle.pk}).json()["count"] == 0
    assert world.acme.pk not in [
        c["id"] for c in api.get("/clients", {"organisation": world.acme.organisation_id}).json()["items"]
    ]


def test_the_same_requests_succeed_for_the_team(world, api_as, assistant):
    # Guards the matrix: the 404s above come from scoping, not from broken requests.
    api = api_as(assistant)
    for operation in [
        "GET /api/v1/clients/{client_id}",
        "GET /api/v1/tasks/{task_id}",
        "GET /api/v1/dossier/{fact_id}",
        "GET /api/v1/time-entries/{entry_id}",
        "GET /api/v1/engagements/{engagement_id}",
        "GET /api/v1/clients/{client_id}/dossier",
        "GET /api/v1/tasks/{task_id}/comments",
    ]:
        _, path, _ = OBJECT_OPERATIONS[operation](world)
        assert api.get(path).status_code == 200, operation
    for operation in [
        "PATCH /api/v1/tasks/{task_id}",
        "POST /api/v1/tasks/{task_id}/comments",
        "POST /api/v1/time-entries",
        "POST /api/v1/clients/{client_id}/dossier",
    ]:
        method, path, body = OBJECT_OPERATIONS[operation](world)
        assert getattr(api, method)(path, body).status_code in (200, 201), operation


def test_timer_start_for_an_unreachable_engagement_leaves_the_running_timer_alone(world, api_as, outsider):
    running = TimeEntry.objects.create(
        engagement=Engagement.objects.create(
            client=Client.objects.get(organisation__memberships__person=outsider),
            name="Stunden",
            kind="hourly",
            starts_on=timezone.localdate() - timedelta(days=1),
            hourly_rate="60.00",
        ),
        person=outsider,
        work_date=timezone.localdate(),
        started_at=timezone.now(),
    )

    response = api_as(outsider).post("/timer/start", {"engagement": world.bundle.pk})

    assert response.status_code == 404
    running.refresh_from_db()
    assert running.is_running
