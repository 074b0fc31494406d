"""The invoice page names things in words, in the reader's language: no `standard`, `S 21.00`, `facturx` or `ubl`."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from vadesk.invoicing.models import InvoiceLine
from vadesk.invoicing.services import invoice_draft_create, invoice_finalise, invoice_line_save
from vadesk.invoicing.tests.conftest import PERIOD
from vadesk.invoicing.views import vat_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(seller, owner, billable_acme):
    draft = invoice_draft_create(
        by=owner, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False
    )
    invoice_line_save(
        by=owner, invoice=draft, description="Agendabeheer", quantity=Decimal(2), unit="HUR", unit_price=Decimal(50)
    )
    return draft


def page_as(client, owner, invoice, language: str) -> str:
    owner.language = language
    owner.save(update_fields=["language"])
    client.force_login(owner)
    return client.get(reverse("invoicing:detail", args=[invoice.pk])).content.decode()


def cells(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)]


def test_a_drafts_vat_column_names_the_rate_in_words(client, owner, draft):
    assert "Standaardtarief" in cells(page_as(client, owner, draft, "nl"))
    german = cells(page_as(client, owner, draft, "de"))
    assert "Regelsteuersatz" in german and "standard" not in german


def test_a_final_invoice_shows_the_percentage_and_the_e_invoice_formats_by_name(client, owner, draft):
    final = invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))
    page = page_as(client, owner, final, "de")
    assert "21 %" in cells(page) and not any(c.startswith("S ") for c in cells(page))
    buttons = re.findall(r'data-testid="download-([a-z-]+)"[^>]*>([^<]+)</a>', page)
    assert buttons and all(code != label for code, label in buttons), buttons
    assert ("facturx", "Factur-X") in buttons and ("xrechnung-ubl", "XRechnung (UBL)") in buttons


def test_a_zero_rate_says_why():
    with translation.override("nl"):
        assert vat_text(InvoiceLine(vat_rate=Decimal("0"), vat_category="AE"), final=True) == "0 % · btw verlegd"
        assert vat_text(InvoiceLine(vat_rate=Decimal("9.00"), vat_category="S"), final=True) == "9 %"
    with translation.override("de"):
        assert vat_text(InvoiceLine(vat_rate=Decimal("5.50"), vat_category="S"), final=True) == "5,5 %"
        assert vat_text(InvoiceLine(vat_rate=Decimal("0"), vat_category="E"), final=True) == "0 % · steuerfrei"
