"""People's names as the reader may see them: a client's users read the team's names as the organisation's work-log
policy says (full, first name only, or "your team"), as the portal does (issue 11: the names the organisation hides)."""

from __future__ import annotations

from django.http import HttpRequest

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Membership, Person
from vadesk.api.auth import person_of
from vadesk.timesheets.worklog import who, work_log_policy_of


def shown_name(request: HttpRequest, person: Person) -> str:
    """`person`'s name for the request's reader; decided once per person and request."""
    cache: dict[int, str] = request.__dict__.setdefault("vadesk_shown_names", {})
    if person.pk not in cache:
        cache[person.pk] = _shown(person_of(request), person)
    return cache[person.pk]


def _shown(reader: Person, person: Person) -> str:
    reach = reach_of(reader)
    if person.pk == reader.pk or not reach.portal_clients:
        return person.full_name  # the team reads its own names: only a client's user may be shown fewer
    roles = set(Membership.objects.filter(person=person, is_active=True).values_list("organisation_id", "role"))
    organisations = {organisation_id for organisation_id, _role in roles}
    if organisations & reach.staff_of or any(role == Membership.Role.CLIENT for _org, role in roles):
        return person.full_name  # a colleague of the reader's, or one of the client's own users
    portal = Membership.objects.filter(
        person=reader, is_active=True, role=Membership.Role.CLIENT, organisation_id__in=organisations
    ).values_list("organisation_id", flat=True)
    organisation_id = next(iter(portal), None)
    if organisation_id is None:
        return person.full_name  # nothing of the reader's own: the scoping decided they may read this row
    return who(person, work_log_policy_of(organisation_id).names)
