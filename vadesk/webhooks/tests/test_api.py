"""GET/POST /api/v1/webhooks/endpoints and DELETE /api/v1/webhooks/endpoints/{id}: owners, their own organisation."""

import pytest

from vadesk.api.tests.conftest import api_as, globex, globex_user  # noqa: F401
from vadesk.webhooks.models import Endpoint

# The operations of this app, for the API's own matrix (vadesk/api/tests/test_tenancy.py, test_openapi.py).
WEBHOOK_OPERATIONS = {
    "GET /api/v1/webhooks/endpoints",
    "POST /api/v1/webhooks/endpoints",
    "DELETE /api/v1/webhooks/endpoints/{endpoint_id}",
}
DENIED = ["outsider", "colleague", "assistant", "globex_user", "acme_user"]

pytestmark = pytest.mark.django_db


def test_an_owner_registers_lists_and_deletes_an_endpoint(api_as, owner, org):
    api = api_as(owner)
    created = api.post(
        "/webhooks/endpoints",
        {"organisation_id": org.pk, "url": "https://hooks.example/n8n", "events": ["task.created", "invoice.paid"]},
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["events"] == ["task.created", "invoice.paid"]

    [listed] = api.get("/webhooks/endpoints").json()
    assert listed["id"] == body["id"] and "secret" not in listed

    assert api.delete(f"/webhooks/endpoints/{body['id']}").status_code == 204
    assert Endpoint.objects.count() == 0


def test_bad_input_is_refused(api_as, owner, org):
    api = api_as(owner)
    plain = api.post(
        "/webhooks/endpoints", {"organisation_id": org.pk, "url": "http://x.example", "events": ["task.done"]}
    )
    unknown = api.post("/webhooks/endpoints", {"organisation_id": org.pk, "url": "https://x.example", "events": ["x"]})
    assert (plain.status_code, unknown.status_code) == (422, 422)
    assert "https://" in str(plain.json())
    assert Endpoint.objects.count() == 0


@pytest.mark.parametrize("who", DENIED)
def test_nobody_else_lists_creates_or_deletes_them(who, request, api_as, owner, org, acme_user, globex_user):
    endpoint = (
        api_as(owner)
        .post(
            "/webhooks/endpoints",
            {"organisation_id": org.pk, "url": "https://hooks.example/n8n", "events": ["task.done"]},
        )
        .json()
    )
    api = api_as(request.getfixturevalue(who))

    assert api.get("/webhooks/endpoints").json() == []
    assert api.delete(f"/webhooks/endpoints/{endpoint['id']}").status_code == 404
    create = api.post(
        "/webhooks/endpoints", {"organisation_id": org.pk, "url": "https://evil.example/", "events": ["task.done"]}
    )
    assert create.status_code in (403, 404)
    assert list(Endpoint.objects.values_list("url", flat=True)) == ["https://hooks.example/n8n"]
