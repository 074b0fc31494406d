"""The accountant's export: all invoices and credit notes of a period as CSV, and as a ZIP with the PDFs and XMLs."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from vadesk.accounts.models import Organisation
from vadesk.invoicing.einvoices import einvoice_bytes, formats_of
from vadesk.invoicing.models import Invoice
from vadesk.invoicing.pdf.render import render_pdf

COLUMNS = [
    "number",
    "type",
    "issue_date",
    "due_date",
    "client",
    "client_vat_id",
    "client_country",
    "vat_case",
    "net",
    "vat",
    "gross",
    "vat_breakdown",
    "credits",
    "paid_on",
    "period_start",
    "period_end",
]


def documents_in(organisation: Organisation, start: date, end: date) -> QuerySet[Invoice]:
    # The organisation's own books only: invoices issued in a client's name belong to that client's accountant.
    return (
        Invoice.objects.for_organisation(organisation)
        .final()
        .filter(issue_date__range=(start, end), buyer__isnull=True)
        .select_related("client", "credit_of", "seller__organisation")
        .prefetch_related("lines")
        .order_by("issue_date", "number")
    )


def export_csv(organisation: Organisation, start: date, end: date) -> bytes:
    """UTF-8 with BOM and semicolons, so Excel in NL/DE opens it as columns; credit notes as negative amounts."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(COLUMNS)
    for invoice in documents_in(organisation, start, end):
        sign = -1 if invoice.is_credit_note else 1
        groups: dict[str, Decimal] = {}
        for line in invoice.lines.all():
            key = f"{line.vat_category} {line.vat_rate}%"
            groups[key] = groups.get(key, Decimal("0")) + line.net_amount
        writer.writerow(
            [
                invoice.number,
                invoice.kind,
                invoice.issue_date,
                invoice.due_date or "",
                invoice.buyer_snapshot.get("name", ""),
                invoice.buyer_snapshot.get("vat_id", ""),
                invoice.buyer_snapshot.get("country", ""),
                invoice.vat_case,
                sign * invoice.net_total,
                sign * invoice.vat_total,
                sign * invoice.gross_total,
                ", ".join(f"{k}: {sign * v}" for k, v in groups.items()),
                invoice.credit_of.number if invoice.credit_of else "",
                invoice.paid_at or "",
                invoice.period_start,
                invoice.period_end,
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_zip(organisation: Organisation, start: date, end: date) -> bytes:

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"invoices-{start}-{end}.csv", export_csv(organisation, start, end))
        for invoice in documents_in(organisation, start, end):
            archive.writestr(f"pdf/{invoice.filename_stem}.pdf", render_pdf(invoice))
            for fmt in formats_of(invoice, ("ubl", "cii")):  # no Peppol UBL where a party has no Peppol address
                content, name, _type = einvoice_bytes(invoice, fmt)
                archive.writestr(f"{fmt}/{name}", content)
    return buffer.getvalue()
