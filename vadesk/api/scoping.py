"""Deny by default for the API's nouns: each is loaded through the client scoping helpers.

Anything out of reach raises Http404, the same as anything that does not exist.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from vadesk.accounts.models import Person
from vadesk.clients.models import Client, DossierFact
from vadesk.clients.scoping import is_staff_for, staff_clients, visible_clients
from vadesk.engagements.models import Engagement
from vadesk.tasks.models import Task
from vadesk.timesheets.models import TimeEntry


def _get[T: Model](queryset: QuerySet[T], pk: int) -> T:
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def client_visible(person: Person, pk: int) -> Client:
    return _get(visible_clients(person), pk)


def client_staffed(person: Person, pk: int) -> Client:
    return _get(staff_clients(person), pk)


def visible_engagements(person: Person) -> QuerySet[Engagement]:
    return Engagement.objects.filter(client__in=visible_clients(person))


def engagement_visible(person: Person, pk: int) -> Engagement:
    return _get(visible_engagements(person).select_related("client"), pk)


def visible_tasks(person: Person) -> QuerySet[Task]:
    return Task.objects.filter(client__in=visible_clients(person))


def task_visible(person: Person, pk: int) -> Task:
    return _get(visible_tasks(person).select_related("client", "engagement", "created_by"), pk)


def task_staffed(person: Person, pk: int) -> Task:
    """A task the person works on as staff; a client user gets 404 for another client's task, 403 for their own."""
    task = task_visible(person, pk)
    if not is_staff_for(person, task.client):
        raise PermissionDenied(_("Only the team working for this client can do this."))
    return task


def visible_time_entries(person: Person) -> QuerySet[TimeEntry]:
    return TimeEntry.objects.filter(engagement__client__in=visible_clients(person))


def time_entry_visible(person: Person, pk: int) -> TimeEntry:
    return _get(visible_time_entries(person).select_related("engagement__client", "task", "person"), pk)


def staffed_dossier(person: Person) -> QuerySet[DossierFact]:
    # The dossier is internal to the team: client users never reach it, not even their own.
    return DossierFact.objects.filter(client__in=staff_clients(person))


def dossier_fact_staffed(person: Person, pk: int) -> DossierFact:
    return _get(staffed_dossier(person).select_related("client", "author"), pk)
