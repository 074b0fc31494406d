"""Invoicing in a client's name: the client as seller, its buyers, and drafts issued on its behalf."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vadesk.accounts.models import Person
from vadesk.clients.models import Client
from vadesk.invoicing.models import (
    Buyer,
    Invoice,
    SellerProfile,
)
from vadesk.invoicing.services.common import require_staff
from vadesk.invoicing.services.drafts import invoice_line_save

CLIENT_SELLER_FIELDS = ("name", "street", "postal_code", "city", "country", "vat_id", "coc_number")


BEHALF_PROFILE_FIELDS = (
    "iban",
    "bic",
    "tax_number",
    "small_business",
    "number_format",
    "payment_days",
    "contact_name",
    "email",
    "phone",
    "logo_svg",
)


def behalf_seller_of(client: Client) -> SellerProfile | None:
    return SellerProfile.objects.filter(organisation_id=client.organisation_id, on_behalf_of=client).first()


def behalf_seller_save(
    *, by: Person, client: Client, client_fields: dict[str, Any], profile_fields: dict[str, Any]
) -> SellerProfile:
    """Set a client up as a seller: its legal data (on the client) and its invoicing data (its own profile and sequence)."""
    require_staff(by, client)
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client.pk)
        profile = behalf_seller_of(client) or SellerProfile(organisation_id=client.organisation_id, on_behalf_of=client)
        for name in CLIENT_SELLER_FIELDS:
            if name in client_fields:
                setattr(client, name, client_fields[name])
        for name in BEHALF_PROFILE_FIELDS:
            if name in profile_fields:
                setattr(profile, name, profile_fields[name])
        # What the seller page's forms require, checked here so the API cannot skip it: a full address (BR-08, BR-09),
        # an IBAN to be paid at, and the seller's contact e-mail and phone (XRechnung BR-DE-6, BR-DE-7).
        missing = {
            name: [_("This field is required.")]
            for name, value in [
                *((n, getattr(client, n)) for n in ("street", "postal_code", "city")),
                *((n, getattr(profile, n)) for n in ("iban", "email", "phone")),
            ]
            if not (value or "").strip()
        }
        errors = dict(missing)
        for instance, exclude in (
            (client, ["organisation", "assistants"]),
            (profile, ["organisation", "on_behalf_of"]),
        ):
            try:
                instance.full_clean(exclude=exclude)
            except ValidationError as error:  # report the client's and the profile's problems together
                for field, messages in error.message_dict.items():
                    errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)
        client.save(update_fields=[n for n in CLIENT_SELLER_FIELDS if n in client_fields])
        profile.save()
    return profile


BUYER_FIELDS = (
    "name",
    "is_business",
    "street",
    "postal_code",
    "city",
    "country",
    "vat_id",
    "registration_id",
    "buyer_reference",
    "endpoint_scheme",
    "endpoint_id",
    "language",
    "email",
)


def buyer_save(*, by: Person, seller: SellerProfile, buyer: Buyer | None = None, **fields: Any) -> Buyer:
    if seller.on_behalf_of is None:
        raise PermissionDenied(_("Buyers belong to a client you invoice for."))
    require_staff(by, seller.on_behalf_of)
    if buyer is None:
        buyer = Buyer(seller=seller)
    elif buyer.seller_id != seller.pk:
        raise PermissionDenied
    for name in BUYER_FIELDS:
        if name in fields:
            setattr(buyer, name, fields[name])
    buyer.full_clean(exclude=["seller"])
    buyer.save()
    return buyer


def behalf_draft_create(
    *, by: Person, buyer: Buyer, period_start: date, period_end: date, lines: list[dict[str, Any]] | None = None
) -> Invoice:
    """A draft in the client's name to one of its customers; lines are added by hand (the VA's hours are not the buyer's).
    `lines` (free lines, as for invoice_line_save) are added in the same transaction: all of them or no draft at all."""
    seller = buyer.seller
    client = seller.on_behalf_of
    if client is None:
        raise PermissionDenied
    require_staff(by, client)
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    with transaction.atomic():
        invoice = Invoice.objects.create(
            organisation_id=seller.organisation_id,
            seller=seller,
            client=client,
            buyer=buyer,
            period_start=period_start,
            period_end=period_end,
            language=buyer.language,
            buyer_reference=buyer.buyer_reference,
            created_by=by,
        )
        for fields in lines or ():
            invoice_line_save(by=by, invoice=invoice, **fields)
    return invoice
