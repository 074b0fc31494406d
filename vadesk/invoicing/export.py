"""The accountant's export: all invoices and credit notes of a period as CSV, and as a ZIP with the PDFs and XMLs."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import IO

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


# OWASP "CSV Injection": a cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def csv_cell(value: object) -> object:
    """Text that a spreadsheet would run is prefixed with `'`; numbers (a credit note's -12.50) stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


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
        row = [
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
        writer.writerow([csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_zip(organisation: Organisation, start: date, end: date) -> bytes:
    """The ZIP in memory: for tests and small periods; the page's export is a job that uses export_zip_to."""
    buffer = io.BytesIO()
    export_zip_to(organisation, start, end, buffer)
    return buffer.getvalue()


def export_zip_to(
    organisation: Organisation,
    start: date,
    end: date,
    out: IO[bytes],
    *,
    on_document: Callable[[], object] = lambda: None,
) -> int:
    """Write the ZIP into `out` one document at a time (only one PDF is in memory at once); `on_document` is
    called after each. Returns the number of documents."""
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"invoices-{start}-{end}.csv", export_csv(organisation, start, end))
        for invoice in documents_in(organisation, start, end).iterator(chunk_size=100):
            archive.writestr(f"pdf/{invoice.filename_stem}.pdf", render_pdf(invoice))
            for fmt in formats_of(invoice, ("ubl", "cii")):  # no Peppol UBL where a party has no Peppol address
                content, name, _type = einvoice_bytes(invoice, fmt)
                archive.writestr(f"{fmt}/{name}", content)
            count += 1
            on_document()
    return count
