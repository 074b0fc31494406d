"""IBANs and VAT ids are stored compact whatever was typed, printed grouped, and reach the QR code and XML compact."""

import importlib
import subprocess
from io import BytesIO

import pytest
from django.apps import apps
from lxml import etree
from pypdf import PdfReader

from vadesk.clients.models import Client
from vadesk.conftest import login
from vadesk.invoicing.einvoices import einvoice_bytes
from vadesk.invoicing.models import Buyer, Invoice, SellerProfile
from vadesk.invoicing.pdf.render import render_pdf
from vadesk.invoicing.tests.test_behalf import SELLER_POST, _final, behalf  # noqa: F401
from vadesk.invoicing.tests.test_pdf import _png
from vadesk.lib.validators import format_iban

pytestmark = pytest.mark.django_db

SPACED = "nl18 rabo 0123 4598 76"
COMPACT = "NL18RABO0123459876"
UBL = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}


def test_the_seller_page_stores_an_iban_typed_with_spaces_compact(client, seller, assistant, acme):
    login(client, assistant)
    response = client.post(f"/invoices/behalf/{acme.pk}/", {**SELLER_POST, "seller-iban": SPACED})
    assert response.status_code == 302
    assert SellerProfile.objects.get(on_behalf_of=acme).iban == COMPACT


def test_a_buyers_vat_id_is_stored_compact(behalf):
    buyer = behalf.buyers.get(name="Weiterbildung Müller GmbH")
    buyer.vat_id = "de 136 695 976"
    buyer.full_clean(exclude=["seller"])
    assert buyer.vat_id == "DE136695976"


def test_the_grouped_form_is_for_people():
    assert format_iban(COMPACT) == "NL18 RABO 0123 4598 76"
    assert format_iban(SPACED) == "NL18 RABO 0123 4598 76"  # never regrouped over the spaces


@pytest.fixture
def spaced_final(behalf, owner, assistant):
    """An IBAN saved with spaces before storage compacted it, and frozen so into a final invoice's seller
    (both written past the model, as old rows are)."""
    SellerProfile.objects.filter(pk=behalf.pk).update(iban=SPACED)
    behalf.refresh_from_db()
    invoice = _final(behalf, owner, assistant, "Gemeente Utrecht")
    Invoice.objects.filter(pk=invoice.pk).update(seller_snapshot={**invoice.seller_snapshot, "iban": SPACED})
    invoice.refresh_from_db()
    return invoice


def test_the_pdf_prints_it_grouped_and_its_qr_code_carries_it_compact(spaced_final):
    pdf = render_pdf(spaced_final)
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "NL18 RABO 0123 4598 76" in text
    assert "ING B" not in text and "RABO 01 2" not in text
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(_png(pdf, "behalf-compact-iban"))],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert decoded[6] == COMPACT  # EPC069-12 line 7: the beneficiary's IBAN


def test_the_xml_carries_it_compact(spaced_final):
    for fmt in ("ubl", "xrechnung-ubl"):
        content, _name, _type = einvoice_bytes(spaced_final, fmt)
        ids = etree.fromstring(content).xpath("//cac:PayeeFinancialAccount/*[local-name()='ID']/text()", namespaces=UBL)
        assert ids == [COMPACT], fmt
    content, _name, _type = einvoice_bytes(spaced_final, "xrechnung-cii")
    assert etree.fromstring(content).xpath("//*[local-name()='IBANID']/text()") == [COMPACT]


def test_the_data_migrations_compact_what_was_stored_with_spaces(behalf, acme):
    SellerProfile.objects.filter(pk=behalf.pk).update(iban=SPACED, bic="rabo nl2u")
    Buyer.objects.filter(seller=behalf, name="Weiterbildung Müller GmbH").update(vat_id="de 136 695 976")
    Client.objects.filter(pk=acme.pk).update(vat_id="nl 0036.60564.B54")
    importlib.import_module("vadesk.invoicing.migrations.0005_compact_ibans_and_vat_ids").compact(apps, None)
    importlib.import_module("vadesk.clients.migrations.0002_compact_vat_ids").compact(apps, None)
    behalf.refresh_from_db()
    assert (behalf.iban, behalf.bic) == (COMPACT, "RABONL2U")
    assert Buyer.objects.get(seller=behalf, name="Weiterbildung Müller GmbH").vat_id == "DE136695976"
    assert Client.objects.get(pk=acme.pk).vat_id == "NL003660564B54"
