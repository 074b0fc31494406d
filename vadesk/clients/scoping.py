"""Deny by default: every view and endpoint loads clients through these helpers."""

from django.db.models import Q, QuerySet
from django.http import Http404

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Person
from vadesk.clients.models import Assignment, Client


def staff_client_filter(person: Person, organisation_id: int | None = None) -> Q:
    """Clients a person serves as staff: all of an owner's organisation, only assigned ones for an assistant."""
    reach = reach_of(person)
    owner_of, assistant_in = reach.owner_of, reach.assistant_in
    if organisation_id is not None:
        owner_of = owner_of & {organisation_id}
        assistant_in = assistant_in & {organisation_id}
    assigned = Assignment.objects.filter(person=person, client__organisation_id__in=assistant_in).values("client_id")
    return Q(organisation_id__in=owner_of) | Q(pk__in=assigned) if owner_of or assistant_in else Q(pk__in=[])


def staff_clients(person: Person, organisation_id: int | None = None) -> QuerySet[Client]:
    return Client.objects.filter(staff_client_filter(person, organisation_id))


def portal_clients(person: Person) -> QuerySet[Client]:
    return Client.objects.filter(pk__in=reach_of(person).portal_clients)


def visible_clients(person: Person) -> QuerySet[Client]:
    """Everything a person may read: as staff, or as a client user through the portal."""
    return Client.objects.filter(staff_client_filter(person) | Q(pk__in=reach_of(person).portal_clients))


def is_staff_for(person: Person, client: Client) -> bool:
    reach = reach_of(person)
    if client.organisation_id in reach.owner_of:
        return True
    return (
        client.organisation_id in reach.assistant_in
        and Assignment.objects.filter(client=client, person=person).exists()
    )


def client_for_staff(person: Person, pk: int, organisation_id: int | None = None) -> Client:
    try:
        return staff_clients(person, organisation_id).get(pk=pk)
    except (Client.DoesNotExist, ValueError, TypeError):
        raise Http404("No such client") from None
