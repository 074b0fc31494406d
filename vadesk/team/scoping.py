"""Deny by default: team pages and endpoints reach profiles, absences and interest through these helpers.

Staff of an organisation see who is away when (the team calendar); the type of an absence (sick is
special-category data) only owners and the absent person themself see. Client users reach nothing here.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Membership, Person
from vadesk.clients.scoping import get_in_reach
from vadesk.team.models import Absence, AbsenceQuerySet, CoverageWarning, HandoverNote, Interest


def absences_for(person: Person, organisation_id: int) -> AbsenceQuerySet:
    """All absences of the organisation for its staff (the calendar); nothing for anyone else."""
    if organisation_id not in reach_of(person).staff_of:
        return Absence.objects.none()
    return Absence.objects.filter(organisation_id=organisation_id)


def absence_for(person: Person, pk: object, *, organisation_id: int) -> Absence:
    """One absence to act on: an owner's organisation's, or one's own; 404 for everyone else."""
    reach = reach_of(person)
    rows = Absence.objects.filter(organisation_id=organisation_id)
    if organisation_id not in reach.owner_of:
        rows = rows.filter(person=person) if organisation_id in reach.assistant_in else rows.none()
    return get_in_reach(rows.select_related("person", "organisation"), pk)


def shows_kind(viewer: Person, absence: Absence) -> bool:
    return absence.organisation_id in reach_of(viewer).owner_of or absence.person_id == viewer.pk


def absence_label(viewer: Person, absence: Absence) -> str:
    """The absence's type for owners and the person themself; "away" for colleagues (and anyone else)."""
    return str(absence.get_kind_display()) if shows_kind(viewer, absence) else _("Away")


def staff_member_for(viewer: Person, pk: object, *, organisation_id: int) -> Person:
    """A staff member whose profile the viewer may open: anyone for an owner, oneself for an assistant."""
    reach = reach_of(viewer)
    members = Membership.objects.filter(
        organisation_id=organisation_id,
        is_active=True,
        role__in=[Membership.Role.OWNER, Membership.Role.ASSISTANT],
    )
    if organisation_id not in reach.owner_of:
        members = members.filter(person=viewer) if organisation_id in reach.assistant_in else members.none()
    try:
        return members.select_related("person").get(person_id=int(str(pk))).person
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def interest_for(person: Person, client_pk: object) -> Interest:
    """The person's own "ask the team" question about a client."""
    rows = Interest.objects.filter(person=person, client__organisation_id__in=reach_of(person).staff_of)
    try:
        return rows.select_related("client").get(client_id=int(str(client_pk)))
    except (Interest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def coverage_warnings_for(person: Person, organisation_id: int) -> QuerySet[CoverageWarning]:
    """The kept findings of the coverage check: for the organisation's owners only."""
    if organisation_id not in reach_of(person).owner_of:
        return CoverageWarning.objects.none()
    return CoverageWarning.objects.filter(organisation_id=organisation_id).select_related("client")


def handover_notes_for(person: Person, organisation_id: int) -> QuerySet[HandoverNote]:
    """Handover notes the person may read: all of the organisation for an owner; for an assistant those of
    their own absences and those they are the backup of. Nothing for anyone else (a client user)."""
    reach = reach_of(person)
    rows = HandoverNote.objects.filter(absence__organisation_id=organisation_id)
    if organisation_id in reach.owner_of:
        return rows
    if organisation_id in reach.assistant_in:
        return rows.filter(Q(absence__person=person) | Q(backup=person))
    return rows.none()


def handover_note_for(person: Person, pk: object, *, organisation_id: int) -> HandoverNote:
    rows = handover_notes_for(person, organisation_id).select_related(
        "absence__person", "absence__organisation", "client", "backup", "acknowledged_by"
    )
    return get_in_reach(rows, pk)
