"""The owners' pages: register an endpoint (its secret shown once), change it, rotate, delete, resend."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from vadesk.conftest import login
from vadesk.tasks.services import task_create
from vadesk.webhooks import sending
from vadesk.webhooks.models import Delivery, Endpoint
from vadesk.webhooks.signing import signature_valid

pytestmark = pytest.mark.django_db


def test_an_owner_registers_an_endpoint_and_sees_its_secret_once(client, owner, org, receiver):
    login(client, owner)
    response = client.post(
        reverse("webhooks:list"),
        {"url": receiver.url, "description": "n8n", "events": ["task.created", "invoice.paid"], "is_active": "on"},
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    endpoint = Endpoint.objects.get()
    assert (endpoint.organisation_id, endpoint.events) == (org.pk, ["task.created", "invoice.paid"])
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in response.content.decode()
    assert endpoint.secret not in client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert endpoint.secret not in client.get(reverse("webhooks:list")).content.decode()


def test_the_secret_is_stored_encrypted(registered):
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM webhooks_endpoint WHERE id = %s", [registered.endpoint.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("fernet:") and registered.secret not in stored


def test_plain_http_to_an_outside_host_is_refused_on_the_form(client, owner):
    login(client, owner)
    response = client.post(reverse("webhooks:list"), {"url": "http://example.com/hook", "events": ["task.done"]})
    assert response.status_code == 200
    assert "https:// addresses only" in response.content.decode()
    assert Endpoint.objects.count() == 0


def test_the_endpoint_page_lists_deliveries_and_resends_one(client, owner, registered, receiver, assistant, acme):
    receiver.answer(500, b"down for maintenance", times=5)
    task_create(by=assistant, client=acme, title="Book the venue")
    delivery = Delivery.objects.get()
    for _ in range(5):
        sending.delivery_attempt(delivery_id=delivery.pk)
    login(client, owner)
    page = client.get(reverse("webhooks:detail", args=[registered.endpoint.pk])).content.decode()
    assert "task.created" in page and "Failed" in page and "500" in page and "down for maintenance" in page

    resend = reverse("webhooks:resend", args=[registered.endpoint.pk, delivery.pk])
    client.post(resend)  # on-commit does not run in this test: the attempt is made by hand below
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert sending.delivery_attempt(delivery_id=delivery.pk) == "delivered"
    last = receiver.received[-1]
    assert last.headers["webhook-id"] == delivery.message_id  # the same message, sent again
    assert signature_valid(
        secret=registered.secret,
        message_id=delivery.message_id,
        timestamp=int(last.headers["webhook-timestamp"]),
        body=last.body,
        header=last.headers["webhook-signature"],
    )


def test_a_pending_delivery_is_not_resent(client, owner, registered, assistant, acme):
    task_create(by=assistant, client=acme, title="Book the venue")
    delivery = Delivery.objects.get()
    login(client, owner)
    response = client.post(reverse("webhooks:resend", args=[registered.endpoint.pk, delivery.pk]), follow=True)
    assert "still being tried" in response.content.decode()


def test_rotate_shows_a_new_secret_and_delete_removes_the_endpoint(client, owner, registered):
    login(client, owner)
    response = client.post(reverse("webhooks:rotate", args=[registered.endpoint.pk]))
    registered.endpoint.refresh_from_db()
    assert registered.endpoint.secret != registered.secret
    assert registered.endpoint.secret in response.content.decode()

    client.post(reverse("webhooks:delete", args=[registered.endpoint.pk]))
    assert Endpoint.objects.count() == 0


def test_an_edit_changes_the_events(client, owner, registered, receiver):
    login(client, owner)
    client.post(
        reverse("webhooks:detail", args=[registered.endpoint.pk]),
        {"url": receiver.url, "description": "", "events": ["booking.made"]},
    )
    registered.endpoint.refresh_from_db()
    assert (registered.endpoint.events, registered.endpoint.is_active) == (["booking.made"], False)


@pytest.mark.parametrize("who", ["assistant", "acme_user"])
def test_only_owners_reach_the_pages(client, registered, who, request):
    login(client, request.getfixturevalue(who))
    assert client.get(reverse("webhooks:list")).status_code in (302, 403)
    assert client.get(reverse("webhooks:detail", args=[registered.endpoint.pk])).status_code in (302, 403)


def test_another_organisations_owner_gets_404(client, outsider, registered):
    login(client, outsider)
    assert client.get(reverse("webhooks:detail", args=[registered.endpoint.pk])).status_code == 404
    assert client.post(reverse("webhooks:rotate", args=[registered.endpoint.pk])).status_code == 404
    assert client.post(reverse("webhooks:delete", args=[registered.endpoint.pk])).status_code == 404
    assert registered.endpoint.url not in client.get(reverse("webhooks:list")).content.decode()
    assert Endpoint.objects.count() == 1
