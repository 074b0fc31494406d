"""What the official Peppol, NL CIUS and CEN rules refused in vadesk's e-invoices, through the real writer and the
real rule sets: NL-R-003 / NL-R-005 (KvK schemeID), PEPPOL-EN16931-CL008 (no "EM" endpoint in Peppol), BR-CO-26
(a seller identifier) and BR-AE-02 (reverse charge needs the seller's VAT id)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from vadesk.clients.models import Client
from vadesk.einvoice.tests import official
from vadesk.invoicing.einvoices import FORMATS, einvoice_bytes, formats_of
from vadesk.invoicing.services import (
    client_billing_of,
    invoice_draft_create,
    invoice_finalise,
    invoice_line_save,
    invoice_problems,
)

pytestmark = pytest.mark.django_db
XML_FORMATS = ("ubl", "cii", "xrechnung-ubl", "xrechnung-cii")


def _client(org, **fields):
    defaults = {"street": "Damrak 1", "postal_code": "1012 LG", "city": "Amsterdam", "country": "NL"}
    return Client.objects.create(organisation=org, **{**defaults, **fields})


def _draft(owner, client):
    draft = invoice_draft_create(
        by=owner, client=client, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), from_work=False
    )
    invoice_line_save(
        by=owner,
        invoice=draft,
        description="Ondersteuning",
        quantity=Decimal("3"),
        unit="HUR",
        unit_price=Decimal("55"),
        rate_kind="standard",
    )
    return draft


def _final(owner, client):
    return invoice_finalise(by=owner, invoice=_draft(owner, client), issue_date=date(2026, 11, 2))


def _german_small_business(seller, org, *, coc=""):
    org.country, org.vat_id, org.coc_number = "DE", "", coc
    org.street, org.postal_code, org.city = "Friedrichstraße 10", "10117", "Berlin"
    org.save()
    seller.small_business, seller.tax_number = True, "21/815/08150"
    seller.save()


def test_a_dutch_sellers_peppol_ubl_names_its_kvk_number_with_scheme_0106(seller, owner, org):
    invoice = _final(owner, _client(org, name="Bakkerij B.V.", vat_id="NL003660564B54"))
    ubl, _name, _type = einvoice_bytes(invoice, "ubl")
    assert b'<cbc:CompanyID schemeID="0106">12345678</cbc:CompanyID>' in ubl
    assert "NL-R-003" not in official.rule_ids(ubl) and official.errors(ubl) == []


def test_a_dutch_buyers_kvk_number_carries_scheme_0106(seller, owner, org):
    invoice = _final(owner, _client(org, name="Bakkerij B.V.", coc_number="87654321"))
    ubl, _name, _type = einvoice_bytes(invoice, "ubl")
    assert b'<cbc:CompanyID schemeID="0106">87654321</cbc:CompanyID>' in ubl
    assert official.errors(ubl) == []


def test_a_buyer_without_peppol_id_is_addressed_by_vat_id_or_kvk_never_by_email(seller, owner, org):
    by_vat = _final(owner, _client(org, name="Vat B.V.", vat_id="NL003660564B54", email="ap@vat.example"))
    by_kvk = _final(owner, _client(org, name="Kvk B.V.", coc_number="87654321", email="ap@kvk.example"))
    for invoice, endpoint in (
        (by_vat, b'<cbc:EndpointID schemeID="9944">NL003660564B54</cbc:EndpointID>'),
        (by_kvk, b'<cbc:EndpointID schemeID="0106">87654321</cbc:EndpointID>'),
    ):
        ubl, _name, _type = einvoice_bytes(invoice, "ubl")
        assert endpoint in ubl and b'schemeID="EM"' not in ubl
        assert official.errors(ubl) == []


def test_a_private_buyer_with_only_an_email_gets_every_format_but_peppol_ubl(seller, owner, org):
    private = _client(org, name="Jan Jansen", kind=Client.Kind.PRIVATE, email="jan@example.nl")
    invoice = _final(owner, private)
    assert formats_of(invoice) == [f for f in FORMATS if f != "ubl"]
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="No Peppol UBL for this invoice: no Peppol address for the buyer"),
    ):
        einvoice_bytes(invoice, "ubl")
    for fmt in ("cii", "xrechnung-ubl", "xrechnung-cii"):
        xml, _name, _type = einvoice_bytes(invoice, fmt)
        assert b"jan@example.nl" in xml and official.errors(xml) == [], fmt


def test_finalising_for_a_client_who_chose_peppol_ubl_needs_a_peppol_address(seller, owner, org):
    private = _client(org, name="Jan Jansen", kind=Client.Kind.PRIVATE, email="jan@example.nl")
    billing = client_billing_of(private)
    billing.einvoice_format = "ubl"
    billing.save()
    draft = _draft(owner, private)
    with translation.override("en"):
        assert any("No Peppol address for the client" in p for p in invoice_problems(draft))
    with translation.override("nl"):
        assert any("Geen Peppol-adres voor de klant" in p for p in invoice_problems(draft))


def test_a_section_19_seller_with_only_a_steuernummer_is_not_finalised(seller, owner, org):
    _german_small_business(seller, org)
    draft = _draft(
        owner,
        _client(org, name="Bäckerei Schulz", country="DE", city="Berlin", postal_code="10117", email="b@s.example"),
    )
    with translation.override("en"):
        assert any("add your vat id or chamber of commerce number" in p.lower() for p in invoice_problems(draft))
        with pytest.raises(ValidationError, match="BR-CO-26"):
            invoice_finalise(by=owner, invoice=draft)
    with translation.override("de"):
        assert any("Handelsregisternummer" in p for p in invoice_problems(draft))
    with translation.override("nl"):
        assert any("KvK-nummer" in p for p in invoice_problems(draft))
    draft.refresh_from_db()
    assert not draft.is_final and draft.number == ""


def test_a_section_19_seller_with_a_register_number_is_valid_in_every_format(seller, owner, org):
    _german_small_business(seller, org, coc="HRB 123456")
    invoice = _final(
        owner,
        _client(org, name="Bäckerei Schulz", country="DE", city="Berlin", postal_code="10117", email="b@s.example"),
    )
    assert invoice.vat_case == "small_business"
    assert formats_of(invoice) == [f for f in FORMATS if f != "ubl"]  # neither side has a Peppol address
    for fmt in XML_FORMATS[1:]:
        xml, _name, _type = einvoice_bytes(invoice, fmt)
        assert official.errors(xml) == [], fmt


@pytest.mark.parametrize("country", ["DE", "NL"])
def test_a_small_business_without_vat_id_cannot_reverse_charge_to_an_eu_business(seller, owner, org, country):
    if country == "DE":
        _german_small_business(seller, org, coc="HRB 123456")
    else:
        org.vat_id = ""
        org.save()
        seller.small_business, seller.tax_number = True, "001234567"
        seller.save()
    belgian = _client(org, name="Société SA", country="BE", vat_id="BE0403019261", city="Bruxelles", postal_code="1000")
    draft = _draft(owner, belgian)
    with translation.override("en"):
        assert any("BR-AE-02" in p for p in invoice_problems(draft))
        with pytest.raises(ValidationError, match="reverse charged"):
            invoice_finalise(by=owner, invoice=draft)
    draft.refresh_from_db()
    assert not draft.is_final
