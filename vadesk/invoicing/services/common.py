"""What every invoicing service needs: the seller profile, client billing, who may act, today where the organisation is."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Organisation, Person
from vadesk.clients.models import Client
from vadesk.clients.scoping import is_staff_for
from vadesk.invoicing.models import (
    ClientBilling,
    Invoice,
    SellerProfile,
)

LINE_FIELDS = ("description", "detail", "quantity", "unit", "unit_price", "rate_kind")


def seller_profile_of(organisation: Organisation) -> SellerProfile:
    try:
        with transaction.atomic():
            profile, _created = SellerProfile.objects.get_or_create(organisation=organisation, on_behalf_of=None)
    except IntegrityError:  # created at the same moment by another request
        profile = SellerProfile.objects.get(organisation=organisation, on_behalf_of=None)
    return profile


def client_billing_of(client: Client) -> ClientBilling:
    billing, _created = ClientBilling.objects.get_or_create(client=client)
    return billing


def require_staff(by: Person, client: Client) -> None:
    if not is_staff_for(by, client):
        raise PermissionDenied(_("You do not work for this client."))


def require_owner(by: Person, organisation_id: int) -> None:
    if organisation_id not in reach_of(by).owner_of:
        raise PermissionDenied(_("Only an owner can do this."))


def require_draft(invoice: Invoice) -> None:
    if invoice.is_final:
        raise ValidationError(
            _("Invoice %(number)s is final and cannot be changed. Correct it with a credit note."),
            params={"number": invoice.number},
        )


def organisation_today(organisation: Organisation) -> date:
    """Today where the organisation is: the latest day a payment can be dated."""
    return timezone.localdate(timezone=ZoneInfo(organisation.time_zone))
