"""What several staff pages need: the staff of the organisation worked in."""

from django.db.models import QuerySet

from vadesk.accounts.models import Membership, Person


def organisation_staff(request) -> QuerySet[Person]:
    return Person.objects.filter(
        memberships__organisation_id=request.membership.organisation_id,
        memberships__role__in=[Membership.Role.OWNER, Membership.Role.ASSISTANT],
        memberships__is_active=True,
    ).order_by("full_name")
