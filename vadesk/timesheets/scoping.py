"""Deny by default: time entries are reached through their engagement's client (see clients.scoping)."""

from django.db.models import F, IntegerField
from django.db.models.expressions import ExpressionWrapper

from vadesk.accounts.models import Person
from vadesk.clients.scoping import clients_for, get_in_reach
from vadesk.engagements.models import Engagement
from vadesk.timesheets.models import TimeEntry, TimeEntryQuerySet


def time_entries_for(person: Person, *, write: bool = False, organisation: int | None = None) -> TimeEntryQuerySet:
    # Through the engagement ids in reach (a subquery), not a join: a newest-first list walks the
    # (work_date DESC, id DESC) index and stops after its page. The test reads `engagement_id + 0`, which no
    # index serves (SQLite's documented way to take a term out of index choice): otherwise SQLite, seeing an
    # IN list, reads every entry of the owner's thousand engagements by the engagement index and sorts them
    # (1.5 s at a million entries). A filter on one engagement or person still picks its own index.
    engagements = Engagement.objects.filter(client__in=clients_for(person, write=write, organisation=organisation))
    reach = ExpressionWrapper(F("engagement_id") + 0, output_field=IntegerField())
    return TimeEntry.objects.alias(reach=reach).filter(reach__in=engagements.values("pk"))


def time_entry_for(person: Person, pk: object, *, write: bool = False, organisation: int | None = None) -> TimeEntry:
    entries = time_entries_for(person, write=write, organisation=organisation)
    return get_in_reach(entries.select_related("engagement__client", "task", "person"), pk)
