"""Deny by default for the hub's nouns: everything is reached through the clients a person serves."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Person
from vadesk.clients.models import Assignment, Client, Contact
from vadesk.clients.scoping import staff_clients
from vadesk.comms.models import FollowUp, InboundMessage, OutboxMessage, PhoneMessage, PhoneMessageQuerySet


def _get[T: Model](queryset: QuerySet[T], pk: int) -> T:
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def contacts_of(person: Person, organisation_id: int | None = None) -> QuerySet[Contact]:
    return Contact.objects.filter(client__in=staff_clients(person, organisation_id))


def contact_for_staff(person: Person, pk: int, organisation_id: int | None = None) -> Contact:
    return _get(contacts_of(person, organisation_id).select_related("client__organisation"), pk)


def phone_messages_of(person: Person, organisation_id: int | None = None) -> PhoneMessageQuerySet:
    return PhoneMessage.objects.filter(client__in=staff_clients(person, organisation_id))


def phone_message_for_staff(person: Person, pk: int, organisation_id: int | None = None) -> PhoneMessage:
    return _get(phone_messages_of(person, organisation_id).select_related("client"), pk)


def follow_ups_of(person: Person, organisation_id: int | None = None) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(client__in=staff_clients(person, organisation_id))


def follow_up_for_staff(person: Person, pk: int, organisation_id: int | None = None) -> FollowUp:
    return _get(follow_ups_of(person, organisation_id).select_related("client"), pk)


def outbox_of(person: Person, organisation_id: int) -> QuerySet[OutboxMessage]:
    """An owner sees the organisation's whole outbox (every client's message carries its organisation); an
    assistant only the messages of their clients."""
    if organisation_id in reach_of(person).owner_of:
        return OutboxMessage.objects.filter(organisation_id=organisation_id)
    return OutboxMessage.objects.filter(client__in=staff_clients(person, organisation_id))


def digest_item_for_staff(person: Person, pk: int, organisation_id: int | None = None) -> OutboxMessage:
    """A message held for a digest, of a client this person serves (owners too only through their clients)."""
    held = OutboxMessage.objects.filter(
        client__in=staff_clients(person, organisation_id), state=OutboxMessage.State.HELD
    )
    return _get(held.select_related("client", "contact"), pk)


def triage_of(person: Person, organisation_id: int) -> QuerySet[InboundMessage]:
    """Triage may hold anyone's mail to the organisation, so only its owners see it."""
    if organisation_id not in reach_of(person).owner_of:
        return InboundMessage.objects.none()
    return InboundMessage.objects.filter(organisation_id=organisation_id, outcome=InboundMessage.Outcome.TRIAGE)


def on_duty_clients(person: Person, organisation_id: int) -> QuerySet[Client]:
    """Clients whose follow-ups this person should see today.

    The lead assistants are on duty; a client without a lead falls to everyone assigned, and a
    client without anyone assigned to the organisation's owners.
    """
    clients = staff_clients(person, organisation_id)
    leads = Assignment.objects.filter(role=Assignment.Role.LEAD)
    mine = Q(pk__in=leads.filter(person=person).values("client_id"))
    mine |= Q(pk__in=Assignment.objects.filter(person=person).values("client_id")) & ~Q(
        pk__in=leads.values("client_id")
    )
    if organisation_id in reach_of(person).owner_of:
        mine |= ~Q(pk__in=Assignment.objects.values("client_id"))
    return clients.filter(mine)
