"""Deny by default for calendars, parties and events: everything is reached through the client scoping helpers."""

from django.db.models import Q, QuerySet
from django.http import Http404

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Person
from vadesk.agenda.models import Calendar, Event, Occurrence, Party
from vadesk.clients.models import Client
from vadesk.clients.scoping import portal_clients, staff_clients


def staff_parties(person: Person, organisation_id: int | None = None) -> QuerySet[Party]:
    """Parties whose free/busy a staff member may use: their clients' parties and the assistants of their organisation(s)."""
    orgs = reach_of(person).staff_of if organisation_id is None else reach_of(person).staff_of & {organisation_id}
    return Party.objects.filter(
        Q(client__in=staff_clients(person, organisation_id)) | Q(kind=Party.Kind.ASSISTANT, organisation_id__in=orgs)
    )


def staff_calendars(person: Person, organisation_id: int | None = None) -> QuerySet[Calendar]:
    """Calendars a staff member may read and change: their clients' and their own (not a colleague's)."""
    return Calendar.objects.filter(
        Q(party__client__in=staff_clients(person, organisation_id))
        | Q(party__kind=Party.Kind.ASSISTANT, party__person=person)
    )


def visible_calendars(person: Person) -> QuerySet[Calendar]:
    """Staff calendars, plus a client user's own client's calendars (read-only)."""
    return Calendar.objects.filter(
        Q(pk__in=staff_calendars(person).values("pk")) | Q(party__client__in=portal_clients(person))
    )


def _get(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def calendar_visible(person: Person, pk: int) -> Calendar:
    return _get(visible_calendars(person).select_related("party__client"), pk)


def calendar_staffed(person: Person, pk: int, organisation_id: int | None = None) -> Calendar:
    return _get(staff_calendars(person, organisation_id).select_related("party__client"), pk)


def event_staffed(person: Person, pk: int, organisation_id: int | None = None) -> Event:
    return _get(
        Event.objects.filter(calendar__in=staff_calendars(person, organisation_id)).select_related(
            "calendar__party__client"
        ),
        pk,
    )


def party_staffed(person: Person, pk: int, organisation_id: int | None = None) -> Party:
    return _get(staff_parties(person, organisation_id), pk)


def editable_parties(person: Person, organisation_id: int | None = None) -> QuerySet[Party]:
    """Parties whose hours a staff member may change: their clients' (client and outside parties) and their own."""
    return Party.objects.filter(
        Q(client__in=staff_clients(person, organisation_id)) | Q(kind=Party.Kind.ASSISTANT, person=person)
    )


def party_editable(person: Person, pk: int, organisation_id: int | None = None) -> Party:
    return _get(editable_parties(person, organisation_id).select_related("client"), pk)


def client_occurrences(client: Client) -> QuerySet[Occurrence]:
    """What the client's portal shows of the agenda: occurrences in the client's own calendars only (not the
    assistants', not outside parties'), without the events' iCalendar text (pages never show it)."""
    return (
        Occurrence.objects.filter(calendar__party__client=client, calendar__party__kind=Party.Kind.CLIENT)
        .select_related("calendar", "event")
        .defer("event__ics")
    )
