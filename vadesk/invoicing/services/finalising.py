"""Finalising a draft (numbered without gaps, its hours locked) and crediting a final invoice."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vadesk.accounts.models import Person
from vadesk.einvoice.totals import document_totals
from vadesk.invoicing import documents
from vadesk.invoicing.einvoices import preferred_format
from vadesk.invoicing.hours import line_drift
from vadesk.invoicing.models import (
    Invoice,
    InvoiceLine,
    NumberSequence,
    SellerProfile,
)
from vadesk.invoicing.revenue import revenue_add
from vadesk.invoicing.services.common import require_draft, require_owner, require_staff
from vadesk.invoicing.vat import VatRefusal
from vadesk.lib.hooks import Hook
from vadesk.lib.validators import validate_iban, validate_vat_id
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.services import time_entries_lock

invoice_finalised = Hook("invoicing.invoice_finalised")  # invoice=, by=: inside the finalising transaction
QUANTUM = Decimal("0.0001")  # InvoiceLine.quantity: decimal_places=4


def invoice_problems(invoice: Invoice) -> list[str]:
    """Everything that stops this draft from being finalised, in words the owner can act on."""
    seller, buyer = documents.seller_party(invoice.seller), documents.buyer_party(invoice)
    behalf = invoice.on_behalf
    where = _("Add it on the client's seller page.") if behalf else _("Add it in the organisation settings.")
    problems = []
    lines = list(invoice.lines.all())
    if not lines:
        problems.append(_("There is nothing on this invoice. Add a line, or choose a period with work in it."))
    if not (seller["vat_id"] or seller["registration_id"]):
        # BR-CO-26: the seller needs an identifier, a legal registration id (BT-30) or a VAT id (BT-31); a tax number
        # (BT-32, a Steuernummer) is none of these. Every format refuses the invoice without one.
        problems.append(
            _("The seller has no VAT id and no chamber of commerce number (rule BR-CO-26).")
            + " "
            + (
                _("Add the client's VAT id or chamber of commerce number on the client's seller page.")
                if behalf
                else _("Add your VAT id or chamber of commerce number in the organisation settings.")
            )
        )
    elif not (seller["vat_id"] or seller["tax_number"]):
        # XRechnung BR-DE-16 and the invoice law (art. 226 (2) Directive 2006/112/EC): a VAT id or tax number.
        problems.append(_("The seller has no VAT id or tax number.") + " " + where)
    for label, value, check in (
        (_("seller's VAT id"), seller["vat_id"], validate_vat_id),
        (_("buyer's VAT id") if behalf else _("client's VAT id"), buyer["vat_id"], validate_vat_id),
        (_("IBAN"), seller["iban"], validate_iban),
    ):
        if value:
            try:
                check(value)
            except ValidationError:
                problems.append(_("The %(what)s %(value)s is not valid.") % {"what": label, "value": value})
    if not seller["iban"] and not invoice.is_credit_note:
        problems.append(_("The seller has no IBAN, so the buyer cannot pay.") + " " + where)
    if not (seller["street"] and seller["postal_code"] and seller["city"]):
        problems.append(_("The seller's address is incomplete (street, postal code, city)."))
    if not (buyer["street"] and buyer["postal_code"] and buyer["city"]):
        problems.append(
            _("The buyer's address is incomplete (street, postal code, city).")
            if behalf
            else _("The client's address is incomplete (street, postal code, city).")
        )
    # PEPPOL-EN16931-R010 / R020 and CL008: a Peppol UBL needs both parties' Peppol addresses (a Peppol id, VAT id or
    # KvK / KBO number; e-mail is not on Peppol's list). Other formats take the e-mail address, and without one the
    # invoice has no Peppol UBL; but when the client chose Peppol UBL, the invoice must be deliverable in it.
    if not behalf and preferred_format(invoice) == "ubl":
        for party, what in ((seller, _("the seller")), (buyer, _("the client"))):
            if not documents.electronic_address(party, peppol=True)[1]:
                problems.append(
                    _(
                        "No Peppol address for %(who)s, and the client receives Peppol UBL (Peppol rule R010/R020): "
                        "add a VAT id or chamber of commerce number."
                    )
                    % {"who": what}
                )
    if not documents.electronic_address(buyer, peppol=False)[1]:
        problems.append(
            _(
                "The buyer has no electronic address for the e-invoice (Peppol rule R010): add its e-invoice address, "
                "VAT id or invoice e-mail address."
            )
        )
    try:
        doc = documents.document_of(invoice, lines=lines)
    except VatRefusal as refusal:
        if refusal.code == "buyer_vat_id_required":
            problems.append(
                _(
                    "The buyer is a business in another EU country: reverse charge needs the buyer's VAT id. Add it to the buyer."
                )
                if behalf
                else _(
                    "This client is a business in another EU country: reverse charge needs the client's VAT id. Add it to the client."
                )
            )
        elif refusal.code == "seller_vat_id_required":
            # BR-AE-02: reverse charge needs the seller's VAT id; a tax number does not do.
            problems.append(
                _(
                    "The buyer is a business in another EU country, so the VAT is reverse charged, and that needs the "
                    "seller's VAT id (rule BR-AE-02)."
                )
                + " "
                + where
            )
        else:
            problems.append(_("No VAT rate is known for this country and date."))
    else:
        total = document_totals(doc.lines).payable
        if lines and total <= 0 and not invoice.is_credit_note:
            problems.append(
                _("The total is %(total)s. An invoice must be for more than zero; give money back with a credit note.")
                % {"total": total}
            )
        if invoice.is_credit_note and invoice.credit_of:
            _check_credit_within(invoice, lines, problems)
    return problems


def _check_credit_within(credit: Invoice, lines: list[InvoiceLine], problems: list[str]) -> None:
    for line in lines:
        original = line.credited_line
        if original is None:
            continue
        already = sum(
            (c.quantity for c in original.credits.filter(invoice__status=Invoice.Status.FINAL).exclude(pk=line.pk)),
            Decimal(0),
        )
        if line.quantity + already > original.quantity:
            problems.append(_("“%(line)s” would be credited more than was invoiced.") % {"line": original.description})


def invoice_finalise(*, by: Person, invoice: Invoice, issue_date: date | None = None) -> Invoice:
    """Make a draft final, all in one transaction.

    1. Lock the draft; refuse it with every problem listed if it is not complete and lawful.
    2. Price each line's VAT from the dated rates and freeze seller, buyer and totals.
    3. Lock the seller's sequence row for the year and take the next number: concurrent finalisers queue here.
    4. Lock the time entries behind the lines. If anything fails, the whole transaction rolls back,
       the sequence row included: no number is used without its invoice.
    """
    require_owner(by, invoice.organisation_id)
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update(of=("self",))
            .select_related("seller__organisation", "seller__on_behalf_of", "client", "credit_of")
            .get(pk=invoice.pk)
        )
        require_draft(invoice)
        problems = invoice_problems(invoice)
        if problems:
            raise ValidationError(problems)
        lines = list(invoice.lines.all())
        entries = TimeEntry.objects.select_for_update().filter(invoice_link__line__invoice=invoice)
        if any(e.invoiced_at for e in entries):
            raise ValidationError(
                _(
                    "Some hours on this invoice were invoiced elsewhere meanwhile. Discard this draft and draft it again."
                )
            )
        drift = line_drift(invoice)  # the entries are locked: nobody corrects them until this commits
        if drift:
            raise ValidationError(drift)
        issue_date = issue_date or timezone.localdate()
        seller, buyer = documents.seller_party(invoice.seller), documents.buyer_party(invoice)
        doc = documents.document_of(invoice, lines=lines)
        totals = document_totals(doc.lines)
        for line in lines:
            line.save(update_fields=["vat_category", "vat_rate"])
        invoice.vat_case = documents.decide(invoice, seller, buyer).value
        invoice.vat_note = doc.exemption_reasons.get("E") or doc.exemption_reasons.get("AE") or ""
        invoice.seller_snapshot, invoice.buyer_snapshot = seller, buyer
        invoice.net_total, invoice.vat_total, invoice.gross_total = (
            totals.tax_exclusive,
            totals.tax_total,
            totals.tax_inclusive,
        )
        invoice.issue_date = issue_date
        invoice.due_date = issue_date + timedelta(days=documents.payment_days(invoice))
        invoice.number = _next_number(invoice.seller, issue_date.year)
        invoice.status, invoice.finalised_by, invoice.finalised_at = Invoice.Status.FINAL, by, timezone.now()
        invoice.save()
        time_entries_lock(
            entries=TimeEntry.objects.filter(invoice_link__line__invoice=invoice), reference=invoice.number
        )
        revenue_add(invoice)  # the kept revenue of the month, last of the writes: its row is locked the shortest
        invoice_finalised.fire(invoice=invoice, by=by)
    return invoice


def _next_number(seller: SellerProfile, year: int) -> str:
    try:
        with transaction.atomic():
            NumberSequence.objects.get_or_create(seller=seller, year=year)
    except IntegrityError:  # another finaliser created the year's row first; it exists now
        pass
    sequence = NumberSequence.objects.select_for_update().get(seller=seller, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return seller.number_format.format(year=year, seq=sequence.last)


def credit_note_create(*, by: Person, invoice: Invoice, quantities: dict[int, Decimal] | None = None) -> Invoice:
    """A draft credit note for a final invoice: all of it, or the given quantity per line id."""
    require_staff(by, invoice.client)
    if not invoice.is_final or invoice.is_credit_note:
        raise ValidationError(_("Only a final invoice can be credited."))
    with transaction.atomic():
        credit = Invoice.objects.create(
            organisation=invoice.organisation,
            seller=invoice.seller,
            client=invoice.client,
            buyer=invoice.buyer,
            kind=Invoice.Kind.CREDIT_NOTE,
            credit_of=invoice,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            language=invoice.language,
            buyer_reference=invoice.buyer_reference,
            created_by=by,
        )
        position = 0
        for line in invoice.lines.all():
            quantity = line.quantity if quantities is None else Decimal(quantities.get(line.pk, 0))
            # NaN and 1E+30 come in as Decimals too: finite, 0 ≤ quantity ≤ the line's, at most four decimals.
            if not quantity.is_finite() or not 0 <= quantity <= line.quantity or quantity != quantity.quantize(QUANTUM):
                raise ValidationError(
                    _("Credit between 0 and %(max)s of “%(line)s”.") % {"max": line.quantity, "line": line.description}
                )
            if quantity == 0:
                continue
            position += 1
            InvoiceLine.objects.create(
                invoice=credit,
                position=position,
                description=line.description,
                detail=line.detail,
                quantity=quantity,
                unit=line.unit,
                unit_price=line.unit_price,
                rate_kind=line.rate_kind,
                source=InvoiceLine.Source.FREE,
                credited_line=line,
                period_start=line.period_start,
                period_end=line.period_end,
            )
        if position == 0:
            raise ValidationError(_("Choose at least one line to credit."))
    return credit
