"""Drafts: made from the hours, bundles, retainers and projects of a period, edited line by line, discarded, the monthly run."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Organisation, Person
from vadesk.clients.models import Client
from vadesk.engagements.balance import month_end, month_start
from vadesk.engagements.models import Engagement
from vadesk.invoicing.drafting import Proposal, bundle_line, propose
from vadesk.invoicing.models import (
    ClientBilling,
    Invoice,
    InvoiceLine,
    InvoiceLineEntry,
    SellerProfile,
)
from vadesk.invoicing.services.common import (
    LINE_FIELDS,
    client_billing_of,
    require_draft,
    require_owner,
    require_staff,
    seller_profile_of,
)


def invoice_draft_create(
    *,
    by: Person,
    client: Client,
    period_start: date,
    period_end: date,
    from_work: bool = True,
    seller: SellerProfile | None = None,
    require_work: bool = False,
) -> Invoice:
    """A draft for one client and period, with lines proposed from the engagements and hours.

    With `require_work`, a period with nothing to propose is refused and no draft is left behind."""
    require_staff(by, client)
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    seller = seller or seller_profile_of(client.organisation)
    if seller.organisation_id != client.organisation_id:
        raise PermissionDenied(_("You do not work for this client."))
    billing = client_billing_of(client)
    with transaction.atomic():
        invoice = _draft(client, seller, billing, period_start, period_end, by=by)
        if from_work:
            with translation.override(client.preferred_language):  # line texts in the client's language
                proposals = propose(client, period_start, period_end, grouping=billing.grouping)
            if require_work and not proposals:
                raise ValidationError(
                    _(
                        "There is nothing to invoice for %(client)s in this period: no unbilled hours, "
                        "retainer, bundle or milestone. Make an empty draft to invoice free lines."
                    )
                    % {"client": client.name}
                )
            _lines_create(invoice, proposals)
    return invoice


def _draft(
    client: Client, seller: SellerProfile, billing: ClientBilling, start: date, end: date, *, by: Person
) -> Invoice:
    return Invoice.objects.create(
        organisation_id=client.organisation_id,
        seller=seller,
        client=client,
        period_start=start,
        period_end=end,
        language=client.preferred_language,
        buyer_reference=billing.buyer_reference,
        created_by=by,
        hours_specification=billing.grouping == ClientBilling.Grouping.SUMMARY,
    )


def invoice_bundle_draft(*, by: Person, engagement: Engagement) -> Invoice:
    """The draft invoice of a new bundle the client's own user ordered (`engagement_bundle_order`): its price in
    one line, for an owner to check and finalise once they confirm the bundle. The monthly run does not bill the
    bundle again: its line is on this draft."""
    client = engagement.client
    if client.pk not in reach_of(by).portal_clients:
        raise PermissionDenied(_("Only the client's own users can order a new bundle."))
    if engagement.kind != Engagement.Kind.BUNDLE or engagement.status != Engagement.Status.DRAFT:
        raise ValidationError(_("Only a bundle waiting for the owner's confirmation is invoiced this way."))
    with transaction.atomic():
        invoice = _draft(
            client,
            seller_profile_of(client.organisation),
            client_billing_of(client),
            engagement.starts_on,
            engagement.starts_on,
            by=by,
        )
        with translation.override(client.preferred_language):
            _lines_create(invoice, [bundle_line(engagement)])
    return invoice


# Links per INSERT: well under SQLite's bound on variables in one statement (32,766), so that a month of
# thousands of entries takes a handful of statements.
LINK_BATCH = 5_000


def _lines_create(invoice: Invoice, proposals: list[Proposal]) -> None:
    """The proposed lines in one INSERT and their entry links in as few as LINK_BATCH allows, whatever the
    number of lines and entries (issue 13: a line and its links per round trip made 409 queries for a month)."""
    lines = InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
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
            for position, proposal in enumerate(proposals, start=1)
        ]
    )
    InvoiceLineEntry.objects.bulk_create(
        [
            InvoiceLineEntry(line=line, time_entry_id=pk)
            for line, proposal in zip(lines, proposals, strict=True)
            for pk in proposal.entry_ids
        ],
        batch_size=LINK_BATCH,
    )


BILLING_FIELDS = ("buyer_reference", "invoice_email", "grouping", "einvoice_format", "payment_days")


def client_billing_save(*, by: Person, client: Client, **fields: Any) -> ClientBilling:
    require_staff(by, client)
    billing = client_billing_of(client)
    for name in BILLING_FIELDS:
        if name in fields:
            setattr(billing, name, fields[name])
    billing.full_clean(exclude=["client"])
    billing.save()
    return billing


def invoice_run_month(*, by: Person, organisation: Organisation, month: date) -> list[Invoice]:
    """Drafts for every active client of the organisation with something to invoice for the month, one
    transaction per client (the monthly run's job does the same with progress: vadesk/invoicing/jobs.py)."""
    require_owner(by, organisation.pk)
    drafts = []
    for client in month_run_clients(organisation=organisation):
        draft = invoice_month_draft(by=by, client=client, month=month)
        if draft is not None:
            drafts.append(draft)
    return drafts


def month_run_clients(*, organisation: Organisation) -> list[Client]:
    """The clients a monthly run goes through, in the order it does."""
    return list(Client.objects.for_organisation(organisation).active().order_by("name", "pk"))


def invoice_month_draft(*, by: Person, client: Client, month: date) -> Invoice | None:
    """One client's draft of the month in a transaction of its own; None when there is nothing to invoice or
    the month's draft exists already (a second run, or a run that runs again, does not duplicate it).

    The client's row is locked first, so that two runs at once (two workers, a retry while a lease ran out)
    cannot both find no draft and both make one; on SQLite the write lock taken at BEGIN does the same.
    """
    require_owner(by, client.organisation_id)
    start, end = month_start(month), month_end(month)
    with transaction.atomic():
        Client.objects.select_for_update().filter(pk=client.pk).first()
        if Invoice.objects.filter(
            client=client,
            buyer__isnull=True,
            kind=Invoice.Kind.INVOICE,
            status=Invoice.Status.DRAFT,
            period_start=start,
            period_end=end,
        ).exists():
            return None
        draft = invoice_draft_create(by=by, client=client, period_start=start, period_end=end)
        if draft.lines.exists():
            return draft
        draft.delete()
    return None


def invoice_update(*, by: Person, invoice: Invoice, **fields: Any) -> Invoice:
    require_staff(by, invoice.client)
    require_draft(invoice)
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
    require_staff(by, invoice.client)
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        require_draft(invoice)
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
    require_staff(by, line.invoice.client)
    require_draft(line.invoice)
    line.delete()  # its hours become unbilled again


def invoice_discard(*, by: Person, invoice: Invoice) -> None:
    require_staff(by, invoice.client)
    require_draft(invoice)
    invoice.delete()
