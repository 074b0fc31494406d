"""Deny by default: time entries are reached through their engagement's client (see clients.scoping)."""

from vadesk.accounts.models import Person
from vadesk.clients.scoping import clients_for, get_in_reach
from vadesk.timesheets.models import TimeEntry, TimeEntryQuerySet


def time_entries_for(person: Person, *, write: bool = False, organisation: int | None = None) -> TimeEntryQuerySet:
    return TimeEntry.objects.filter(engagement__client__in=clients_for(person, write=write, organisation=organisation))


def time_entry_for(person: Person, pk: object, *, write: bool = False, organisation: int | None = None) -> TimeEntry:
    entries = time_entries_for(person, write=write, organisation=organisation)
    return get_in_reach(entries.select_related("engagement__client", "task", "person"), pk)
