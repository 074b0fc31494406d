"""A line's unit reads with its quantity, in the reader's language: "1 maand", "2 maanden", "1,5 Stunden"."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from vadesk.invoicing.documents import document_of
from vadesk.invoicing.models import InvoiceLine
from vadesk.invoicing.pdf.render import pdf_data
from vadesk.invoicing.services import invoice_draft_create, invoice_finalise, invoice_line_save
from vadesk.invoicing.tests.conftest import PERIOD, billable_acme, seller  # noqa: F401 - fixtures


@pytest.mark.parametrize(
    ("language", "unit", "quantity", "reads"),
    [
        ("nl", "MON", "1", "maand"),
        ("nl", "MON", "2", "maanden"),
        ("nl", "C62", "1", "stuk"),
        ("nl", "C62", "3", "stuks"),
        ("de", "HUR", "1", "Stunde"),
        ("de", "HUR", "1.5", "Stunden"),
        ("de", "MON", "1", "Monat"),
        ("en", "HUR", "1", "hour"),
        ("en", "C62", "2", "pieces"),
        ("en", "HUR", "0.25", "hours"),
    ],
)
def test_the_unit_agrees_with_the_quantity(language, unit, quantity, reads):
    with translation.override(language):
        assert InvoiceLine(unit=unit, quantity=Decimal(quantity)).unit_text == reads


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "quantity", "reads"),
    [("nl", "1", "1 maand"), ("nl", "2", "2 maanden"), ("de", "3", "3 Monate"), ("en", "2", "2 months")],
)
def test_the_pdf_prints_the_unit_as_the_page_does(
    language, quantity, reads, seller, owner, assistant, october_hours, billable_acme
):
    """The PDF reads the unit code from the frozen snapshot; it used to print "2 month" and "1,5 h"."""
    billable_acme.preferred_language = language
    billable_acme.save()
    draft = invoice_draft_create(by=assistant, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1])
    invoice_line_save(
        by=owner,
        invoice=draft,
        description="Retainer",
        quantity=Decimal(quantity),
        unit="MON",
        unit_price=Decimal("800.00"),
        rate_kind="standard",
    )
    final = invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))
    quantities = [line["quantity"] for line in pdf_data(final, document_of(final))["lines"]]
    assert reads in quantities
    assert not any(q.endswith(" h") for q in quantities)
