"""One amount due (credit notes included), the rules for recording a payment, and undoing one."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from vadesk.conftest import login
from vadesk.invoicing.models import Buyer, Invoice, Payment, SellerProfile, StatementLine
from vadesk.invoicing.reminders import reminders_send
from vadesk.invoicing.services import (
    credit_note_create,
    invoice_draft_create,
    invoice_finalise,
    invoice_line_save,
    open_amount,
    payment_delete,
    payment_record,
    statement_import,
)
from vadesk.invoicing.tests.camt_sample import statement
from vadesk.invoicing.tests.conftest import PERIOD

pytestmark = pytest.mark.django_db

# 1 December 2026, 23:30 UTC: already 00:30 on the 2nd in Amsterdam, still 19:30 on the 1st in Curaçao.
MIDNIGHT = datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("UTC"))


@pytest.fixture
def invoice(seller, owner, billable_acme):
    draft = invoice_draft_create(
        by=owner, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False
    )
    invoice_line_save(
        by=owner, invoice=draft, description="Work", quantity=Decimal(2), unit="C62", unit_price=Decimal("50")
    )
    return invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))  # 121.00 with 21 % VAT


def credit_half(owner, invoice) -> Invoice:
    line = invoice.lines.get()
    credit = credit_note_create(by=owner, invoice=invoice, quantities={line.pk: Decimal(1)})
    return invoice_finalise(by=owner, invoice=credit, issue_date=date(2026, 11, 3))  # 60.50


def test_the_amount_due_counts_payments_and_final_credit_notes_only(owner, invoice):
    draft_credit = credit_note_create(by=owner, invoice=invoice)
    payment_record(by=owner, invoice=invoice, amount=Decimal("10.00"), paid_on=date(2026, 11, 5))
    assert open_amount(invoice) == Decimal("111.00")  # a draft credit note does not count
    draft_credit.delete()
    credit_half(owner, invoice)
    annotated = Invoice.objects.with_amount_due().get(pk=invoice.pk)
    assert (annotated.amount_paid, annotated.amount_credited, annotated.amount_due) == (
        Decimal("10.00"),
        Decimal("60.50"),
        Decimal("50.50"),
    )
    assert open_amount(invoice) == Decimal("50.50")


def test_a_payment_of_what_is_left_after_a_credit_note_settles_the_invoice(owner, invoice):
    credit_half(owner, invoice)
    with pytest.raises(ValidationError, match="60.51 is more than the 60.50 still due"):
        payment_record(by=owner, invoice=invoice, amount=Decimal("60.51"), paid_on=date(2026, 11, 20))
    payment_record(by=owner, invoice=invoice, amount=Decimal("60.50"), paid_on=date(2026, 11, 20))
    invoice.refresh_from_db()
    assert invoice.paid_at == date(2026, 11, 20)


def test_the_statement_import_matches_the_amount_left_after_a_credit_note(owner, org, invoice):
    credit_half(owner, invoice)
    statement_import(
        by=owner,
        organisation=org,
        data=statement([{"ref": "K1", "amount": "60.50", "text": f"Factuur {invoice.number}"}]),
    )
    assert StatementLine.objects.get().status == "matched"
    invoice.refresh_from_db()
    assert invoice.paid_at == date(2026, 11, 10)


def test_a_second_credit_in_one_statement_sees_what_the_first_left(owner, org, invoice):
    statement_import(
        by=owner,
        organisation=org,
        data=statement(
            [
                {"ref": "P1", "amount": "121.00", "text": f"Factuur {invoice.number}"},
                {"ref": "P2", "amount": "121.00", "text": f"Factuur {invoice.number}"},
                {"ref": "P1", "amount": "121.00", "text": f"Factuur {invoice.number}"},  # the bank listed it twice
            ]
        ),
    )
    assert dict(StatementLine.objects.values_list("bank_reference", "status")) == {"P1": "matched", "P2": "unmatched"}
    assert Payment.objects.get().amount == Decimal("121.00")


@pytest.mark.parametrize("amount", ["0", "-1", "0.001"])
def test_it_refuses_an_amount_of_zero_or_less(owner, invoice, amount):
    with pytest.raises(ValidationError, match="above zero"):
        payment_record(by=owner, invoice=invoice, amount=Decimal(amount), paid_on=date(2026, 11, 20))


def test_it_refuses_more_than_the_amount_due(owner, invoice):
    payment_record(by=owner, invoice=invoice, amount=Decimal("100.00"), paid_on=date(2026, 11, 20))
    with pytest.raises(ValidationError, match="21.01 is more than the 21.00 still due"):
        payment_record(by=owner, invoice=invoice, amount=Decimal("21.01"), paid_on=date(2026, 11, 21))
    assert Payment.objects.count() == 1


def test_it_refuses_a_date_in_the_future_where_the_organisation_is(owner, org, invoice):
    with time_machine.travel(MIDNIGHT, tick=False):
        payment_record(by=owner, invoice=invoice, amount=Decimal("1.00"), paid_on=date(2026, 12, 2))  # today there
        with pytest.raises(ValidationError, match="future"):
            payment_record(by=owner, invoice=invoice, amount=Decimal("1.00"), paid_on=date(2026, 12, 3))
        org.time_zone = "America/Curacao"
        org.save(update_fields=["time_zone"])
        with pytest.raises(ValidationError, match="future"):
            payment_record(by=owner, invoice=invoice, amount=Decimal("1.00"), paid_on=date(2026, 12, 2))
        payment_record(by=owner, invoice=invoice, amount=Decimal("1.00"), paid_on=date(2026, 12, 1))
    assert Payment.objects.count() == 2


def test_the_refusals_are_translated(owner, invoice):
    with translation.override("nl"), pytest.raises(ValidationError, match="meer dan"):
        payment_record(by=owner, invoice=invoice, amount=Decimal("500.00"), paid_on=date(2026, 11, 20))
    with translation.override("de"), pytest.raises(ValidationError, match="Zukunft"):
        payment_record(by=owner, invoice=invoice, amount=Decimal("1.00"), paid_on=date(2099, 1, 1))


def test_undoing_a_payment_opens_the_invoice_again(owner, invoice):
    payment = payment_record(by=owner, invoice=invoice, amount=Decimal("121.00"), paid_on=date(2026, 11, 20))
    payment_delete(by=owner, payment=payment)
    invoice.refresh_from_db()
    assert invoice.paid_at is None and open_amount(invoice) == Decimal("121.00")
    with pytest.raises(ValidationError):
        payment_delete(by=owner, payment=payment)


def test_undoing_a_bank_payment_puts_its_statement_line_back_for_review(owner, org, invoice):
    statement_import(
        by=owner, organisation=org, data=statement([{"ref": "U1", "amount": "121.00", "text": invoice.number}])
    )
    payment_delete(by=owner, payment=Payment.objects.get())
    line = StatementLine.objects.get()
    assert (line.status, line.invoice_id) == ("review", invoice.pk)
    invoice.refresh_from_db()
    assert invoice.paid_at is None


def test_only_an_owner_undoes_a_payment(owner, assistant, outsider, invoice):
    payment = payment_record(by=owner, invoice=invoice, amount=Decimal("121.00"), paid_on=date(2026, 11, 20))
    for person in (assistant, outsider):
        with pytest.raises(PermissionDenied):
            payment_delete(by=person, payment=payment)
    assert Payment.objects.filter(pk=payment.pk).exists()


def test_the_invoice_page_undoes_a_payment_for_an_owner_only(client, owner, assistant, outsider, invoice):
    payment = payment_record(by=owner, invoice=invoice, amount=Decimal("121.00"), paid_on=date(2026, 11, 20))
    url = reverse("invoicing:payment_undo", args=[invoice.pk, payment.pk])
    login(client, assistant)
    assert (
        'data-testid="payment-undo"' not in client.get(reverse("invoicing:detail", args=[invoice.pk])).content.decode()
    )
    assert client.post(url).status_code in (302, 403)
    login(client, outsider)
    assert client.post(url).status_code in (403, 404)
    assert Payment.objects.filter(pk=payment.pk).exists()
    login(client, owner)
    assert 'data-testid="payment-undo"' in client.get(reverse("invoicing:detail", args=[invoice.pk])).content.decode()
    assert client.post(url).status_code == 302
    assert not Payment.objects.exists()
    invoice.refresh_from_db()
    assert invoice.paid_at is None


@pytest.mark.parametrize("language", ["nl", "de"])
def test_the_payment_form_offers_today_as_an_iso_date(client, owner, invoice, language):
    owner.language = language
    owner.save(update_fields=["language"])
    login(client, owner)
    with time_machine.travel(MIDNIGHT, tick=False):
        page = client.get(reverse("invoicing:detail", args=[invoice.pk])).content.decode()
    assert 'type="date" name="paid_on" value="2026-12-02"' in page


def test_the_invoice_page_refuses_a_payment_above_the_amount_due(client, owner, invoice):
    login(client, owner)
    response = client.post(
        reverse("invoicing:payment_add", args=[invoice.pk]), {"amount": "130.00", "paid_on": "2026-11-20"}, follow=True
    )
    assert "still due" in response.content.decode()
    assert not Payment.objects.exists()


def test_the_invoice_list_shows_what_is_outstanding_and_overdue(client, owner, org, invoice, billable_acme):
    credit_half(owner, invoice)
    # Owed to the client, not to the organisation: an invoice in the client's name to one of its customers.
    behalf = SellerProfile.objects.create(organisation=org, on_behalf_of=billable_acme)
    buyer = Buyer.objects.create(seller=behalf, name="Kunde", street="Weg 1", postal_code="1000", city="Brussel")
    Invoice.objects.create(
        organisation=org,
        seller=behalf,
        client=billable_acme,
        buyer=buyer,
        status=Invoice.Status.FINAL,
        number="B-1",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        due_date=date(2026, 11, 1),
        gross_total=Decimal("999.00"),
    )
    login(client, owner)
    with time_machine.travel(MIDNIGHT, tick=False):  # due on 16 November
        page = client.get(reverse("invoicing:list")).content.decode()
    assert "Outstanding: €60.50, of which overdue: €60.50" in page


def test_reminders_skip_an_invoice_its_credit_notes_settled(owner, org, invoice):
    credited = invoice_finalise(
        by=owner, invoice=credit_note_create(by=owner, invoice=invoice), issue_date=date(2026, 11, 3)
    )
    assert credited.gross_total == invoice.gross_total and Invoice.objects.get(pk=invoice.pk).paid_at is None
    control = Invoice.objects.get(pk=invoice.pk)
    control.pk, control.number = None, "2026-9999"
    control.save()  # a positive control: the same invoice, not credited
    sent = reminders_send(organisation=org, today=date(2026, 12, 1))
    assert [r.invoice.number for r in sent] == ["2026-9999"]
