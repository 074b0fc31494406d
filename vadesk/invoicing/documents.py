"""From invoice rows to the e-invoice document (and the PDF's data): parties, VAT, totals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from vadesk.einvoice.model import CREDIT_NOTE, INVOICE, Address, Document, Line, Party
from vadesk.einvoice.xmlutil import endpoint
from vadesk.invoicing.models import Buyer, ClientBilling, Invoice, InvoiceLine, SellerProfile, VatRate
from vadesk.invoicing.vat import Rate, VatCase, legal_note, line_vat, vat_case
from vadesk.lib.validators import bic_for_iban, normalise_iban


def seller_party(profile: SellerProfile) -> dict[str, Any]:
    """The seller as it stands now: the organisation, or the client on whose behalf we invoice."""
    source = profile.on_behalf_of or profile.organisation
    organisation = profile.organisation
    # On a client's behalf the money goes to the client's account (kept on the profile), never the organisation's.
    iban = normalise_iban(profile.iban if profile.on_behalf_of_id else (profile.iban or organisation.iban))
    return {
        "name": source.name,
        "street": source.street,
        "postal_code": source.postal_code,
        "city": source.city,
        "country": source.country,
        "vat_id": source.vat_id,
        "tax_number": profile.tax_number,
        "registration_id": source.coc_number,
        "legal_form": getattr(source, "legal_form", ""),
        "email": profile.email,
        "phone": profile.phone,
        "contact_name": profile.contact_name,
        "iban": iban,
        "bic": profile.bic or (bic_for_iban(iban) if iban else ""),
        "small_business": profile.small_business,
    }


def buyer_party(invoice: Invoice) -> dict[str, Any]:
    if invoice.buyer is not None:
        return _buyer_of_client(invoice.buyer)
    client = invoice.client
    billing = ClientBilling.objects.filter(client=client).first()
    return {
        "name": client.name,
        "street": client.street,
        "postal_code": client.postal_code,
        "city": client.city,
        "country": client.country,
        "vat_id": client.vat_id,
        "registration_id": client.coc_number,
        "is_business": client.kind == client.Kind.COMPANY,
        "email": (billing.invoice_email if billing and billing.invoice_email else client.email),
    }


def _buyer_of_client(buyer: Buyer) -> dict[str, Any]:
    """One of the client's own customers, when we invoice on the client's behalf."""
    return {
        "name": buyer.name,
        "street": buyer.street,
        "postal_code": buyer.postal_code,
        "city": buyer.city,
        "country": buyer.country,
        "vat_id": buyer.vat_id,
        "registration_id": buyer.registration_id,
        "is_business": buyer.is_business,
        "email": buyer.email,
        "endpoint_scheme": buyer.endpoint_scheme,
        "endpoint_id": buyer.endpoint_id,
    }


def payment_days(invoice: Invoice) -> int:
    """The client's own payment term where it has one, else the seller's."""
    if not invoice.buyer_id:
        billing = ClientBilling.objects.filter(client_id=invoice.client_id).only("payment_days").first()
        if billing and billing.payment_days is not None:
            return billing.payment_days
    return invoice.seller.payment_days


def electronic_address(party: dict[str, Any], *, peppol: bool) -> tuple[str, str]:
    """BT-34 / BT-49 as it will be written: named address, else VAT id, else KvK / KBO number, else (not in Peppol)
    e-mail."""

    return endpoint(
        party.get("vat_id", ""),
        party.get("email", ""),
        party.get("endpoint_scheme", ""),
        party.get("endpoint_id", ""),
        registration_id=party.get("registration_id", ""),
        country=party.get("country", ""),
        peppol=peppol,
    )


def parties(invoice: Invoice) -> tuple[dict[str, Any], dict[str, Any]]:
    """Frozen snapshots for a final invoice, live data for a draft."""
    if invoice.is_final:
        return invoice.seller_snapshot, invoice.buyer_snapshot
    return seller_party(invoice.seller), buyer_party(invoice)


def supply_date(invoice: Invoice) -> date:
    """The VAT rate is the one in force when the service is done: the end of the period."""
    return invoice.period_end


def all_rates() -> list[Rate]:
    return [Rate(r.country, r.kind, r.rate, r.valid_from) for r in VatRate.objects.all()]


def decide(invoice: Invoice, seller: dict[str, Any], buyer: dict[str, Any]) -> VatCase:
    return vat_case(
        seller_country=seller["country"],
        seller_small_business=seller["small_business"],
        seller_vat_id=seller["vat_id"],
        buyer_country=buyer["country"],
        buyer_is_business=buyer["is_business"],
        buyer_vat_id=buyer["vat_id"],
    )


def _party(data: dict[str, Any], *, with_contact: bool) -> Party:
    return Party(
        name=data["name"],
        address=Address(data["street"], data["postal_code"], data["city"], data["country"]),
        vat_id=data.get("vat_id", ""),
        tax_number=data.get("tax_number", ""),
        registration_id=data.get("registration_id", ""),
        email=data.get("email", ""),
        phone=data.get("phone", "") if with_contact else "",
        contact_name=(data.get("contact_name") or data["name"]) if with_contact else "",
        endpoint_scheme=data.get("endpoint_scheme", ""),
        endpoint_id=data.get("endpoint_id", ""),
    )


def document_of(invoice: Invoice, *, lines: list[InvoiceLine] | None = None) -> Document:
    """The e-invoice document of a final invoice (or a draft, priced as it would be today)."""
    seller, buyer = parties(invoice)
    lines = list(invoice.lines.all()) if lines is None else lines
    if not invoice.is_final:
        case = decide(invoice, seller, buyer)
        rates = all_rates()
        for line in lines:
            line.vat_category, line.vat_rate = line_vat(
                case, kind=line.rate_kind, rates=rates, seller_country=seller["country"], day=supply_date(invoice)
            )
        note = legal_note(case, seller_country=seller["country"], language=invoice.language)
    else:
        case, note = VatCase(invoice.vat_case), invoice.vat_note
    with translation.override(invoice.language):
        terms = _("Please pay within %(days)s days, by %(date)s, quoting %(number)s.") % {
            "days": (invoice.due_date - invoice.issue_date).days
            if invoice.due_date and invoice.issue_date
            else payment_days(invoice),
            "date": invoice.due_date.isoformat() if invoice.due_date else "–",
            "number": invoice.number or "–",
        }
    reasons = {"E": note, "AE": note} if note else {}
    credit = invoice.credit_of
    return Document(
        kind=CREDIT_NOTE if invoice.is_credit_note else INVOICE,
        number=invoice.number or f"DRAFT-{invoice.pk}",
        issue_date=invoice.issue_date or date.today(),
        due_date=invoice.due_date,
        seller=_party(seller, with_contact=True),
        buyer=_party(buyer, with_contact=False),
        lines=tuple(
            Line(
                id=str(i),
                name=line.description,
                quantity=line.quantity,
                unit_code=line.unit,
                unit_price=line.unit_price,
                vat_category=line.vat_category,
                vat_rate=Decimal(line.vat_rate or 0),
                description=line.detail,
                period_start=_inside(line, invoice)[0],
                period_end=_inside(line, invoice)[1],
            )
            for i, line in enumerate(lines, start=1)
        ),
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        buyer_reference=invoice.buyer_reference or buyer["name"][:60],
        payment_terms="" if invoice.is_credit_note else terms,
        note=" ".join(part for part in (note, invoice.note) if part),
        iban=normalise_iban(seller.get("iban", "")),
        bic=seller.get("bic", ""),
        payment_reference=invoice.number,
        preceding_number=credit.number if credit else "",
        preceding_date=credit.issue_date if credit else None,
        exemption_reasons=reasons,
    )


def _inside(line: InvoiceLine, invoice: Invoice) -> tuple[date | None, date | None]:
    """A line period outside the document's period (a retainer month paid in advance) stays off the XML: PEPPOL-EN16931-R110/R111.
    The PDF still shows it in the line's text."""
    start, end = line.period_start, line.period_end
    if start and end and invoice.period_start <= start <= end <= invoice.period_end:
        return start, end
    return None, None
