"""Invoicing on a client's behalf: the client as seller, its own customers (buyers), drafts in its name.

Same services as the pages (vadesk.invoicing.services), so the same rules: staff who serve the client read and
write, only owners finalise (POST /invoices/{id}/finalise), everyone else gets 404 and nothing is written.
"""

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from vadesk.accounts.models import Country, Language, Person
from vadesk.api.auth import person_of
from vadesk.api.invoices import InvoiceOut, LineIn, _out
from vadesk.api.types import Day, Id, Input
from vadesk.clients.models import Client
from vadesk.clients.scoping import client_for
from vadesk.invoicing import services
from vadesk.invoicing.models import Buyer, SellerProfile

router = Router(tags=["invoicing on a client's behalf"])


class SellerOut(Schema):
    client_id: int
    name: str
    street: str
    postal_code: str
    city: str
    country: str
    vat_id: str
    coc_number: str
    iban: str
    bic: str
    tax_number: str
    small_business: bool
    number_format: str
    payment_days: int
    contact_name: str
    email: str
    phone: str


class SellerIn(Input):
    """Partial: only the fields sent change. Setting a client up needs street, postal code, city, IBAN, e-mail and phone."""

    name: str | None = Field(None, min_length=1, max_length=200)
    street: str | None = Field(None, max_length=200)
    postal_code: str | None = Field(None, max_length=20)
    city: str | None = Field(None, max_length=100)
    country: Country | None = None
    vat_id: str | None = Field(None, max_length=20)
    coc_number: str | None = Field(None, max_length=30)
    iban: str | None = Field(None, max_length=34)
    bic: str | None = Field(None, max_length=11)
    tax_number: str | None = Field(None, max_length=30)
    small_business: bool | None = None
    number_format: str | None = Field(None, min_length=1, max_length=40, description="e.g. `ACME-{year}-{seq:03d}`")
    payment_days: int | None = Field(None, ge=0, le=365)
    contact_name: str | None = Field(None, max_length=100)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)


class BuyerOut(Schema):
    id: int
    name: str
    is_business: bool
    street: str
    postal_code: str
    city: str
    country: str
    vat_id: str
    registration_id: str
    buyer_reference: str
    endpoint_scheme: str
    endpoint_id: str
    language: str
    email: str


class BuyerIn(Input):
    name: str = Field(min_length=1, max_length=200)
    is_business: bool = True
    street: str = Field(min_length=1, max_length=200)
    postal_code: str = Field(min_length=1, max_length=20)
    city: str = Field(min_length=1, max_length=100)
    country: Country = Country.NL
    vat_id: str = Field("", max_length=20)
    registration_id: str = Field("", max_length=30)
    buyer_reference: str = Field("", max_length=60, description="e.g. a Leitweg-ID or purchase order number (BT-10)")
    endpoint_scheme: str = Field(
        "", max_length=4, description="Peppol EAS code: 0106, 0190, 9944, 0204, 9930, 0208, 9925 or EM"
    )
    endpoint_id: str = Field("", max_length=100)
    language: Language = Language.NL
    email: str = Field("", max_length=254)


class BuyerPatch(Input):
    name: str | None = Field(None, min_length=1, max_length=200)
    is_business: bool | None = None
    street: str | None = Field(None, min_length=1, max_length=200)
    postal_code: str | None = Field(None, min_length=1, max_length=20)
    city: str | None = Field(None, min_length=1, max_length=100)
    country: Country | None = None
    vat_id: str | None = Field(None, max_length=20)
    registration_id: str | None = Field(None, max_length=30)
    buyer_reference: str | None = Field(None, max_length=60)
    endpoint_scheme: str | None = Field(None, max_length=4)
    endpoint_id: str | None = Field(None, max_length=100)
    language: Language | None = None
    email: str | None = Field(None, max_length=254)


class BehalfDraftIn(Input):
    buyer_id: Id
    period_start: Day
    period_end: Day
    lines: list[LineIn] = Field(
        default_factory=list, max_length=500, description="free lines; all are added or no draft is made"
    )


def _seller_out(client: Client, profile: SellerProfile) -> dict:
    data = {name: getattr(client, name) for name in services.CLIENT_SELLER_FIELDS}
    data |= {
        name: getattr(profile, name) for name in SellerOut.model_fields if name not in data and name != "client_id"
    }
    return {**data, "client_id": client.pk}


def _profile_or_404(person: Person, client_id: int) -> tuple[Client, SellerProfile]:
    client = client_for(person, client_id, write=True)
    profile = services.behalf_seller_of(client)
    if profile is None:
        raise Http404
    return client, profile


def _buyer_or_404(profile: SellerProfile, buyer_id: int) -> Buyer:
    try:
        return profile.buyers.get(pk=buyer_id)
    except (Buyer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@router.get("/clients/{client_id}/seller", response=SellerOut)
def get_seller(request: HttpRequest, client_id: Id):
    """The client as a seller; 404 while it is not set up."""
    client, profile = _profile_or_404(person_of(request), client_id)
    return _seller_out(client, profile)


@router.patch("/clients/{client_id}/seller", response=SellerOut)
def save_seller(request: HttpRequest, client_id: Id, payload: SellerIn):
    """Set the client up as a seller, or change its seller data."""
    person = person_of(request)
    client = client_for(person, client_id, write=True)
    fields = payload.model_dump(exclude_unset=True)
    profile = services.behalf_seller_save(
        by=person,
        client=client,
        client_fields={k: v for k, v in fields.items() if k in services.CLIENT_SELLER_FIELDS},
        profile_fields={k: v for k, v in fields.items() if k in services.BEHALF_PROFILE_FIELDS},
    )
    client.refresh_from_db()
    return _seller_out(client, profile)


@router.get("/clients/{client_id}/buyers", response=list[BuyerOut])
def list_buyers(request: HttpRequest, client_id: Id):
    _client, profile = _profile_or_404(person_of(request), client_id)
    return list(profile.buyers.order_by("name", "pk"))


@router.post("/clients/{client_id}/buyers", response={201: BuyerOut})
def create_buyer(request: HttpRequest, client_id: Id, payload: BuyerIn):
    person = person_of(request)
    _client, profile = _profile_or_404(person, client_id)
    return services.buyer_save(by=person, seller=profile, **payload.model_dump())


@router.patch("/clients/{client_id}/buyers/{buyer_id}", response=BuyerOut)
def update_buyer(request: HttpRequest, client_id: Id, buyer_id: Id, payload: BuyerPatch):
    person = person_of(request)
    _client, profile = _profile_or_404(person, client_id)
    buyer = _buyer_or_404(profile, buyer_id)
    return services.buyer_save(by=person, seller=profile, buyer=buyer, **payload.model_dump(exclude_unset=True))


@router.post("/clients/{client_id}/behalf-invoices", response={201: InvoiceOut})
def create_behalf_draft(request: HttpRequest, client_id: Id, payload: BehalfDraftIn):
    """A draft in the client's name to one of its buyers. Add more lines with POST /invoices/{id}/lines; an owner
    finalises with POST /invoices/{id}/finalise."""
    person = person_of(request)
    _client, profile = _profile_or_404(person, client_id)
    buyer = _buyer_or_404(profile, payload.buyer_id)
    invoice = services.behalf_draft_create(
        by=person,
        buyer=buyer,
        period_start=payload.period_start,
        period_end=payload.period_end,
        lines=[line.model_dump() for line in payload.lines],
    )
    return _out(invoice)
