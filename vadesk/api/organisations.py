"""Organisations the person belongs to, with the role they hold in each."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from vadesk.accounts.models import Membership
from vadesk.api.auth import person_of
from vadesk.api.types import Id

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    country: str
    currency: str
    time_zone: str
    role: str
    client_id: int | None  # set for a client user: the one client they may see


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    language: str


def _memberships(request: HttpRequest) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(person=person_of(request), is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def _out(membership: Membership) -> OrganisationOut:
    organisation = membership.organisation
    return OrganisationOut(
        id=organisation.pk,
        name=organisation.name,
        kind=organisation.kind,
        country=organisation.country,
        currency=organisation.currency,
        time_zone=organisation.time_zone,
        role=membership.role,
        client_id=membership.client_id,
    )


@router.get("/me", response=MeOut, tags=["me"])
def me(request: HttpRequest):
    return person_of(request)


@router.get("/organisations", response=list[OrganisationOut])
def list_organisations(request: HttpRequest):
    return [_out(m) for m in _memberships(request)]


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def get_organisation(request: HttpRequest, organisation_id: Id):
    return _out(get_object_or_404(_memberships(request), organisation_id=organisation_id))
