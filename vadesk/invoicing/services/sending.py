"""Sending a final invoice or credit note to its recipient from vadesk: one outbox mail with the PDF and the client's
e-invoice format attached, in the invoice's language, recorded as an InvoiceDispatch."""

from __future__ import annotations

from babel.dates import format_date
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vadesk.accounts.models import Person
from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import outbox_enqueue
from vadesk.invoicing.documents import buyer_party
from vadesk.invoicing.einvoices import einvoice_bytes, formats_of, preferred_format
from vadesk.invoicing.models import Invoice, InvoiceDispatch
from vadesk.invoicing.pdf.render import render_pdf
from vadesk.invoicing.services.common import require_staff
from vadesk.lib.formatting import format_money
from vadesk.lib.hooks import Hook

LOCALES = {"nl": "nl_NL", "de": "de_DE", "en": "en_GB"}
invoice_sent = Hook("invoicing.invoice_sent")  # dispatch=, by=: inside the sending transaction


def invoice_recipient(invoice: Invoice) -> str:
    """Where the invoice goes: the client's invoice e-mail (else its e-mail); an on-behalf invoice goes to its buyer."""
    return buyer_party(invoice)["email"] or invoice.buyer_snapshot.get("email", "")


def invoice_send(
    *, by: Person, invoice: Invoice, to: str | None = None, message: str = "", resend_after: int | None = None
) -> InvoiceDispatch:
    """Queue the invoice's mail in the outbox and record the sending.

    1. Authorise (the owner or the client's team) and validate: final only, a recipient we can write to.
    2. Render the PDF and the e-invoice before any transaction (CPU work should not hold the row lock).
    3. In one transaction, lock the invoice. A sending that already happened is repeated only when the caller
       confirms it by naming the last sending it saw (`resend_after`): a double click finds a newer one and
       sends nothing more. Then the outbox row and the dispatch are written together; the worker delivers.
    """
    require_staff(by, invoice.client)
    if not invoice.is_final:
        raise ValidationError(_("Only a final invoice can be sent. Finalise it first."))
    recipient = _recipient(invoice, to)
    subject, body, attachments = _mail(invoice, message)
    with transaction.atomic():
        Invoice.objects.select_for_update().get(pk=invoice.pk)  # one sender at a time per invoice
        last = invoice.dispatches.order_by("-sent_at", "-id").first()
        if last is not None and last.pk != resend_after:
            raise ValidationError(
                _("This invoice was already sent to %(recipient)s. Confirm to send it again.")
                % {"recipient": last.recipient}
            )
        outbox = outbox_enqueue(
            organisation_id=invoice.organisation_id,
            client_id=invoice.client_id,
            kind=OutboxMessage.Kind.PAYMENT,
            recipient=recipient,
            subject=subject,
            body_text=body,
            attachments=attachments,
            reply_to=invoice.seller.email,
        )
        dispatch = InvoiceDispatch.objects.create(
            invoice=invoice, recipient=recipient, sent_at=timezone.now(), sent_by=by, message=outbox
        )
        invoice_sent.fire(dispatch=dispatch, by=by)
        return dispatch


def _recipient(invoice: Invoice, to: str | None) -> str:
    recipient = (to or "").strip() or invoice_recipient(invoice)
    if not recipient:
        if invoice.on_behalf:
            raise ValidationError(
                _("%(buyer)s has no invoice e-mail. Fill in the buyer's invoice e-mail, or type a recipient.")
                % {"buyer": invoice.buyer_snapshot.get("name", "")}
            )
        raise ValidationError(
            _(
                "%(client)s has no invoice e-mail. Fill in the invoice e-mail in the client's invoice settings, "
                "or type a recipient."
            )
            % {"client": invoice.client.name}
        )
    try:
        validate_email(recipient)
    except ValidationError:
        raise ValidationError(_("%(address)s is not an e-mail address.") % {"address": recipient}) from None
    return recipient


def _mail(invoice: Invoice, message: str) -> tuple[str, str, list[tuple[str, str, bytes]]]:
    """Subject, text and attachments (filename, content type, bytes) in the invoice's language."""
    locale = LOCALES.get(invoice.language, "en_GB")
    seller = invoice.seller_snapshot.get("name", "")
    values = {
        "number": invoice.number,
        "seller": seller,
        "date": format_date(invoice.issue_date, format="long", locale=locale) if invoice.issue_date else "",
        "amount": format_money(invoice.gross_total, locale=locale),
        "due": format_date(invoice.due_date, format="long", locale=locale) if invoice.due_date else "",
    }
    with translation.override(invoice.language):
        if invoice.is_credit_note:
            subject = _("Credit note %(number)s from %(seller)s") % values
            text = _("Please find attached credit note %(number)s of %(date)s for %(amount)s.") % values
        else:
            subject = _("Invoice %(number)s from %(seller)s") % values
            text = _("Please find attached invoice %(number)s of %(date)s for %(amount)s, due on %(due)s.") % values
        parts = [_("Dear %(client)s,") % {"client": invoice.buyer_snapshot.get("name", "")}, text]
        if message.strip():
            parts.append(message.strip())
        parts.append(_("Kind regards,") + "\n" + seller)
    return subject, "\n\n".join(parts), _attachments(invoice)


def _attachments(invoice: Invoice) -> list[tuple[str, str, bytes]]:
    """The PDF and the client's e-invoice format. Factur-X is the PDF with the XML inside: it replaces the plain PDF
    rather than arriving as a second, identical-looking one. An XML format goes next to the PDF, as with reminders;
    Peppol UBL exists only where both parties have a Peppol address (formats_of), else the PDF goes alone."""
    preferred = preferred_format(invoice)
    if preferred == "facturx":
        content, filename, content_type = einvoice_bytes(invoice, preferred)
        return [(filename, content_type, content)]
    attachments = [(f"{invoice.filename_stem}.pdf", "application/pdf", render_pdf(invoice))]
    if preferred and formats_of(invoice, [preferred]):
        content, filename, content_type = einvoice_bytes(invoice, preferred)
        attachments.append((filename, content_type, content))
    return attachments
