"""Payment reminders: first, second, final notice, on the seller's schedule, in the client's language, with the PDF."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vadesk.accounts.models import Organisation
from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import outbox_enqueue
from vadesk.invoicing.documents import buyer_party
from vadesk.invoicing.einvoices import einvoice_bytes, formats_of, preferred_format
from vadesk.invoicing.models import Invoice, Reminder
from vadesk.invoicing.pdf.render import render_pdf
from vadesk.lib.formatting import format_day, format_money
from vadesk.lib.validators import format_iban

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
    """Queue every reminder that is due in the comms outbox. Exactly once per level and invoice:

    1. The PDF is rendered before any transaction (CPU only, but it should not hold the write lock).
    2. One transaction claims the level (a conditional UPDATE: of two runs, one wins), records the
       Reminder and writes the outbox row with its attachments; all three commit or none does.
    3. The outbox worker delivers it after commit, retrying while SMTP is down and never sending it
       twice on its own (see comms/outbox.py). Nothing here talks to the network.
    """

    today = today or timezone.localdate()
    sent = []
    # On-behalf invoices are paid into the client's account, which we do not see: no automatic reminders for those.
    # django-stubs cannot see with_amount_due's annotations (amount_due), as in services.open_amount.
    candidates = (
        Invoice.objects.for_organisation(organisation)  # type: ignore[misc]
        .unpaid()
        .filter(due_date__lt=today, buyer__isnull=True)
        .with_amount_due()
        .filter(amount_due__gt=0)
        .select_related("seller", "client")
    )
    for invoice in candidates:
        level = level_due(invoice, today)
        address = buyer_party(invoice)["email"]
        if not level or not address:
            continue
        subject, body, attachments = _mail(invoice, level, render_pdf(invoice))
        with transaction.atomic():
            if not Invoice.objects.filter(pk=invoice.pk, reminder_level=level - 1).update(reminder_level=level):
                continue  # another run claimed it
            reminder = Reminder.objects.create(
                invoice=invoice, level=level, sent_on=today, sent_at=timezone.now(), sent_to=address
            )
            outbox_enqueue(
                organisation_id=organisation.pk,
                client_id=invoice.client_id,
                kind=OutboxMessage.Kind.PAYMENT,
                recipient=address,
                subject=subject,
                body_text=body,
                attachments=attachments,
                reply_to=invoice.seller.email,
                dedupe_key=f"invoice-reminder:{invoice.pk}:{level}",
            )
        sent.append(reminder)
    return sent


def _mail(invoice: Invoice, level: int, pdf: bytes) -> tuple[str, str, list[tuple[str, str, bytes]]]:
    """The reminder's subject, text and attachments (filename, content type, bytes), in the invoice's language."""
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
        }[level] % {"number": invoice.number, "date": format_day(invoice.issue_date, "j F Y", locale)}
        body = "\n\n".join(
            [
                _("Dear %(client)s,") % {"client": invoice.buyer_snapshot.get("name", "")},
                opening,
                _("Open amount: %(amount)s, due since %(due)s. Please transfer it to %(iban)s quoting %(number)s.")
                % {
                    "amount": format_money(invoice.amount_due, locale=locale),  # type: ignore[attr-defined]
                    "due": format_day(invoice.due_date, "j F Y", locale) if invoice.due_date else "",
                    "iban": format_iban(invoice.seller_snapshot.get("iban", "")),
                    "number": invoice.number,
                },
                _("If you have paid in the meantime, please disregard this message. The invoice is attached."),
                _("Kind regards,") + "\n" + seller,
            ]
        )
    attachments = [(f"{invoice.filename_stem}.pdf", "application/pdf", pdf)]
    # The client asked for an XML e-invoice (UBL / XRechnung): attach it next to the PDF so their software can book it.
    # Factur-X (the default) is a PDF with the XML inside; the plain PDF above stays the human-readable copy.
    preferred = preferred_format(invoice)
    # Peppol UBL exists only where both parties have a Peppol address (formats_of); without it the PDF goes alone.
    if preferred and preferred != "facturx" and formats_of(invoice, [preferred]):
        content, filename, content_type = einvoice_bytes(invoice, preferred)
        attachments.append((filename, content_type, content))
    return subject, body, attachments
