"""Drafts never drift from the hours (issue 10.6): a draft's hours line is its entries' billed minutes.

Correcting an entry that sits on a draft updates the line it is on (or takes the entry off when it no longer belongs
there: another engagement, a date outside the line's period, no longer billable); deleting it takes it off. A line
left without entries is removed, as if it had never been proposed. Lines whose quantity is not a sum of minutes (a
retainer's excess) cannot follow a correction: the change is refused, naming the draft. Finalising re-checks
every hours line against its entries (`line_drift`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vadesk.invoicing.drafting import hours
from vadesk.invoicing.models import Invoice, InvoiceLine, InvoiceLineEntry
from vadesk.timesheets.models import TimeEntry


def _belongs(entry: TimeEntry, line: InvoiceLine) -> bool:
    in_period = (line.period_start is None or line.period_start <= entry.work_date) and (
        line.period_end is None or entry.work_date <= line.period_end
    )
    return entry.engagement_id == line.engagement_id and in_period and entry.billable and entry.billed_minutes > 0


def draft_follow_entry(*, entry: TimeEntry, deleted: bool) -> None:
    """The listener of timesheets' time_entry_changed, inside the correction's transaction."""
    link = InvoiceLineEntry.objects.select_related("line__invoice").filter(time_entry_id=entry.pk).first()
    if link is None or link.line.invoice.status != Invoice.Status.DRAFT:
        return  # not on an invoice, or on a final one (the entry is locked and the correction refused before)
    line = InvoiceLine.objects.select_for_update().get(pk=link.line_id)
    invoice = link.line.invoice
    if line.source != InvoiceLine.Source.HOURS:
        raise ValidationError(
            _(
                "This entry is on the draft invoice %(draft)s for %(client)s (line “%(line)s”), whose amount does not "
                "follow the hours. Delete that line or discard the draft first, then correct the entry."
            )
            % {"draft": invoice.pk, "client": invoice.client.name, "line": line.description}
        )
    if deleted or not _belongs(entry, line):
        link.delete()
    minutes = sum(TimeEntry.objects.filter(invoice_link__line=line).values_list("billed_minutes", flat=True))
    if not line.entry_links.exists():
        line.delete()
        return
    line.quantity = hours(minutes)
    line.save(update_fields=["quantity"])


def line_drift(invoice: Invoice) -> list[str]:
    """Hours lines whose quantity is not the sum of their entries' billed minutes: what finalising refuses."""
    problems = []
    lines = invoice.lines.filter(source=InvoiceLine.Source.HOURS).prefetch_related("entry_links__time_entry")
    for line in lines:
        entries = [link.time_entry for link in line.entry_links.all()]
        if not entries:
            continue
        expected = hours(sum(e.billed_minutes for e in entries))
        if line.quantity != expected or not all(_belongs(e, line) for e in entries):
            problems.append(
                _("Line “%(line)s” bills %(billed)s hours, its time entries %(expected)s: draft the invoice again.")
                % {"line": line.description, "billed": line.quantity.normalize(), "expected": expected.normalize()}
            )
    return problems
