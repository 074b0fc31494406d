"""The invoice PDF in the client's language, rendered by typst; PDF/A-3b with the CII XML embedded (Factur-X)."""

from __future__ import annotations

import io
import json
import logging
import threading
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import facturx
import segno
import typst
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from django.utils import translation
from django.utils.translation import gettext as _

from vadesk.accounts.models import Country
from vadesk.einvoice.cii import to_cii
from vadesk.einvoice.model import Document
from vadesk.einvoice.totals import document_totals
from vadesk.invoicing.documents import document_of, parties
from vadesk.invoicing.models import Invoice, InvoiceLine, unit_text
from vadesk.lib.formatting import format_minutes
from vadesk.lib.svg import usable_svg
from vadesk.lib.validators import format_iban
from vadesk.timesheets.models import TimeEntry

TEMPLATE = Path(__file__).with_name("invoice.typ")
LOCALES = {"nl": "nl_NL", "de": "de_DE", "en": "en_GB"}
_local = threading.local()
logger = logging.getLogger("vadesk.invoicing")


def _compiler() -> typst.Compiler:
    # One compiler per thread: reusing it keeps fonts and the parsed template warm (about 10 ms a page).
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        compiler = _local.compiler = typst.Compiler(TEMPLATE, root=TEMPLATE.parent)
    return compiler


def epc_payload(*, name: str, iban: str, bic: str, amount: Decimal, text: str) -> str:
    """EPC069-12 v002 payload: service tag, version, UTF-8, SCT, BIC, name (≤70), IBAN, EUR amount, purpose, reference, text (≤140)."""
    return "\n".join(("BCD", "002", "1", "SCT", bic or "", name[:70], iban, f"EUR{amount:.2f}", "", "", text[:140]))


# ISO/IEC 18004 allows any of the eight masks; choosing the "best" one by penalty score costs segno ~8 ms in pure Python
# per code, so we fix one. The PDF test decodes the printed code with zbarimg, so a regression would show.
QR_MASK = 1


def epc_qr_svg(*, name: str, iban: str, bic: str, amount: Decimal, text: str) -> str:
    """EPC069-12 "GiroCode": a SEPA credit transfer the client's banking app fills in by scanning."""
    if not iban or amount <= 0:
        return ""
    # Error correction M and no boost, as EPC069-12 requires; version at most 13.
    # Bytes, so the code holds UTF-8 as the payload's character-set line ("1") says, whatever the name contains.
    payload = epc_payload(name=name, iban=iban, bic=bic, amount=amount, text=text).encode()
    qr = segno.make_qr(payload, error="m", boost_error=False, mask=QR_MASK)
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=4, border=0, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def render_pdf(invoice: Invoice, *, pdf_a: bool = True) -> bytes:
    lines = list(invoice.lines.all())  # read once, for the document and the PDF's rows
    doc = document_of(invoice, lines=lines)
    data = pdf_data(invoice, doc, rows=lines)
    try:
        return _compile(data, pdf_a=pdf_a)
    except typst.TypstError:
        if not data["logo_svg"]:
            raise
        # A logo typst cannot draw (it passed the allow-list, or was stored before it) never costs the invoice.
        logger.warning("logo_not_rendered", extra={"invoice": invoice.pk, "seller": invoice.seller_id})
        return _compile({**data, "logo_svg": ""}, pdf_a=pdf_a)


def _compile(data: dict[str, Any], *, pdf_a: bool) -> bytes:
    pdf, _warnings = _compiler().compile_with_warnings(
        sys_inputs={"data": json.dumps(data)}, pdf_standards=["a-3b"] if pdf_a else []
    )
    return pdf  # type: ignore[return-value]


def render_facturx(invoice: Invoice) -> bytes:
    """The PDF/A-3b with the EN 16931 CII XML attached as factur-x.xml (Factur-X 1.0 / ZUGFeRD 2.x, profile EN 16931)."""
    xml = to_cii(document_of(invoice))
    return facturx.generate_from_binary(
        render_pdf(invoice),
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        pdf_metadata={
            "author": parties(invoice)[0]["name"],
            "title": invoice.number or "draft",
            "subject": invoice.number,
            "keywords": "Factur-X",
        },
        lang=invoice.language,
    )


@lru_cache(maxsize=4096)
def _money(value: Decimal, currency: str, locale: str) -> str:
    # babel re-parses the locale's pattern on every call; amounts repeat a lot across lines and invoices.
    return format_currency(value, currency, locale=locale)


def pdf_data(invoice: Invoice, doc: Document, *, rows: list[InvoiceLine] | None = None) -> dict[str, Any]:
    locale = LOCALES.get(invoice.language, "en_GB")
    money = lambda value: _money(value, doc.currency, locale)  # noqa: E731
    rows = list(invoice.lines.all()) if rows is None else rows
    day = lambda value: format_date(value, format="long", locale=locale) if value else "–"  # noqa: E731
    seller, buyer = parties(invoice)
    totals = document_totals(doc.lines)
    with translation.override(invoice.language):
        title = _("Credit note") if invoice.is_credit_note else _("Invoice")
        meta = [
            (_("Number"), doc.number if invoice.is_final else _("Draft")),
            (_("Date"), day(doc.issue_date)),
            (_("Period"), f"{day(invoice.period_start)} – {day(invoice.period_end)}"),
        ]
        if invoice.is_credit_note and invoice.credit_of:
            meta.append((_("Credits invoice"), f"{doc.preceding_number} ({day(doc.preceding_date)})"))
        elif doc.due_date:
            meta.append((_("Due date"), day(doc.due_date)))
        vat_rows = []
        for group in totals.groups:
            if group.category in ("E", "AE"):
                label = _("VAT 0 % (see note)")
            else:
                label = _("VAT %(rate)s %% on %(base)s") % {
                    "rate": format_decimal(group.rate, locale=locale),
                    "base": money(group.taxable),
                }
            vat_rows.append({"label": label, "value": money(group.tax), "strong": False})
        payable = totals.payable
        lines = []
        for number, (line, row) in enumerate(zip(doc.lines, rows, strict=True), start=1):
            detail = row.detail
            if row.period_start and row.period_end:
                detail = " · ".join(p for p in (f"{day(row.period_start)} – {day(row.period_end)}", detail) if p)
            lines.append(
                {
                    "pos": str(number),
                    "description": line.name,
                    "detail": detail,
                    "quantity": f"{format_decimal(line.quantity.normalize(), format='#,##0.##', locale=locale)} {unit_text(line.unit_code, line.quantity)}",
                    "price": money(line.unit_price),
                    "vat": "–"
                    if line.vat_category in ("E", "AE")
                    else f"{format_decimal(line.vat_rate, locale=locale)} %",
                    "net": money(line.net_amount),
                }
            )
        payment = ""
        bank: list[tuple[str, str]] = []
        qr = ""
        if not invoice.is_credit_note and doc.iban:
            payment = _("Please transfer %(amount)s by %(date)s, quoting %(reference)s.") % {
                "amount": money(payable),
                "date": day(doc.due_date),
                "reference": doc.payment_reference or _("the invoice number"),
            }
            bank = [(_("Account holder"), seller["name"]), ("IBAN", _spaced(doc.iban))] + (
                [("BIC", doc.bic)] if doc.bic else []
            )
            qr = (
                epc_qr_svg(
                    name=seller["name"],
                    iban=doc.iban,
                    bic=doc.bic,
                    amount=payable,
                    text=doc.payment_reference or doc.number,
                )
                if invoice.is_final
                else ""
            )
        elif invoice.is_credit_note:
            payment = _("We will refund %(amount)s to your account, or set it off against an open invoice.") % {
                "amount": money(payable)
            }
        data = {
            "lang": invoice.language,
            "title": title,
            "number": doc.number,
            "labels": {
                "to": _("Invoice to") if not invoice.is_credit_note else _("Credit note to"),
                "from": _("From"),
                "vat_id": _("VAT id"),
                "columns": ["#", _("Description"), _("Quantity"), _("Price"), _("VAT"), _("Amount")],
                "payment": _("Payment"),
                "scan": _("Scan to pay"),
                "page": _("Page"),
                "specification": _("Hours specification"),
                "spec_columns": [_("Date"), _("Assistant"), _("Work"), _("Hours")],
            },
            "seller": {"name": seller["name"], "lines": _address_lines(seller) + _ids(seller)},
            "buyer": {"name": buyer["name"], "lines": _address_lines(buyer), "vat": buyer.get("vat_id", "")},
            "meta": meta,
            "lines": lines,
            "totals": [
                {"label": _("Subtotal"), "value": money(totals.tax_exclusive), "strong": False},
                *vat_rows,
                {
                    "label": _("Total credited") if invoice.is_credit_note else _("Total due"),
                    "value": money(payable),
                    "strong": True,
                },
            ],
            "legal_note": doc.exemption_reasons.get("E") or doc.exemption_reasons.get("AE") or "",
            "note": invoice.note,
            "payment": payment,
            "bank": bank,
            "qr_svg": qr,
            "logo_svg": usable_svg(invoice.seller.logo_svg or ""),
            "footer": " · ".join(
                p
                for p in (
                    seller["name"] + (f" {seller['legal_form']}" if seller.get("legal_form") else ""),
                    *([_registry(seller)] if seller.get("registration_id") else []),
                    *([_("VAT %(id)s") % {"id": seller["vat_id"]}] if seller.get("vat_id") else []),
                    *([f"IBAN {_spaced(seller['iban'])}"] if seller.get("iban") else []),
                )
                if p
            ),
            "specification": _specification(invoice, locale) if invoice.hours_specification else [],
        }
    return data


# The register is the seller's country's, whatever language the invoice is in.
REGISTERS = {"NL": "KvK", "DE": "HR", "BE": "KBO/BCE", "AT": "FN"}


def _registry(seller: dict[str, Any]) -> str:
    return f"{REGISTERS.get(seller.get('country', ''), 'Reg.')} {seller['registration_id']}"


def _spaced(iban: str) -> str:
    return format_iban(iban)


def _address_lines(party: dict[str, Any]) -> list[str]:

    country = (
        str(Country(party["country"]).label) if party.get("country") in Country.values else party.get("country", "")
    )
    return [
        line
        for line in (
            party.get("street", ""),
            f"{party.get('postal_code', '')} {party.get('city', '')}".strip(),
            country,
        )
        if line
    ]


def _ids(seller: dict[str, Any]) -> list[str]:
    rows = []
    if seller.get("vat_id"):
        rows.append(_("VAT id") + ": " + seller["vat_id"])
    if seller.get("tax_number"):
        rows.append(_("Tax number") + ": " + seller["tax_number"])
    if seller.get("registration_id"):
        rows.append(_registry(seller))
    rows += [v for v in (seller.get("email", ""), seller.get("phone", "")) if v]
    return rows


def _specification(invoice: Invoice, locale: str) -> list[list[str]]:

    entries = (
        TimeEntry.objects.filter(invoice_link__line__invoice=invoice)
        .select_related("person", "task")
        .order_by("work_date", "id")
    )
    return [
        [
            format_date(e.work_date, format="short", locale=locale),
            e.person.full_name,
            # The note for the client, never the internal one: the client reads this PDF.
            (e.task.title if e.task else "") + (f" – {e.client_note}" if e.client_note else ""),
            format_minutes(e.billed_minutes),
        ]
        for e in entries
    ]
