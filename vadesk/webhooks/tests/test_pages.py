"""The owners' pages: register an endpoint (its secret shown once), change it, rotate, delete, resend, test."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from vadesk.conftest import login
from vadesk.tasks.services import task_create
from vadesk.webhooks import sending
from vadesk.webhooks.models import Delivery, Endpoint
from vadesk.webhooks.services import endpoint_test_send
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


def test_an_owner_sends_a_test_event_through_the_delivery_job(
    client, owner, registered, receiver, django_capture_on_commit_callbacks
):
    login(client, owner)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # the immediate backend runs the job
        response = client.post(reverse("webhooks:test", args=[registered.endpoint.pk]), follow=True)

    assert len(callbacks) == 1
    delivery = Delivery.objects.get()
    assert (delivery.endpoint, delivery.event, delivery.status, delivery.attempts) == (
        registered.endpoint,
        "webhook.test",
        "delivered",
        1,
    )
    (received,) = receiver.received
    assert received.json["type"] == "webhook.test"
    assert received.json["data"] == {"endpoint": {"id": registered.endpoint.pk}}
    assert received.headers["webhook-id"] == delivery.message_id and received.signed_with(registered.secret)
    page = response.content.decode()
    assert "A test event is on its way" in page and "webhook.test" in page


def test_a_failing_test_event_is_retried_like_any_delivery(owner, registered, receiver):
    receiver.answer(503, b"not yet")
    delivery = endpoint_test_send(by=owner, endpoint=registered.endpoint)
    assert sending.delivery_attempt(delivery_id=delivery.pk) == "pending"
    assert sending.delivery_attempt(delivery_id=delivery.pk) == "delivered"
    assert [r.headers["webhook-id"] for r in receiver.received] == [delivery.message_id] * 2


def test_a_paused_endpoint_gets_no_test_event(client, owner, registered):
    Endpoint.objects.filter(pk=registered.endpoint.pk).update(is_active=False)
    login(client, owner)
    response = client.post(reverse("webhooks:test", args=[registered.endpoint.pk]), follow=True)
    assert "paused" in response.content.decode()
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "assistant", "acme_user"])
def test_nobody_but_the_owners_sends_a_test_event(client, registered, receiver, who, request):
    login(client, request.getfixturevalue(who))
    response = client.post(reverse("webhooks:test", args=[registered.endpoint.pk]))
    assert response.status_code in ((404,) if who == "outsider" else (302, 403))
    assert not Delivery.objects.exists() and not receiver.received


def test_the_test_event_is_not_an_event_to_subscribe_to(client, owner, receiver):
    login(client, owner)
    response = client.post(reverse("webhooks:list"), {"url": receiver.url, "events": ["webhook.test"]})
    assert response.status_code == 200 and not Endpoint.objects.exists()
