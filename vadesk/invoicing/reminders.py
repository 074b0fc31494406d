"""Payment reminders: first, second, final notice, on the seller's schedule, in the client's language, with the PDF."""

from __future__ import annotations

from datetime import date

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vadesk.accounts.models import Organisation
from vadesk.invoicing.documents import buyer_party
from vadesk.invoicing.einvoices import einvoice_bytes, formats_of, preferred_format
from vadesk.invoicing.models import Invoice, Reminder
from vadesk.invoicing.services import open_amount
from vadesk.lib.formatting import format_money

# A client who gets a reminder gets at least this long to react before the next one.
SPACING_DAYS = 7


def level_due(invoice: Invoice, today: date) -> int:
    """The next level this invoice has earned: one step at a time, so nobody gets a final notice first."""
    if invoice.due_date is None or invoice.reminder_level >= Reminder.Level.FINAL:
        return 0
    last = invoice.reminders.order_by("-sent_on").first()
    if last and (today - last.sent_on).days < SPACING_DAYS:
        return 0
    seller = invoice.seller
    thresholds = {1: seller.reminder_first_days, 2: seller.reminder_second_days, 3: seller.reminder_final_days}
    following = invoice.reminder_level + 1
    return following if (today - invoice.due_date).days >= thresholds[following] else 0


def reminders_send(*, organisation: Organisation, today: date | None = None) -> list[Reminder]:
    """Send every reminder that is due. Idempotent: each level is claimed once per invoice, and a failed
    send rolls its claim back so the next run tries again."""
    from vadesk.invoicing.pdf.render import render_pdf

    today = today or timezone.localdate()
    sent = []
    # On-behalf invoices are paid into the client's account, which we do not see: no automatic reminders for those.
    candidates = (
        Invoice.objects.for_organisation(organisation)
        .unpaid()
        .filter(due_date__lt=today, buyer__isnull=True)
        .select_related("seller", "client")
    )
    for invoice in candidates:
        level = level_due(invoice, today)
        address = buyer_party(invoice)["email"]
        if not level or not address or open_amount(invoice) <= 0:
            continue
        with transaction.atomic():
            if not Invoice.objects.filter(pk=invoice.pk, reminder_level=level - 1).update(reminder_level=level):
                continue  # another run claimed it
            reminder = Reminder.objects.create(
                invoice=invoice, level=level, sent_on=today, sent_at=timezone.now(), sent_to=address
            )
            _mail(invoice, level, address, render_pdf(invoice)).send()
        sent.append(reminder)
    return sent


def _mail(invoice: Invoice, level: int, address: str, pdf: bytes) -> EmailMessage:
    locale = {"nl": "nl_NL", "de": "de_DE"}.get(invoice.language, "en_GB")
    seller = invoice.seller_snapshot.get("name", "")
    with translation.override(invoice.language):
        subject = {
            1: _("Reminder: invoice %(number)s"),
            2: _("Second reminder: invoice %(number)s"),
            3: _("Final notice: invoice %(number)s"),
        }[level] % {"number": invoice.number}
        opening = {
            1: _(
                "Perhaps it slipped your attention: we have not yet received payment for invoice %(number)s of %(date)s."
            ),
            2: _("Despite our earlier reminder we have not yet received payment for invoice %(number)s of %(date)s."),
            3: _(
                "This is our final notice: invoice %(number)s of %(date)s is still unpaid. If we do not receive payment within 7 days, we will have to take further steps."
            ),
        }[level] % {"number": invoice.number, "date": invoice.issue_date.isoformat() if invoice.issue_date else ""}
        body = "\n\n".join(
            [
                _("Dear %(client)s,") % {"client": invoice.buyer_snapshot.get("name", "")},
                opening,
                _("Open amount: %(amount)s, due since %(due)s. Please transfer it to %(iban)s quoting %(number)s.")
                % {
                    "amount": format_money(open_amount(invoice), locale=locale),
                    "due": invoice.due_date.isoformat() if invoice.due_date else "",
                    "iban": invoice.seller_snapshot.get("iban", ""),
                    "number": invoice.number,
                },
                _("If you have paid in the meantime, please disregard this message. The invoice is attached."),
                _("Kind regards,") + "\n" + seller,
            ]
        )
    message = EmailMessage(
        subject=subject, body=body, to=[address], reply_to=[invoice.seller.email] if invoice.seller.email else None
    )
    message.attach(f"{invoice.filename_stem}.pdf", pdf, "application/pdf")
    # The client asked for an XML e-invoice (UBL / XRechnung): attach it next to the PDF so their software can book it.
    # Factur-X (the default) is a PDF with the XML inside; the plain PDF above stays the human-readable copy.
    preferred = preferred_format(invoice)
    # Peppol UBL exists only where both parties have a Peppol address (formats_of); without it the PDF goes alone.
    if preferred and preferred != "facturx" and formats_of(invoice, [preferred]):
        content, filename, content_type = einvoice_bytes(invoice, preferred)
        message.attach(filename, content, content_type)
    return message
