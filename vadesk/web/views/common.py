"""What several staff pages need: the staff of the organisation worked in."""

from django.db.models import QuerySet
from django.urls import reverse

from vadesk.accounts.models import Membership, Person


def organisation_staff(request) -> QuerySet[Person]:
    return Person.objects.filter(
        memberships__organisation_id=request.membership.organisation_id,
        memberships__role__in=[Membership.Role.OWNER, Membership.Role.ASSISTANT],
        memberships__is_active=True,
    ).order_by("full_name")


def url_parts(name: str, *within: int) -> tuple[str, str]:
    """A URL with a pk, reversed once per page: (before the pk, after it), for rows that only add their pk.
    `within`: the ids the URL starts with, the same for every row (the client of a client's dossier facts)."""
    url = reverse(name, args=[*within, 0])
    cut = url.rindex("/0/") + 1
    return url[:cut], url[cut + 1 :]
