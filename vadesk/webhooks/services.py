"""Every write of webhooks: endpoints (owners only), and the deliveries an event makes for them."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Person
from vadesk.webhooks.jobs import webhook_deliver_job
from vadesk.webhooks.models import TEST_EVENT, Delivery, Endpoint, EventKind

MAX_ENDPOINTS = 20  # per organisation
MAX_URL = 500
MAX_DESCRIPTION = 200


def _require_owner(by: Person, organisation_id: int) -> None:
    if organisation_id not in reach_of(by).owner_of:
        raise PermissionDenied(_("Only the organisation's owners manage webhooks."))


def _host_allowed(host: str) -> bool:
    """The settings' allowed internal hosts (VADESK_FETCH_ALLOWED_HOSTS): a name, or an address in a network."""
    allowed = settings.FETCH_ALLOWED
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host.lower().rstrip(".") in allowed.hosts
    return allowed.permits(host, address)


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if len(url) > MAX_URL:
        raise ValidationError({"url": _("Use an address of at most %(count)s characters.") % {"count": MAX_URL}})
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError:
        raise ValidationError({"url": _("Enter a full https:// address.")}) from None
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise ValidationError({"url": _("Leave the user name and password out of the address.")})
    if parts.scheme != "https" and not _host_allowed(parts.hostname or ""):
        raise ValidationError(
            {"url": _("Webhooks go to https:// addresses only (plain http only to an allowed internal host).")}
        )
    return url


def _clean_events(events: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(events))
    unknown = [e for e in chosen if e not in EventKind.values]
    if unknown:
        raise ValidationError({"events": _("Unknown event: %(event)s") % {"event": unknown[0][:40]}})
    if not chosen:
        raise ValidationError({"events": _("Choose at least one event.")})
    return [e for e in EventKind.values if e in chosen]  # in the list's order


def _clean_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError({"description": _("Use at most %(count)s characters.") % {"count": MAX_DESCRIPTION}})
    return description


def endpoint_create(
    *, by: Person, organisation_id: int, url: str, events: Iterable[str], description: str = "", is_active: bool = True
) -> tuple[Endpoint, str]:
    """A new endpoint and its secret, which the caller shows once (it is stored encrypted)."""
    _require_owner(by, organisation_id)
    endpoint = Endpoint(
        organisation_id=organisation_id,
        url=_clean_url(url),
        events=_clean_events(events),
        description=_clean_description(description),
        is_active=is_active,
        secret=Endpoint.new_secret(),
        created_by=by,
    )
    with transaction.atomic():
        count = Endpoint.objects.select_for_update().filter(organisation_id=organisation_id).count()
        if count >= MAX_ENDPOINTS:
            raise ValidationError(_("An organisation has at most %(count)s endpoints.") % {"count": MAX_ENDPOINTS})
        endpoint.save()
    return endpoint, endpoint.secret


def endpoint_update(
    *, by: Person, endpoint: Endpoint, url: str, events: Iterable[str], description: str, is_active: bool
) -> Endpoint:
    _require_owner(by, endpoint.organisation_id)
    endpoint.url = _clean_url(url)
    endpoint.events = _clean_events(events)
    endpoint.description = _clean_description(description)
    endpoint.is_active = is_active
    endpoint.save(update_fields=["url", "events", "description", "is_active"])
    return endpoint


def endpoint_secret_rotate(*, by: Person, endpoint: Endpoint) -> str:
    """A new secret, at once: deliveries from now on (retries included) are signed with it."""
    _require_owner(by, endpoint.organisation_id)
    endpoint.secret = Endpoint.new_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint.secret


def endpoint_delete(*, by: Person, endpoint: Endpoint) -> None:
    """The endpoint and its deliveries; a job still queued for one finds nothing and does nothing."""
    _require_owner(by, endpoint.organisation_id)
    endpoint.delete()


def delivery_resend(*, by: Person, delivery: Delivery) -> Delivery:
    """Send a delivered or failed delivery again, same `webhook-id` (a receiver may drop it as a repeat), with
    fresh attempts. A pending one is still being tried by its job: a second job would only race it."""
    _require_owner(by, delivery.endpoint.organisation_id)
    with transaction.atomic():
        changed = (
            Delivery.objects.filter(pk=delivery.pk)
            .exclude(status=Delivery.Status.PENDING)
            .update(status=Delivery.Status.PENDING, attempts=0, error="")
        )
        if not changed:
            raise ValidationError(_("This delivery is still being tried. Wait for its outcome."))
        _enqueue_on_commit(delivery, delivery.endpoint.organisation_id)
    delivery.refresh_from_db()
    return delivery


def endpoint_test_send(*, by: Person, endpoint: Endpoint) -> Delivery:
    """A `webhook.test` event for this endpoint only, through the normal delivery job (signed, retried, listed),
    so that an owner sees whether the receiver accepts vadesk's signature. A paused endpoint gets nothing, as
    for a real event."""
    _require_owner(by, endpoint.organisation_id)
    if not endpoint.is_active:
        raise ValidationError(_("This endpoint is paused. Make it active to send it a test event."))
    payload = {
        "type": TEST_EVENT,
        "timestamp": timezone.now().isoformat(),
        "data": {"endpoint": {"id": endpoint.pk}},
    }
    with transaction.atomic():
        delivery = Delivery.objects.create(
            endpoint=endpoint, event=TEST_EVENT, message_id=Delivery.new_message_id(), payload=payload
        )
        _enqueue_on_commit(delivery, endpoint.organisation_id)
    return delivery


def deliveries_create(*, organisation_id: int, event: str, data: Callable[[], dict[str, Any]]) -> list[Delivery]:
    """In the event's transaction: a delivery per active endpoint of this organisation (of no other) that chose
    the event, each sent by a job once the transaction commits (nothing goes out for a change rolled back).
    `data` is called only when some endpoint listens: an event nobody subscribed to costs one query."""
    return deliveries_create_many(organisation_id=organisation_id, event=event, data=lambda: [data()])


def deliveries_create_many(
    *, organisation_id: int, event: str, data: Callable[[], list[dict[str, Any]]]
) -> list[Delivery]:
    """The same for several objects at once (a bank statement settling many invoices): one query for the
    endpoints whatever the number, one delivery per object and endpoint."""
    endpoints = [
        e for e in Endpoint.objects.filter(organisation_id=organisation_id, is_active=True) if event in e.events
    ]
    if not endpoints:
        return []
    now = timezone.now().isoformat()
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(
                endpoint=e,
                event=event,
                message_id=Delivery.new_message_id(),
                payload={"type": event, "timestamp": now, "data": item},
            )
            for item in data()
            for e in endpoints
        ]
    )
    for delivery in deliveries:
        _enqueue_on_commit(delivery, organisation_id)
    return deliveries


def _enqueue_on_commit(delivery: Delivery, organisation_id: int) -> None:
    transaction.on_commit(lambda: webhook_deliver_job.enqueue(delivery_id=delivery.pk, organisation_id=organisation_id))
