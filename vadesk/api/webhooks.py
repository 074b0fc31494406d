"""An organisation's webhook endpoints, for its owners: list, register (the secret is in this answer only), delete."""

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from vadesk.accounts.access import reach_of
from vadesk.api.auth import person_of
from vadesk.api.types import Id, Timestamp
from vadesk.webhooks.models import EventKind
from vadesk.webhooks.scoping import endpoint_for, endpoints_for
from vadesk.webhooks.services import MAX_DESCRIPTION, MAX_URL, endpoint_create, endpoint_delete

router = Router(tags=["webhooks"])


class WebhookEndpointOut(Schema):
    id: int
    organisation_id: int
    url: str
    description: str
    is_active: bool
    events: list[EventKind]
    created_at: Timestamp


class WebhookEndpointIn(Schema):
    organisation_id: Id = Field(description="An organisation you own")
    url: str = Field(max_length=MAX_URL, description="https:// (plain http only to an allowed internal host)")
    events: list[EventKind] = Field(min_length=1, max_length=len(EventKind.values))
    description: str = Field("", max_length=MAX_DESCRIPTION)
    is_active: bool = True


class WebhookEndpointCreated(WebhookEndpointOut):
    secret: str = Field(description="The signing secret (whsec_…): shown in this answer only")


@router.get("/webhooks/endpoints", response=list[WebhookEndpointOut])
def list_webhook_endpoints(request: HttpRequest):
    """The endpoints of every organisation you own."""
    return list(endpoints_for(person_of(request)).order_by("pk"))


@router.post("/webhooks/endpoints", response={201: WebhookEndpointCreated})
def create_webhook_endpoint(request: HttpRequest, payload: WebhookEndpointIn):
    person = person_of(request)
    if payload.organisation_id not in reach_of(person).staff_of:
        raise Http404  # an organisation one is not in does not exist, as for every other object
    endpoint, secret = endpoint_create(
        by=person,
        organisation_id=payload.organisation_id,
        url=payload.url,
        events=[str(e) for e in payload.events],
        description=payload.description,
        is_active=payload.is_active,
    )
    assert endpoint.secret == secret  # the model holds it in plain text until it is written (encrypted)
    return endpoint


@router.delete("/webhooks/endpoints/{endpoint_id}", response={204: None})
def delete_webhook_endpoint(request: HttpRequest, endpoint_id: Id):
    person = person_of(request)
    endpoint_delete(by=person, endpoint=endpoint_for(person, endpoint_id))
    return None
