"""The OpenAPI document describes every endpoint and how to authenticate."""

import json

import pytest
from django.urls import reverse

from vadesk.api.main import api
from vadesk.api.tests.test_transparency import TRANSPARENCY_OPERATIONS
from vadesk.comms.tests.test_api import (
    COMMS_OPERATIONS,  # the communication hub's own endpoints
)
from vadesk.notifications.tests.test_api import NOTIFICATION_OPERATIONS  # the notifications app's own
from vadesk.team.tests.test_api import TEAM_OPERATIONS  # the team app's own (issue 14.10)
from vadesk.webhooks.tests.test_api import WEBHOOK_OPERATIONS  # the webhooks app's own

COMMS_PATHS = {
    operation.split(" ", 1)[1] for operation in COMMS_OPERATIONS | NOTIFICATION_OPERATIONS | WEBHOOK_OPERATIONS
}

EXPECTED_PATHS = {
    "/api/v1/me",
    "/api/v1/organisations",
    "/api/v1/organisations/{organisation_id}",
    "/api/v1/clients",
    "/api/v1/clients/{client_id}",
    "/api/v1/clients/{client_id}/dossier",
    "/api/v1/dossier/{fact_id}",
    "/api/v1/clients/{client_id}/engagements",
    "/api/v1/engagements/{engagement_id}",
    "/api/v1/tasks",
    "/api/v1/tasks/{task_id}",
    "/api/v1/tasks/{task_id}/transition",
    "/api/v1/tasks/{task_id}/comments",
    "/api/v1/time-entries",
    "/api/v1/time-entries/{entry_id}",
    "/api/v1/timer/start",
    "/api/v1/timer/stop",
    "/api/v1/runs/{run_id}",  # long work started through the API (a calendar import)
    # invoicing
    "/api/v1/invoices",
    "/api/v1/invoices/{invoice_id}",
    "/api/v1/invoices/{invoice_id}/lines",
    "/api/v1/invoices/{invoice_id}/finalise",
    "/api/v1/invoices/{invoice_id}/credit-note",
    "/api/v1/invoices/{invoice_id}/send",
    "/api/v1/invoices/{invoice_id}/pdf",
    "/api/v1/invoices/{invoice_id}/einvoice/{fmt}",
    # invoicing on a client's behalf
    "/api/v1/clients/{client_id}/seller",
    "/api/v1/clients/{client_id}/buyers",
    "/api/v1/clients/{client_id}/buyers/{buyer_id}",
    "/api/v1/clients/{client_id}/behalf-invoices",
}
# The agenda's paths (vadesk/api/agenda.py).
EXPECTED_PATHS |= {
    "/api/v1/calendars",
    "/api/v1/calendars/{calendar_id}/occurrences",
    "/api/v1/calendars/{calendar_id}/import",
    "/api/v1/calendars/{calendar_id}/feed",
    "/api/v1/slots",
    "/api/v1/bookings",
    "/api/v1/bookings/{event_id}",
    "/api/v1/parties",
    "/api/v1/parties/{party_id}",
    "/api/v1/bookings/{event_id}/proposals",
}


TRANSPARENCY_PATHS = {op.split(" ", 1)[1] for op in TRANSPARENCY_OPERATIONS}
TEAM_PATHS = {op.split(" ", 1)[1] for op in TEAM_OPERATIONS}


@pytest.fixture(autouse=True)
def _public_docs(settings):
    """The document and the docs page need a signed-in person unless made public (test_api_docs_access.py)."""
    settings.API_DOCS_PUBLIC = True


def test_it_serves_the_openapi_document_at_api_v1_openapi_json(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == EXPECTED_PATHS | COMMS_PATHS | TRANSPARENCY_PATHS | TEAM_PATHS


def test_it_declares_bearer_authentication_on_every_operation(client, db):
    document = client.get("/api/v1/openapi.json").json()
    assert document["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    operations = [op for path in document["paths"].values() for op in path.values()]
    # core + invoicing + on behalf + agenda + comms + notifications + webhooks + consents and reports (issue 11)
    # + team (issue 14: 11, and utilisation)
    assert len(operations) == 31 + 9 + 6 + 12 + len(COMMS_OPERATIONS) + len(NOTIFICATION_OPERATIONS) + len(
        WEBHOOK_OPERATIONS
    ) + len(TRANSPARENCY_OPERATIONS) + len(TEAM_OPERATIONS)
    assert len(TEAM_OPERATIONS) == 12
    assert all(op["security"] == [{"TokenAuth": []}] for op in operations)


def test_it_documents_money_and_instants_as_strings(client, db):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    bundle_price = schemas["EngagementOut"]["properties"]["bundle_price"]
    assert {"type": "string"} in bundle_price["anyOf"]
    assert schemas["TaskOut"]["properties"]["created_at"]["type"] == "string"


def test_it_serves_interactive_docs(client, db):
    assert client.get("/api/v1/docs").status_code == 200


def test_the_document_is_reversible_in_the_api_namespace():
    assert reverse("api:openapi-json") == "/api/v1/openapi.json"
    assert api.urls_namespace == "api"


def test_it_documents_the_error_answers(client, db):
    document = client.get("/api/v1/openapi.json").json()
    task_patch = document["paths"]["/api/v1/tasks/{task_id}"]["patch"]["responses"]
    assert set(task_patch) == {"200", "401", "403", "404", "422"}
    assert task_patch["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/FieldErrors"}
    assert set(document["paths"]["/api/v1/tasks"]["get"]["responses"]) == {"200", "401", "422"}
    assert "errors" in document["components"]["schemas"]["FieldErrors"]["properties"]


def test_every_reference_in_the_document_resolves(client, db):
    document = client.get("/api/v1/openapi.json").json()

    def references(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from references(value)
        elif isinstance(node, list):
            for value in node:
                yield from references(value)

    refs = set(references(document))
    assert "#/components/schemas/TaskOut" in refs
    assert {ref.removeprefix("#/components/schemas/") for ref in refs} <= set(document["components"]["schemas"])
