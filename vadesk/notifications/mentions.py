"""`@sanne` in a comment: the handles written, and the organisation's staff they name."""

from __future__ import annotations

import re

from vadesk.accounts.models import Membership, Person

# An @ that starts a word (not inside an e-mail address), then a first name or an address's local part.
MENTION = re.compile(r"(?<![\w@.])@(\w[\w.\-]{0,63})")
MAX_MENTIONS = 20  # a comment naming more people than this is not a mention, it is a mailing list


def handles_in(text: str) -> list[str]:
    """The handles mentioned, lower-cased, in order, each once; trailing punctuation is not part of a handle."""
    found: list[str] = []
    for match in MENTION.finditer(text[:20000]):
        handle = match.group(1).rstrip(".-").casefold()
        if handle and handle not in found:
            found.append(handle)
        if len(found) >= MAX_MENTIONS:
            break
    return found


def handle_of(person: Person) -> set[str]:
    """The names a colleague may write after @: the first name, and the local part of the e-mail address."""
    return {person.first_name.casefold(), person.email.split("@")[0].casefold()} - {""}


def mentioned(text: str, *, organisation_id: int) -> list[Person]:
    """The organisation's active staff named in `text` (everyone a handle fits, when two share a first name)."""
    handles = set(handles_in(text))
    if not handles:
        return []
    staff = Person.objects.filter(
        is_active=True,
        memberships__organisation_id=organisation_id,
        memberships__is_active=True,
        memberships__role__in=[Membership.Role.OWNER, Membership.Role.ASSISTANT],
    ).distinct()
    return [person for person in staff.order_by("pk") if handle_of(person) & handles]
