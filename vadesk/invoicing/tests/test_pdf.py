"""The PDF: rendered for real, turned into an image with pdftoppm, the QR decoded with zbarimg."""

import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from vadesk.invoicing.models import ClientBilling
from vadesk.invoicing.pdf.render import render_facturx, render_pdf
from vadesk.invoicing.services import client_billing_of, invoice_draft_create, invoice_finalise, invoice_line_save
from vadesk.invoicing.tests.conftest import PERIOD

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture
def german_invoice(seller, owner, assistant, october_hours, billable_acme, task):
    billable_acme.preferred_language = "de"
    billable_acme.name = "Bäckerei Müller & Söhne GmbH"
    billable_acme.save()
    billing = client_billing_of(billable_acme)
    billing.grouping = ClientBilling.Grouping.SUMMARY
    billing.save()
    draft = invoice_draft_create(by=assistant, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1])
    invoice_line_save(
        by=owner,
        invoice=draft,
        description="Bahnfahrt Amsterdam – Köln",
        detail="2. Klasse, hin und zurück",
        quantity=Decimal(1),
        unit="C62",
        unit_price=Decimal("89.90"),
        rate_kind="reduced",
    )
    return invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))


def _png(pdf: bytes, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "110", str(path), str(ARTIFACTS / name)], check=True)
    return ARTIFACTS / f"{name}-1.png"


def test_the_pdf_speaks_the_clients_language_and_its_qr_pays_the_total(german_invoice):
    # Not a skip: without the real tools this test would prove nothing (make test installs them).
    assert shutil.which("pdftoppm") and shutil.which("zbarimg"), "install Debian's poppler-utils and zbar-tools"
    pdf = render_pdf(german_invoice)
    text = "\n".join(page.extract_text() for page in PdfReader(__import__("io").BytesIO(pdf)).pages)
    assert "RECHNUNG" in text and ("Leistungszeitraum" in text or "Zeitraum" in text)
    assert "NL91 ABNA 0417 1643 00" in text and "NL123456782B01" in text and "12345678" in text
    png = _png(pdf, "invoice-de")
    assert "Stundennachweis" in text  # the summary line's hours specification
    png = _png(pdf, "invoice-de")
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    # EPC069-12: service tag, version, character set (1 UTF-8 / 2 ISO 8859-1), SCT, BIC, name, IBAN, amount
    assert decoded[2] in ("1", "2")
    assert decoded[:2] + decoded[3:8] == [
        "BCD",
        "002",
        "SCT",
        "ABNANL2A",
        "Assist & Co",
        "NL91ABNA0417164300",
        f"EUR{german_invoice.gross_total}",
    ]
    assert german_invoice.number in decoded


def test_the_facturx_pdf_embeds_the_cii_xml(german_invoice):
    pdf = render_facturx(german_invoice)
    reader = PdfReader(__import__("io").BytesIO(pdf))
    attachments = reader.attachments
    assert list(attachments) == ["factur-x.xml"]
    xml = attachments["factur-x.xml"][0]
    assert german_invoice.number.encode() in xml and b"urn:cen.eu:en16931:2017" in xml
    assert b"pdfaid:part" in reader.xmp_metadata.stream.get_data() if hasattr(reader.xmp_metadata, "stream") else True
