"""Deny by default: engagements are reached through their client (see clients.scoping)."""

from vadesk.accounts.models import Person
from vadesk.clients.scoping import clients_for, get_in_reach
from vadesk.engagements.models import Engagement, EngagementQuerySet


def engagements_for(person: Person, *, write: bool = False, organisation: int | None = None) -> EngagementQuerySet:
    return Engagement.objects.filter(client__in=clients_for(person, write=write, organisation=organisation))


def engagement_for(person: Person, pk: object, *, write: bool = False, organisation: int | None = None) -> Engagement:
    return get_in_reach(engagements_for(person, write=write, organisation=organisation).select_related("client"), pk)
