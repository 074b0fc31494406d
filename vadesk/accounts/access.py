"""Who may see what: roles per organisation, read once per request."""

from __future__ import annotations

from dataclasses import dataclass, field

from vadesk.accounts.models import Membership, Person


@dataclass(frozen=True)
class Reach:
    """The organisations and clients a person can reach, by role."""

    owner_of: frozenset[int] = field(default_factory=frozenset)
    assistant_in: frozenset[int] = field(default_factory=frozenset)
    portal_clients: frozenset[int] = field(default_factory=frozenset)

    @property
    def staff_of(self) -> frozenset[int]:
        return self.owner_of | self.assistant_in


def reach_of(person: Person) -> Reach:
    cached = getattr(person, "_vadesk_reach", None)
    if cached is not None:
        return cached
    if not person.is_authenticated:
        return Reach()
    rows = Membership.objects.filter(person=person, is_active=True, organisation__isnull=False).values_list(
        "organisation_id", "role", "client_id"
    )
    owner, assistant, portal = set(), set(), set()
    for organisation_id, role, client_id in rows:
        if role == Membership.Role.OWNER:
            owner.add(organisation_id)
        elif role == Membership.Role.ASSISTANT:
            assistant.add(organisation_id)
        elif client_id:
            portal.add(client_id)
    reach = Reach(frozenset(owner), frozenset(assistant), frozenset(portal))
    person._vadesk_reach = reach  # type: ignore[attr-defined]
    return reach
