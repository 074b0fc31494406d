"""Deny by default: every view and endpoint loads clients through these helpers."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Person
from vadesk.clients.models import Assignment, Client, ClientQuerySet, Contact, DossierFact, DossierFactQuerySet


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


def get_in_reach[T: Model](queryset: QuerySet[T], pk: object) -> T:
    """The row with this pk among those in reach; anything else, or a malformed pk, is 404."""
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def clients_for(person: Person, *, write: bool = False, organisation: int | None = None) -> ClientQuerySet:
    """Clients in the person's reach, optionally in one organisation (the one a staff page works in).

    To read: the client's team and its own client users. With `write`: the team only, who may change
    the client's things and read what is internal (the dossier).
    """
    condition = staff_client_filter(person, organisation)
    if not write:
        portal = Q(pk__in=reach_of(person).portal_clients)
        condition |= portal & Q(organisation_id=organisation) if organisation is not None else portal
    return Client.objects.filter(condition)


def client_for(person: Person, pk: object, *, write: bool = False, organisation: int | None = None) -> Client:
    """One client in reach (see clients_for); 404 for anyone else, the same as for a client that does not exist."""
    return get_in_reach(clients_for(person, write=write, organisation=organisation).select_related("organisation"), pk)


def contact_for(person: Person, pk: object, *, write: bool = False, organisation: int | None = None) -> Contact:
    contacts = Contact.objects.filter(client__in=clients_for(person, write=write, organisation=organisation))
    return get_in_reach(contacts.select_related("client"), pk)


def dossier_facts_for(person: Person, *, organisation: int | None = None) -> DossierFactQuerySet:
    # The dossier is internal to the team: client users never reach it, not even their own.
    return DossierFact.objects.filter(client__in=clients_for(person, write=True, organisation=organisation))


def dossier_fact_for(person: Person, pk: object, *, organisation: int | None = None) -> DossierFact:
    return get_in_reach(dossier_facts_for(person, organisation=organisation).select_related("client", "author"), pk)
