"""Every format of a spread of real invoices passes the official rules (XSD, CEN EN 16931, Peppol BIS 3.0 for
Peppol UBL, KoSIT XRechnung for XRechnung); any fatal finding fails the test."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from vadesk.clients.models import Client
from vadesk.einvoice.tests import official
from vadesk.invoicing.einvoices import einvoice_bytes, formats_of
from vadesk.invoicing.models import InvoiceLine
from vadesk.invoicing.services import (
    client_billing_of,
    credit_note_create,
    invoice_draft_create,
    invoice_finalise,
    invoice_line_save,
)

pytestmark = pytest.mark.django_db
XML_FORMATS = ("ubl", "cii", "xrechnung-ubl", "xrechnung-cii")
LONG = "Unterstützung bei der Vorbereitung der Jahreshauptversammlung, Protokollführung und Nachbereitung — " * 6


def _client(org, **fields):
    defaults = {
        "street": "Rue de la Loi 16",
        "postal_code": "1000",
        "city": "Bruxelles",
        "email": "compta@client.example",
    }
    return Client.objects.create(organisation=org, **{**defaults, **fields})


def _invoice(owner, client, lines, *, credit=False):
    draft = invoice_draft_create(
        by=owner, client=client, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), from_work=False
    )
    for description, quantity, price, kind in lines:
        invoice_line_save(
            by=owner,
            invoice=draft,
            description=description,
            quantity=Decimal(quantity),
            unit="HUR",
            unit_price=Decimal(price),
            rate_kind=kind,
        )
    invoice = invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))
    if credit:
        line = invoice.lines.first()
        return invoice_finalise(
            by=owner,
            invoice=credit_note_create(by=owner, invoice=invoice, quantities={line.pk: Decimal("0.5")}),
            issue_date=date(2026, 11, 5),
        )
    return invoice


@pytest.fixture
def spread(seller, owner, org):
    """Each VAT case, a credit note, many lines, rounding edges, long texts and non-ASCII names."""
    domestic = _client(
        org,
        name="Acme B.V.",
        country="NL",
        street="Damrak 1",
        postal_code="1012 LG",
        city="Amsterdam",
        coc_number="33014286",  # its Peppol address: KvK, EAS 0106
    )
    reverse = _client(org, name="Ærøskøbing Société Générale SA", country="BE", vat_id="BE0403019261")
    private = _client(
        org,
        name="Zoë Çelik-Østergård",
        country="DE",
        kind=Client.Kind.PRIVATE,
        street="Müllerstraße 3",
        postal_code="13353",
        city="Berlin",
    )
    public = _client(
        org,
        name="Stadt Köln – Amt für Digitales",
        country="DE",
        vat_id="DE811128135",
        street="Willy-Brandt-Platz 2",
        postal_code="50679",
        city="Köln",
    )
    billing = client_billing_of(public)
    billing.buyer_reference = "05315000-12345-67"  # a Leitweg-ID
    billing.save()
    invoices = {
        "domestic with reduced and zero": _invoice(
            owner,
            domestic,
            [
                ("Ondersteuning", "12.25", "55", "standard"),
                ("Boeken", "3", "19.95", "reduced"),
                ("Export", "1", "10", "zero"),
            ],
        ),
        "reverse charge": _invoice(owner, reverse, [("Secrétariat", "7.5", "60", "standard")]),
        "private client abroad": _invoice(owner, private, [("Terminplanung", "1.3333", "45.5", "standard")]),
        "public buyer, long texts": _invoice(owner, public, [(LONG[:200], "2", "70", "standard")]),
        "many lines, rounding edges": _invoice(
            owner,
            domestic,
            [(f"Regel {i} — €½ afronding", "0.3333", "0.015" if i % 2 else "33.335", "standard") for i in range(40)],
        ),
        "credit note": _invoice(owner, domestic, [("Ondersteuning", "4", "55", "standard")], credit=True),
    }
    return invoices


@pytest.fixture
def small_business(seller, owner, org):
    seller.small_business = True
    seller.save()
    return _invoice(
        owner,
        _client(
            org,
            name="Bakkerij De Eendracht",
            country="NL",
            street="Markt 1",
            postal_code="3511 AA",
            city="Utrecht",
            coc_number="30123456",
        ),
        [("Administratie", "5", "40", "standard")],
    )


def _assert_valid(invoice):
    for fmt in formats_of(invoice, XML_FORMATS):
        xml, _name, _type = einvoice_bytes(invoice, fmt)
        assert official.errors(xml) == [], (invoice.number, fmt)


def test_every_format_of_the_spread_passes_the_official_rules(spread):
    assert len({i.vat_case for i in spread.values()}) == 3
    assert formats_of(spread["private client abroad"], XML_FORMATS) == list(XML_FORMATS[1:])
    for invoice in spread.values():
        _assert_valid(invoice)


def test_the_small_business_scheme_is_valid_and_carries_the_legal_note(small_business):
    _assert_valid(small_business)
    xml, _name, _type = einvoice_bytes(small_business, "ubl")
    assert (
        b"<cbc:ID>E</cbc:ID>" in xml
        and b"kleineondernemersregeling" in xml
        and b'<cbc:TaxAmount currencyID="EUR">0.00' in xml
    )


def test_reverse_charge_shows_both_vat_ids_and_the_note(spread):
    xml, _name, _type = einvoice_bytes(spread["reverse charge"], "ubl")
    assert b"NL123456782B01" in xml and b"BE0403019261" in xml and b"VATEX-EU-AE" in xml and b"Reverse charge" in xml


def test_the_validator_does_catch_a_wrong_total(spread):
    xml, _name, _type = einvoice_bytes(spread["domestic with reduced and zero"], "ubl")
    broken = xml.replace(b'<cbc:PayableAmount currencyID="EUR">', b'<cbc:PayableAmount currencyID="EUR">1')
    assert any("BR-CO-16" in e for e in official.errors(broken))
    cii, _name, _type = einvoice_bytes(spread["reverse charge"], "cii")
    findings = official.errors(
        cii.replace(b'<ram:ID schemeID="VA">BE0403019261</ram:ID>', b'<ram:ID schemeID="FC">123</ram:ID>')
    )
    assert any("BR-AE-02" in e for e in findings), findings


def test_the_peppol_and_xrechnung_rule_sets_do_run(spread):
    xml, _name, _type = einvoice_bytes(spread["public buyer, long texts"], "xrechnung-ubl")
    assert "BR-DE-15" in official.rule_ids(xml.replace(b"05315000-12345-67", b""))
    cii, _name, _type = einvoice_bytes(spread["public buyer, long texts"], "xrechnung-cii")
    assert "BR-DE-15" in official.rule_ids(cii.replace(b"05315000-12345-67", b""))
    ubl, _name, _type = einvoice_bytes(spread["public buyer, long texts"], "ubl")
    assert "PEPPOL-EN16931-R002" in official.rule_ids(
        ubl.replace(b"</cbc:Note>", b"</cbc:Note><cbc:Note>x</cbc:Note>", 1)
    )


def test_the_facturx_pdf_carries_valid_cii(spread):
    pdf, name, _type = einvoice_bytes(spread["reverse charge"], "facturx")
    xml = PdfReader(BytesIO(pdf)).attachments["factur-x.xml"][0]
    assert official.errors(xml) == [] and name.endswith("-facturx.pdf")


def test_the_command_writes_one_or_all(spread, tmp_path):
    invoice = spread["credit note"]
    call_command("einvoice", invoice.number, "--format", "xrechnung-cii", "--out", str(tmp_path / "one.xml"))
    assert official.errors((tmp_path / "one.xml").read_bytes()) == []
    call_command("einvoice", "--all", "--format", "ubl", "--out", str(tmp_path / "all"))
    # six invoices and one credit note, but the private client abroad has no Peppol address
    assert len(list((tmp_path / "all").iterdir())) == 6


def test_line_nets_round_half_up_per_line_and_vat_once_per_group(spread):
    invoice = spread["many lines, rounding edges"]
    nets = [line.net_amount for line in InvoiceLine.objects.filter(invoice=invoice)]
    assert nets[:2] == [
        Decimal("11.11"),
        Decimal("0.00"),
    ]  # 0.3333 × 33.335 = 11.1106 → 11.11; 0.3333 × 0.015 = 0.005 → 0.00 (half up of 0.0049995)
    assert invoice.net_total == sum(nets) and invoice.vat_total == (invoice.net_total * Decimal("0.21")).quantize(
        Decimal("0.01")
    )
