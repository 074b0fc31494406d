"""Deny by default: an organisation's endpoints and their deliveries are for its owners only."""

from __future__ import annotations

from django.db.models import QuerySet

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Person
from vadesk.clients.scoping import get_in_reach
from vadesk.webhooks.models import Delivery, Endpoint


def endpoints_for(person: Person, *, organisation: int | None = None) -> QuerySet[Endpoint]:
    orgs = reach_of(person).owner_of
    if organisation is not None:
        orgs = orgs & {organisation}
    return Endpoint.objects.filter(organisation_id__in=orgs)


def endpoint_for(person: Person, pk: object, *, organisation: int | None = None) -> Endpoint:
    return get_in_reach(endpoints_for(person, organisation=organisation), pk)


def delivery_for(person: Person, endpoint_pk: object, pk: object, *, organisation: int | None = None) -> Delivery:
    """A delivery of one of the person's endpoints, named by both ids (the endpoint's page lists it)."""
    endpoint = endpoint_for(person, endpoint_pk, organisation=organisation)
    return get_in_reach(Delivery.objects.filter(endpoint=endpoint).select_related("endpoint"), pk)
