"""Every seller kind vadesk offers × every kind of buyer: the invoice is finalised and every format it is offered in
passes the official rules (CEN EN 16931, Peppol BIS 3.0 with the NL CIUS, XRechnung), or finalising refuses it with
the message that names what is missing. Peppol UBL is offered exactly when both parties have a Peppol address."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from pypdf import PdfReader

from vadesk.clients.models import Client
from vadesk.einvoice.tests import official
from vadesk.invoicing.einvoices import einvoice_bytes, formats_of
from vadesk.invoicing.services import (
    behalf_draft_create,
    behalf_seller_save,
    buyer_save,
    client_billing_of,
    invoice_draft_create,
    invoice_finalise,
    invoice_line_save,
)
from vadesk.invoicing.vat import EU

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SELLERS = {
    "NL B.V.": dict(country="NL", vat_id="NL123456782B01", coc_number="12345678"),
    "NL KOR": dict(country="NL", vat_id="", coc_number="12345678", small_business=True, tax_number="123456789B01"),
    "DE GmbH": dict(country="DE", vat_id="DE129273398", coc_number="HRB 12345"),
    "DE §19": dict(country="DE", vat_id="", coc_number="HRB 123456", small_business=True, tax_number="21/815/08150"),
    "DE §19 with only a Steuernummer": dict(
        country="DE", vat_id="", coc_number="", small_business=True, tax_number="21/815/08150"
    ),
    "BE": dict(country="BE", vat_id="BE0477472701", coc_number="0477.472.701"),
    "AT": dict(country="AT", vat_id="ATU13585627", coc_number="FN 123456a"),
    "on behalf of a client": dict(country="NL", vat_id="NL003660564B54", coc_number="33014286", behalf=True),
}
ADDRESSES = {
    "NL": ("Keizersgracht 123", "1015 CJ", "Amsterdam"),
    "DE": ("Friedrichstraße 10", "10117", "Berlin"),
    "BE": ("Rue de la Loi 16", "1000", "Bruxelles"),
    "AT": ("Stephansplatz 1", "1010", "Wien"),
}
BUYERS = {
    "NL business with Peppol id": dict(country="NL", vat_id="NL853746333B01", coc="87654321"),
    "NL business without": dict(country="NL"),
    "DE business with Peppol id": dict(country="DE", vat_id="DE136695976"),
    "DE business without": dict(country="DE"),
    "BE business with Peppol id": dict(country="BE", vat_id="BE0403019261"),
    "BE business without": dict(country="BE"),
    "DE public body with Leitweg-ID": dict(country="DE", vat_id="DE811128135", leitweg="05315000-12345-67"),
    "private person": dict(country="NL", private=True),
}


def _seller(org, seller, assistant, acme, spec):
    """The seller profile of this kind: the organisation itself, or a client we invoice for."""
    street, postal_code, city = ADDRESSES[spec["country"]]
    legal = dict(
        country=spec["country"],
        vat_id=spec["vat_id"],
        coc_number=spec["coc_number"],
        street=street,
        postal_code=postal_code,
        city=city,
    )
    if spec.get("behalf"):
        return behalf_seller_save(
            by=assistant,
            client=acme,
            client_fields={"name": "Opleidingsinstituut Acme B.V.", **legal},
            profile_fields={
                "iban": "NL18RABO0123459876",
                "email": "facturen@acme.example",
                "contact_name": "Cees Acme",
                "phone": "+31 20 555 0101",
            },
        )
    for name, value in legal.items():
        setattr(org, name, value)
    org.save()
    seller.small_business, seller.tax_number = spec.get("small_business", False), spec.get("tax_number", "")
    seller.save()
    return seller


def _draft(profile, owner, assistant, org, name, spec):
    street, postal_code, city = ADDRESSES[spec["country"]]
    fields = dict(name=name, country=spec["country"], street=street, postal_code=postal_code, city=city)
    fields["vat_id"] = spec.get("vat_id", "")
    fields["email"] = "invoices@buyer.example"
    period = {"period_start": date(2026, 10, 1), "period_end": date(2026, 10, 31)}
    if profile.on_behalf_of_id:
        extra = {"endpoint_scheme": "0204", "endpoint_id": spec["leitweg"]} if "leitweg" in spec else {}
        buyer = buyer_save(
            by=assistant,
            seller=profile,
            is_business=not spec.get("private"),
            registration_id=spec.get("coc", ""),
            buyer_reference=spec.get("leitweg", ""),
            language="nl",
            **fields,
            **extra,
        )
        draft = behalf_draft_create(by=assistant, buyer=buyer, **period)
    else:
        client = Client.objects.create(
            organisation=org,
            kind=Client.Kind.PRIVATE if spec.get("private") else Client.Kind.COMPANY,
            coc_number=spec.get("coc", ""),
            **fields,
        )
        if "leitweg" in spec:
            billing = client_billing_of(client)
            billing.buyer_reference = spec["leitweg"]
            billing.save()
        draft = invoice_draft_create(by=owner, client=client, from_work=False, **period)
    invoice_line_save(
        by=assistant if profile.on_behalf_of_id else owner,
        invoice=draft,
        description="Ondersteuning",
        quantity=Decimal("3.5"),
        unit="HUR",
        unit_price=Decimal("55"),
    )
    return draft


def _refusal(seller: dict, buyer: dict) -> str:
    """The message finalising must give, or "" when the combination is lawful and must be valid in every format."""
    if not (seller["vat_id"] or seller["coc_number"]):
        return "BR-CO-26"
    business_abroad = not buyer.get("private") and buyer["country"] != seller["country"] and buyer["country"] in EU
    if business_abroad and not buyer.get("vat_id"):
        return "reverse charge needs the"
    if business_abroad and not seller["vat_id"]:
        return "BR-AE-02"
    return ""


def _has_peppol_address(party: dict, *, coc_key: str) -> bool:
    return bool(party.get("vat_id") or (party["country"] in ("NL", "BE") and party.get(coc_key)) or "leitweg" in party)


@pytest.mark.parametrize("buyer_kind", list(BUYERS))
@pytest.mark.parametrize("seller_kind", list(SELLERS))
def test_every_format_is_valid_or_the_invoice_is_refused_with_the_reason(
    seller_kind, buyer_kind, org, seller, owner, assistant, acme
):
    seller_spec, buyer_spec = SELLERS[seller_kind], BUYERS[buyer_kind]
    profile = _seller(org, seller, assistant, acme, seller_spec)
    draft = _draft(profile, owner, assistant, org, f"{buyer_kind} Ltd", buyer_spec)
    refusal = _refusal(seller_spec, buyer_spec)
    with translation.override("en"):
        if refusal:
            with pytest.raises(ValidationError, match=refusal):
                invoice_finalise(by=owner, invoice=draft)
            return
        invoice = invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))
    formats = formats_of(invoice)
    peppol = _has_peppol_address(seller_spec, coc_key="coc_number") and _has_peppol_address(buyer_spec, coc_key="coc")
    assert ("ubl" in formats) == peppol, formats
    for fmt in formats:
        content, _name, _type = einvoice_bytes(invoice, fmt)
        xml = PdfReader(BytesIO(content)).attachments["factur-x.xml"][0] if fmt == "facturx" else content
        assert official.errors(xml) == [], (seller_kind, buyer_kind, fmt)
