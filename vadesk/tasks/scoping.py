"""Deny by default: tasks are reached through their client (see clients.scoping)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Person
from vadesk.clients.scoping import clients_for, get_in_reach, is_staff_for
from vadesk.tasks.models import AssignedTasksDue, OpenTasksDue, Task, TaskQuerySet


def tasks_for(person: Person, *, write: bool = False, organisation: int | None = None) -> TaskQuerySet:
    return Task.objects.filter(client__in=clients_for(person, write=write, organisation=organisation))


def task_for(person: Person, pk: object, *, write: bool = False, organisation: int | None = None) -> Task:
    """One task in reach, else 404. With `write`, a client's own user (who can read the task) gets 403:
    the task exists for them, they just may not work on it."""
    task = get_in_reach(
        tasks_for(person, organisation=organisation).select_related("client", "engagement", "created_by"), pk
    )
    if write and not is_staff_for(person, task.client):
        raise PermissionDenied(_("Only the team working for this client can do this."))
    return task


def open_work_for(
    person: Person, organisation_id: int
) -> tuple[QuerySet[OpenTasksDue], QuerySet[AssignedTasksDue], TaskQuerySet]:
    """The kept open work of an organisation (vadesk.tasks.open_work) and the tasks it counts: every client's, so
    only the organisation's owners, who reach every client, read them; for anyone else all three are empty."""
    owned = reach_of(person).owner_of & {organisation_id}
    return (
        OpenTasksDue.objects.filter(organisation_id__in=owned),
        AssignedTasksDue.objects.filter(organisation_id__in=owned),
        # The organisation's tasks (an owner's tasks_for), joined by organisation rather than tested against a list
        # of its clients, so that a database walks them by due date (the overdue ones of a day, not every client's).
        Task.objects.filter(client__organisation_id__in=owned),
    )
