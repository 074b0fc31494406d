"""Every write of invoicing: drafting, editing, finalising, crediting, payments, statements and reminders."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Organisation, Person
from vadesk.clients.models import Client
from vadesk.clients.scoping import is_staff_for
from vadesk.einvoice.model import money
from vadesk.einvoice.totals import document_totals
from vadesk.engagements.balance import month_end, month_start
from vadesk.invoicing import camt, documents
from vadesk.invoicing.drafting import propose
from vadesk.invoicing.einvoices import preferred_format
from vadesk.invoicing.models import (
    BankStatement,
    Buyer,
    ClientBilling,
    Invoice,
    InvoiceLine,
    InvoiceLineEntry,
    NumberSequence,
    Payment,
    SellerProfile,
    StatementLine,
)
from vadesk.invoicing.vat import VatRefusal
from vadesk.lib.validators import validate_iban, validate_vat_id
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.services import time_entries_lock

LINE_FIELDS = ("description", "detail", "quantity", "unit", "unit_price", "rate_kind")


def seller_profile_of(organisation: Organisation) -> SellerProfile:
    try:
        with transaction.atomic():
            profile, _created = SellerProfile.objects.get_or_create(organisation=organisation, on_behalf_of=None)
    except IntegrityError:  # created at the same moment by another request
        profile = SellerProfile.objects.get(organisation=organisation, on_behalf_of=None)
    return profile


def client_billing_of(client: Client) -> ClientBilling:
    billing, _created = ClientBilling.objects.get_or_create(client=client)
    return billing


def _require_staff(by: Person, client: Client) -> None:
    if not is_staff_for(by, client):
        raise PermissionDenied(_("You do not work for this client."))


def _require_owner(by: Person, organisation_id: int) -> None:
    if organisation_id not in reach_of(by).owner_of:
        raise PermissionDenied(_("Only an owner can do this."))


def _require_draft(invoice: Invoice) -> None:
    if invoice.is_final:
        raise ValidationError(
            _("Invoice %(number)s is final and cannot be changed. Correct it with a credit note."),
            params={"number": invoice.number},
        )


def invoice_draft_create(
    *,
    by: Person,
    client: Client,
    period_start: date,
    period_end: date,
    from_work: bool = True,
    seller: SellerProfile | None = None,
) -> Invoice:
    """A draft for one client and period, with lines proposed from the engagements and hours."""
    _require_staff(by, client)
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    seller = seller or seller_profile_of(client.organisation)
    if seller.organisation_id != client.organisation_id:
        raise PermissionDenied(_("You do not work for this client."))
    billing = client_billing_of(client)
    with transaction.atomic():
        invoice = Invoice.objects.create(
            organisation_id=client.organisation_id,
            seller=seller,
            client=client,
            period_start=period_start,
            period_end=period_end,
            language=client.preferred_language,
            buyer_reference=billing.buyer_reference,
            created_by=by,
            hours_specification=billing.grouping == ClientBilling.Grouping.SUMMARY,
        )
        if from_work:
            with translation.override(client.preferred_language):  # line texts in the client's language
                proposals = propose(client, period_start, period_end, grouping=billing.grouping)
            for position, proposal in enumerate(proposals, start=1):
                line = InvoiceLine.objects.create(
                    invoice=invoice,
                    position=position,
                    description=proposal.description,
                    detail=proposal.detail,
                    quantity=proposal.quantity,
                    unit=proposal.unit,
                    unit_price=proposal.unit_price,
                    source=proposal.source,
                    engagement=proposal.engagement,
                    milestone_id=proposal.milestone_id,
                    period_start=proposal.period_start,
                    period_end=proposal.period_end,
                )
                InvoiceLineEntry.objects.bulk_create(
                    [InvoiceLineEntry(line=line, time_entry_id=pk) for pk in proposal.entry_ids]
                )
    return invoice


# Invoicing on a client's behalf: the client is the seller, its own customers (Buyer) are the buyers.

CLIENT_SELLER_FIELDS = ("name", "street", "postal_code", "city", "country", "vat_id", "coc_number")
BEHALF_PROFILE_FIELDS = (
    "iban",
    "bic",
    "tax_number",
    "small_business",
    "number_format",
    "payment_days",
    "contact_name",
    "email",
    "phone",
    "logo_svg",
)


def behalf_seller_of(client: Client) -> SellerProfile | None:
    return SellerProfile.objects.filter(organisation_id=client.organisation_id, on_behalf_of=client).first()


def behalf_seller_save(
    *, by: Person, client: Client, client_fields: dict[str, Any], profile_fields: dict[str, Any]
) -> SellerProfile:
    """Set a client up as a seller: its legal data (on the client) and its invoicing data (its own profile and sequence)."""
    _require_staff(by, client)
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client.pk)
        profile = behalf_seller_of(client) or SellerProfile(organisation_id=client.organisation_id, on_behalf_of=client)
        for name in CLIENT_SELLER_FIELDS:
            if name in client_fields:
                setattr(client, name, client_fields[name])
        for name in BEHALF_PROFILE_FIELDS:
            if name in profile_fields:
                setattr(profile, name, profile_fields[name])
        # What the seller page's forms require, checked here so the API cannot skip it: a full address (BR-08, BR-09),
        # an IBAN to be paid at, and the seller's contact e-mail and phone (XRechnung BR-DE-6, BR-DE-7).
        missing = {
            name: [_("This field is required.")]
            for name, value in [
                *((n, getattr(client, n)) for n in ("street", "postal_code", "city")),
                *((n, getattr(profile, n)) for n in ("iban", "email", "phone")),
            ]
            if not (value or "").strip()
        }
        errors = dict(missing)
        for instance, exclude in (
            (client, ["organisation", "assistants"]),
            (profile, ["organisation", "on_behalf_of"]),
        ):
            try:
                instance.full_clean(exclude=exclude)
            except ValidationError as error:  # report the client's and the profile's problems together
                for field, messages in error.message_dict.items():
                    errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)
        client.save(update_fields=[n for n in CLIENT_SELLER_FIELDS if n in client_fields])
        profile.save()
    return profile


BUYER_FIELDS = (
    "name",
    "is_business",
    "street",
    "postal_code",
    "city",
    "country",
    "vat_id",
    "registration_id",
    "buyer_reference",
    "endpoint_scheme",
    "endpoint_id",
    "language",
    "email",
)


def buyer_save(*, by: Person, seller: SellerProfile, buyer: Buyer | None = None, **fields: Any) -> Buyer:
    if seller.on_behalf_of is None:
        raise PermissionDenied(_("Buyers belong to a client you invoice for."))
    _require_staff(by, seller.on_behalf_of)
    if buyer is None:
        buyer = Buyer(seller=seller)
    elif buyer.seller_id != seller.pk:
        raise PermissionDenied
    for name in BUYER_FIELDS:
        if name in fields:
            setattr(buyer, name, fields[name])
    buyer.full_clean(exclude=["seller"])
    buyer.save()
    return buyer


def behalf_draft_create(
    *, by: Person, buyer: Buyer, period_start: date, period_end: date, lines: list[dict[str, Any]] | None = None
) -> Invoice:
    """A draft in the client's name to one of its customers; lines are added by hand (the VA's hours are not the buyer's).
    `lines` (free lines, as for invoice_line_save) are added in the same transaction: all of them or no draft at all."""
    seller = buyer.seller
    client = seller.on_behalf_of
    if client is None:
        raise PermissionDenied
    _require_staff(by, client)
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    with transaction.atomic():
        invoice = Invoice.objects.create(
            organisation_id=seller.organisation_id,
            seller=seller,
            client=client,
            buyer=buyer,
            period_start=period_start,
            period_end=period_end,
            language=buyer.language,
            buyer_reference=buyer.buyer_reference,
            created_by=by,
        )
        for fields in lines or ():
            invoice_line_save(by=by, invoice=invoice, **fields)
    return invoice


BILLING_FIELDS = ("buyer_reference", "invoice_email", "grouping", "einvoice_format", "payment_days")


def client_billing_save(*, by: Person, client: Client, **fields: Any) -> ClientBilling:
    _require_staff(by, client)
    billing = client_billing_of(client)
    for name in BILLING_FIELDS:
        if name in fields:
            setattr(billing, name, fields[name])
    billing.full_clean(exclude=["client"])
    billing.save()
    return billing


def invoice_run_month(*, by: Person, organisation: Organisation, month: date) -> list[Invoice]:
    """Drafts for every active client of the organisation with something to invoice for the month; one action."""
    _require_owner(by, organisation.pk)
    start, end = month_start(month), month_end(month)
    drafts = []
    with transaction.atomic():
        for client in Client.objects.for_organisation(organisation).active().order_by("name"):
            if Invoice.objects.filter(
                client=client,
                buyer__isnull=True,
                kind=Invoice.Kind.INVOICE,
                status=Invoice.Status.DRAFT,
                period_start=start,
                period_end=end,
            ).exists():
                continue  # a second run does not duplicate the month's drafts
            draft = invoice_draft_create(by=by, client=client, period_start=start, period_end=end)
            if draft.lines.exists():
                drafts.append(draft)
            else:
                draft.delete()
    return drafts


def invoice_update(*, by: Person, invoice: Invoice, **fields: Any) -> Invoice:
    _require_staff(by, invoice.client)
    _require_draft(invoice)
    allowed = {"note", "language", "buyer_reference", "period_start", "period_end", "hours_specification"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(name)
        setattr(invoice, name, value)
    if invoice.period_end < invoice.period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    invoice.save(update_fields=list(fields))
    return invoice


def invoice_line_save(*, by: Person, invoice: Invoice, line: InvoiceLine | None = None, **fields: Any) -> InvoiceLine:
    """Add a free line or change one; prices and quantities are never negative (a credit note credits)."""
    _require_staff(by, invoice.client)
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        _require_draft(invoice)
        if line is None:
            line = InvoiceLine(invoice=invoice, position=invoice.lines.count() + 1, source=InvoiceLine.Source.FREE)
        elif line.invoice_id != invoice.pk:
            raise PermissionDenied
        for name in LINE_FIELDS:
            if name in fields:
                setattr(line, name, fields[name])
        if not (line.description or "").strip():
            raise ValidationError({"description": _("Describe what this line is for.")})
        if line.quantity is None or line.quantity < 0 or line.unit_price is None or line.unit_price < 0:
            raise ValidationError(_("Quantity and price cannot be negative. Use a credit note to give money back."))
        line.full_clean(exclude=["invoice", "engagement", "milestone", "credited_line"])
        line.save()
    return line


def invoice_line_delete(*, by: Person, line: InvoiceLine) -> None:
    _require_staff(by, line.invoice.client)
    _require_draft(line.invoice)
    line.delete()  # its hours become unbilled again


def invoice_discard(*, by: Person, invoice: Invoice) -> None:
    _require_staff(by, invoice.client)
    _require_draft(invoice)
    invoice.delete()


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
    _require_owner(by, invoice.organisation_id)
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update(of=("self",))
            .select_related("seller__organisation", "seller__on_behalf_of", "client", "credit_of")
            .get(pk=invoice.pk)
        )
        _require_draft(invoice)
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
    _require_staff(by, invoice.client)
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
            if quantity < 0 or quantity > line.quantity:
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


def organisation_today(organisation: Organisation) -> date:
    """Today where the organisation is: the latest day a payment can be dated."""
    return timezone.localdate(timezone=ZoneInfo(organisation.time_zone))


def payment_record(
    *, by: Person, invoice: Invoice, amount: Decimal, paid_on: date, statement_line: StatementLine | None = None
) -> Payment:
    """Book a payment of at most the amount due, dated no later than today where the organisation is;
    the invoice counts as paid once nothing is due."""
    _require_owner(by, invoice.organisation_id)
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
    return payment


def payment_delete(*, by: Person, payment: Payment) -> None:
    """Undo a payment booked by mistake: the invoice is open again if something is due, and the bank entry
    it came from waits for review again."""
    _require_owner(by, payment.invoice.organisation_id)
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
    _require_owner(by, organisation.pk)
    try:
        parsed = camt.parse(data)
    except camt.StatementError as exc:
        raise ValidationError(
            _("This is not a CAMT.053 bank statement we can read (%(reason)s).") % {"reason": exc}
        ) from None
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
    _require_owner(by, line.organisation_id)
    with transaction.atomic():
        line = StatementLine.objects.select_for_update().get(pk=line.pk)
        if line.status in (StatementLine.Status.MATCHED, StatementLine.Status.IGNORED):
            raise ValidationError(_("This bank entry was already dealt with."))
        if invoice is None:
            line.status = StatementLine.Status.IGNORED
            line.save(update_fields=["status"])
            return
        if invoice.organisation_id != line.organisation_id:
            raise PermissionDenied
        payment_record(by=by, invoice=invoice, amount=line.amount, paid_on=line.booked_on, statement_line=line)
        line.status, line.invoice = StatementLine.Status.MATCHED, invoice
        line.save(update_fields=["status", "invoice"])
