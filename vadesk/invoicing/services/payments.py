"""Payments recorded against final invoices, undone by an owner, and the one notion of the amount due."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vadesk.accounts.models import Person
from vadesk.einvoice.model import money
from vadesk.invoicing.models import (
    Invoice,
    Payment,
    StatementLine,
)
from vadesk.invoicing.services.common import organisation_today, require_owner
from vadesk.lib.hooks import Hook

payment_received = Hook("invoicing.payment_received")  # payment=, by=: inside the booking's transaction


def payment_record(
    *, by: Person, invoice: Invoice, amount: Decimal, paid_on: date, statement_line: StatementLine | None = None
) -> Payment:
    """Book a payment of at most the amount due, dated no later than today where the organisation is;
    the invoice counts as paid once nothing is due."""
    require_owner(by, invoice.organisation_id)
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("Enter an amount above zero.")})
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=invoice.pk)
        if not invoice.is_final or invoice.is_credit_note:
            raise ValidationError(_("Only a final invoice can be paid."))
        if paid_on > organisation_today(invoice.organisation):
            raise ValidationError({"paid_on": _("A payment cannot be dated in the future.")})
        due = open_amount(invoice)
        if amount > due:
            raise ValidationError(
                {
                    "amount": _("%(amount)s is more than the %(due)s still due on this invoice.")
                    % {"amount": amount, "due": due}
                }
            )
        payment = Payment.objects.create(
            invoice=invoice,
            amount=amount,
            paid_on=paid_on,
            recorded_by=by,
            statement_line=statement_line,
            method=Payment.Method.BANK if statement_line else Payment.Method.MANUAL,
        )
        if due - amount <= 0 and invoice.paid_at is None:
            invoice.paid_at = paid_on
            invoice.save(update_fields=["paid_at"])
        payment_received.fire(payment=payment, by=by)
    return payment


def payment_delete(*, by: Person, payment: Payment) -> None:
    """Undo a payment booked by mistake: the invoice is open again if something is due, and the bank entry
    it came from waits for review again."""
    require_owner(by, payment.invoice.organisation_id)
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=payment.invoice_id)
        deleted, _kinds = Payment.objects.filter(pk=payment.pk, invoice=invoice).delete()
        if not deleted:
            raise ValidationError(_("This payment was already undone."))
        if payment.statement_line_id:
            StatementLine.objects.filter(pk=payment.statement_line_id).update(status=StatementLine.Status.REVIEW)
        if invoice.paid_at is not None and open_amount(invoice) > 0:
            invoice.paid_at = None
            invoice.save(update_fields=["paid_at"])


def open_amount(invoice: Invoice) -> Decimal:
    """What the client still owes: the total, less payments and final credit notes (Invoice.objects.with_amount_due)."""
    # django-stubs resolves values_list names against the model fields; it cannot see with_amount_due annotations.
    due = Invoice.objects.with_amount_due().values_list("amount_due", flat=True)  # type: ignore[misc]
    return money(due.get(pk=invoice.pk))
