"""Bank statements (CAMT.053): imported once, matched against the amounts due, resolved by hand."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vadesk.accounts.models import Organisation, Person
from vadesk.einvoice.model import money
from vadesk.invoicing import camt
from vadesk.invoicing.models import (
    BankStatement,
    Invoice,
    Payment,
    StatementLine,
)
from vadesk.invoicing.services.common import require_owner
from vadesk.invoicing.services.payments import payment_record
from vadesk.lib.hooks import Hook

# organisation_id=, invoice_ids=: paid in full by an import, inside its transaction (webhooks)
invoices_settled = Hook("invoicing.invoices_settled")


def statement_import(*, by: Person, organisation: Organisation, data: bytes) -> BankStatement:
    """Import a CAMT.053 file in one transaction: each credit once (re-importing a statement adds nothing),
    matched to open invoices. Exact matches are booked as payments; uncertain ones wait for review.

    1. Parse the file; refuse what is not a camt.053 we can read.
    2. Lock the organisation's open invoices and read their amounts due once, in one grouped query.
    3. Match the new credits in statement order, in memory: a booked credit lowers its invoice's amount due for
       the credits after it, and an invoice it pays in full is no longer open (as payment_record per credit did).
    4. Write the lines, the payments and the paid dates in bulk (one update per booking day), so the queries
       do not grow with the number of credits or open invoices.
    """
    require_owner(by, organisation.pk)
    try:
        parsed = camt.parse(data)
    except camt.StatementError as exc:
        raise ValidationError(
            _("This is not a CAMT.053 bank statement we can read (%(reason)s).") % {"reason": exc}
        ) from None
    return statement_store(by=by, organisation=organisation, parsed=parsed)


def statement_store(*, by: Person, organisation: Organisation, parsed: camt.Statement) -> BankStatement:
    """Steps 2 to 4 of statement_import, for a statement parsed already (the import job parses it first,
    outside any transaction, and reports its bad lines)."""
    require_owner(by, organisation.pk)
    with transaction.atomic():
        statement = BankStatement.objects.create(
            organisation=organisation, statement_id=parsed.id[:100], account_iban=parsed.iban, imported_by=by
        )
        seen = set(
            StatementLine.objects.filter(
                organisation=organisation, bank_reference__in=[e.reference for e in parsed.entries]
            ).values_list("bank_reference", flat=True)
        )
        matcher = camt.Matcher(_open_for_matching(organisation))
        lines: list[StatementLine] = []
        payments: list[Payment] = []
        paid: dict[date, list[int]] = {}  # the invoices settled, by the day of the credit that settled them
        for entry in parsed.entries:
            if entry.reference in seen:
                continue
            seen.add(entry.reference)  # a reference twice in one file is one credit, as on a re-import
            found = matcher.match(entry)
            line = StatementLine(
                organisation=organisation,
                statement=statement,
                bank_reference=entry.reference,
                booked_on=entry.booked_on,
                amount=entry.amount,
                counterparty=entry.counterparty[:140],
                counterparty_iban=entry.counterparty_iban,
                remittance=entry.remittance,
                status=found.status,
                invoice_id=found.invoice_pk,
                reason=found.reason,
            )
            lines.append(line)
            if found.status == StatementLine.Status.MATCHED and found.invoice_pk is not None:
                payments.append(
                    Payment(
                        invoice_id=found.invoice_pk,
                        amount=entry.amount,
                        paid_on=entry.booked_on,
                        recorded_by=by,
                        statement_line=line,
                        method=Payment.Method.BANK,
                    )
                )
                if matcher.book(found.invoice_pk, entry.amount) <= 0:
                    paid.setdefault(entry.booked_on, []).append(found.invoice_pk)
        StatementLine.objects.bulk_create(lines)
        Payment.objects.bulk_create(payments)
        for day, settled in paid.items():  # a CAMT.053 is a day's statement: usually one day, one update
            Invoice.objects.filter(pk__in=settled).update(paid_at=day)
        if paid:
            invoices_settled.fire(
                organisation_id=organisation.pk, invoice_ids=[i for ids in paid.values() for i in ids]
            )
    return statement


def _open_for_matching(organisation: Organisation) -> list[camt.OpenInvoice]:
    """The organisation's own open invoices with their amounts due, locked until the import commits.
    On-behalf invoices are paid into the client's account, not ours."""
    # As in open_amount: django-stubs cannot see with_amount_due's annotations.
    rows = (
        Invoice.objects.for_organisation(organisation)  # type: ignore[misc]
        .unpaid()
        .filter(buyer__isnull=True)
        .with_amount_due()
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", "number", "amount_due", "client__name")
    )
    return [camt.OpenInvoice(pk, number, money(due), client_name) for pk, number, due, client_name in rows]


def statement_line_resolve(*, by: Person, line: StatementLine, invoice: Invoice | None) -> None:
    """The owner's verdict on an uncertain credit: book it on this invoice, or ignore it (invoice=None)."""
    require_owner(by, line.organisation_id)
    with transaction.atomic():
        line = StatementLine.objects.readable().select_for_update().get(pk=line.pk)
        if line.status in (StatementLine.Status.MATCHED, StatementLine.Status.IGNORED):
            raise ValidationError(_("This bank entry was already dealt with."))
        if invoice is None:
            line.status = StatementLine.Status.IGNORED
            line.save(update_fields=["status"])
            return
        if invoice.organisation_id != line.organisation_id:
            raise PermissionDenied
        amount = line.readable_amount
        if amount is None:  # kept by an older version that did not check amounts: it can only be ignored
            raise ValidationError(_("This bank entry's amount cannot be read; ignore it and book the payment by hand."))
        payment_record(by=by, invoice=invoice, amount=amount, paid_on=line.booked_on, statement_line=line)
        line.status, line.invoice = StatementLine.Status.MATCHED, invoice
        line.save(update_fields=["status", "invoice"])
