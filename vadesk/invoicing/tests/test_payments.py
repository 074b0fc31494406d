from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from vadesk.conftest import login
from vadesk.invoicing import camt
from vadesk.invoicing.models import Payment, StatementLine
from vadesk.invoicing.services import (
    invoice_draft_create,
    invoice_finalise,
    invoice_line_save,
    open_amount,
    payment_record,
    statement_import,
    statement_line_resolve,
)
from vadesk.invoicing.tests.camt_sample import statement
from vadesk.invoicing.tests.conftest import PERIOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoices(seller, owner, billable_acme):
    made = []
    for price in ("100", "250"):
        draft = invoice_draft_create(
            by=owner, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False
        )
        invoice_line_save(
            by=owner, invoice=draft, description="Work", quantity=Decimal(1), unit="C62", unit_price=Decimal(price)
        )
        made.append(invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2)))
    return made  # 121.00 and 302.50 with 21 % VAT


def test_it_books_exact_matches_and_keeps_uncertain_ones_for_review(owner, org, invoices):
    first, second = invoices
    data = statement(
        [
            {"ref": "A1", "amount": "121.00", "text": f"Factuur {first.number} dank u"},
            {"ref": "A2", "amount": "300.00", "text": f"inv {second.number.replace('-', '')}"},
            {"ref": "A3", "amount": "50.00", "text": "Birthday present"},
            {"ref": "A4", "amount": "99.00", "text": f"{first.number}", "direction": "DBIT"},
        ]
    )
    statement_import(by=owner, organisation=org, data=data)
    first.refresh_from_db()
    assert first.paid_at == date(2026, 11, 10)
    statuses = dict(StatementLine.objects.values_list("bank_reference", "status"))
    assert statuses == {"A1": "matched", "A2": "review", "A3": "unmatched"}
    statement_import(by=owner, organisation=org, data=data)  # the same file again adds nothing
    assert StatementLine.objects.count() == 3 and Payment.objects.count() == 1
    review = StatementLine.objects.get(bank_reference="A2")
    statement_line_resolve(by=owner, line=review, invoice=second)
    assert open_amount(second) == Decimal("2.50")
    second.refresh_from_db()
    assert second.paid_at is None


def test_bad_files_get_a_clear_message(owner, org):
    for data in (b"not xml", b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.001.001.03'/>"):
        with pytest.raises(ValidationError, match="CAMT.053"):
            statement_import(by=owner, organisation=org, data=data)


def test_matching_by_amount_and_name_needs_review():
    entry = camt.Entry("r", date(2026, 1, 1), Decimal("10.00"), "Acme B.V.", "", "monthly payment")
    found = camt.match(entry, [camt.OpenInvoice(1, "2026-0001", Decimal("10.00"), "Acme B.V.")])
    assert found.status == "review" and found.invoice_pk == 1


def test_mark_paid_manually(owner, invoices, assistant):
    first = invoices[0]
    payment_record(by=owner, invoice=first, amount=Decimal("121.00"), paid_on=date(2026, 11, 20))
    first.refresh_from_db()
    assert first.paid_at == date(2026, 11, 20)
    with pytest.raises(ValidationError):
        payment_record(by=owner, invoice=first, amount=Decimal("-1"), paid_on=date(2026, 11, 20))


def test_the_review_screen_books_a_payment(client, owner, org, invoices, outsider):
    statement_import(
        by=owner, organisation=org, data=statement([{"ref": "B1", "amount": "302.50", "text": "no reference"}])
    )
    line = StatementLine.objects.get()
    login(client, outsider)
    assert (
        client.post(reverse("invoicing:bank_resolve", args=[line.pk]), {"invoice": invoices[1].pk}).status_code == 404
    )
    login(client, owner)
    assert "no reference" in client.get(reverse("invoicing:bank")).content.decode()
    client.post(reverse("invoicing:bank_resolve", args=[line.pk]), {"invoice": invoices[1].pk})
    invoices[1].refresh_from_db()
    assert invoices[1].paid_at == date(2026, 11, 10)
