import pytest

from vadesk.einvoice.tests import official
from vadesk.invoicing.einvoices import einvoice_bytes, formats_of
from vadesk.invoicing.models import Invoice, Payment

pytestmark = pytest.mark.django_db


def test_the_demo_holds_two_months_of_invoices_a_credit_note_payments_and_every_vat_case():
    from vadesk.demo.loader import demo_load

    demo_load()
    finals = Invoice.objects.final()
    assert len({i.issue_date.month for i in finals.invoices()}) >= 2
    assert finals.filter(kind="credit_note").exists() and Payment.objects.exists()
    assert {"domestic", "reverse_charge", "foreign_private", "small_business"} <= set(
        finals.values_list("vat_case", flat=True)
    )
    for invoice in finals[:6]:
        for fmt in formats_of(invoice, ("ubl", "cii")):
            assert official.errors(einvoice_bytes(invoice, fmt)[0]) == [], (invoice.number, fmt)
