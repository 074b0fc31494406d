"""GET /api/v1/notifications and POST /api/v1/notifications/{id}/read: one's own only, about clients one serves."""

import pytest

from vadesk.api.tests.conftest import api_as, globex, globex_user  # noqa: F401
from vadesk.clients.models import Assignment
from vadesk.notifications.models import Kind, Notification
from vadesk.notifications.services import notify

# The operations of this app, for the API's own matrix (vadesk/api/tests/test_tenancy.py, test_openapi.py).
NOTIFICATION_OPERATIONS = {"GET /api/v1/notifications", "POST /api/v1/notifications/{notification_id}/read"}
DENIED = ["outsider", "colleague", "globex_user", "acme_user", "owner"]


@pytest.fixture
def mine(task, assistant) -> Notification:
    [notification] = notify(
        kind=Kind.CLIENT_MESSAGE,
        recipients=[assistant],
        organisation_id=task.client.organisation_id,
        task=task,
        url=f"/tasks/{task.pk}/",
        text=lambda: ("Acme replied", "Dinsdag past."),
    )
    return notification


def test_the_recipient_lists_and_reads_their_notification(api_as, assistant, mine):
    api = api_as(assistant)

    [listed] = api.get("/notifications", {"unread": "true"}).json()
    assert (listed["id"], listed["kind"], listed["title"], listed["read_at"]) == (
        mine.pk,
        "client_message",
        "Acme replied",
        None,
    )
    answer = api.post(f"/notifications/{mine.pk}/read", {})
    assert answer.status_code == 200 and answer.json()["read_at"]
    assert api.get("/notifications", {"unread": "true"}).json() == []
    assert len(api.get("/notifications").json()) == 1


@pytest.mark.parametrize("who", DENIED)
def test_nobody_else_sees_or_reads_it(who, request, api_as, mine, outsider, colleague, globex_user, acme_user, owner):
    api = api_as(request.getfixturevalue(who))

    assert api.get("/notifications").json() == []
    response = api.post(f"/notifications/{mine.pk}/read", {})
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    mine.refresh_from_db()
    assert mine.read_at is None


def test_off_the_clients_team_the_recipient_no_longer_reaches_it(api_as, assistant, mine):
    Assignment.objects.filter(person=assistant).delete()
    api = api_as(assistant)

    assert api.get("/notifications").json() == []
    assert api.post(f"/notifications/{mine.pk}/read", {}).status_code == 404


def test_a_bad_limit_is_a_clear_error(api_as, assistant, mine):
    response = api_as(assistant).get("/notifications", {"limit": "100000"})
    assert response.status_code == 422
