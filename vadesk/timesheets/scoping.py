"""Deny by default: time entries are reached through their engagement's client (see clients.scoping)."""

from vadesk.accounts.models import Person
from vadesk.clients.scoping import clients_for, get_in_reach
from vadesk.engagements.models import Engagement
from vadesk.timesheets.models import TimeEntry, TimeEntryQuerySet


def time_entries_for(person: Person, *, write: bool = False, organisation: int | None = None) -> TimeEntryQuerySet:
    # Through the engagement ids in reach (a subquery), not a join: a newest-first list walks the
    # (work_date DESC, id DESC) index and stops after its page.
    engagements = Engagement.objects.filter(client__in=clients_for(person, write=write, organisation=organisation))
    return TimeEntry.objects.filter(engagement_id__in=engagements.values("pk"))


def time_entry_for(person: Person, pk: object, *, write: bool = False, organisation: int | None = None) -> TimeEntry:
    entries = time_entries_for(person, write=write, organisation=organisation)
    return get_in_reach(entries.select_related("engagement__client", "task", "person"), pk)
