"""Deny by default: a person reaches only their own notifications, and only about clients they still serve."""

from __future__ import annotations

from django.db.models import Q

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Person
from vadesk.clients.models import Client
from vadesk.clients.scoping import get_in_reach, is_staff_for, staff_client_filter
from vadesk.notifications.models import Notification, NotificationQuerySet


def notifications_for(person: Person, *, organisation: int | None = None) -> NotificationQuerySet:
    """The person's own notifications in organisations they are staff of; one about a client they no longer
    serve (taken off the team) is out of reach, as the client itself is."""
    orgs = reach_of(person).staff_of
    if organisation is not None:
        orgs = orgs & {organisation}
    serving = Client.objects.filter(staff_client_filter(person)).values("pk")
    return Notification.objects.filter(
        Q(client__isnull=True) | Q(client__in=serving), recipient=person, organisation_id__in=orgs
    )


def notification_for(person: Person, pk: object, *, organisation: int | None = None) -> Notification:
    return get_in_reach(notifications_for(person, organisation=organisation), pk)


def may_be_told(person: Person, *, organisation_id: int, client: Client | None) -> bool:
    """Whether `person` may hear of something in this organisation (about this client): active staff there,
    and on the client's team (its owner, or an assistant assigned to it). Client users never are."""
    if not person.is_active or organisation_id not in reach_of(person).staff_of:
        return False
    return client is None or (client.organisation_id == organisation_id and is_staff_for(person, client))
