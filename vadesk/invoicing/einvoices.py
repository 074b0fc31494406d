"""Every e-invoice format of a final invoice, by name: what the command, the pages and the API hand out."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vadesk.einvoice.cii import to_cii
from vadesk.einvoice.ubl import to_ubl
from vadesk.invoicing.documents import document_of
from vadesk.invoicing.models import Invoice

FORMATS = ("ubl", "cii", "xrechnung-ubl", "xrechnung-cii", "facturx")
SUFFIX = {"ubl": "-ubl.xml", "cii": "-cii.xml", "xrechnung-ubl": "-xrechnung-ubl.xml", "xrechnung-cii": "-xrechnung-cii.xml", "facturx": "-facturx.pdf"}


def einvoice_bytes(invoice: Invoice, fmt: str) -> tuple[bytes, str, str]:
    """(content, filename, content type) of one format; only final documents have e-invoices."""
    if fmt not in FORMATS:
        raise ValidationError(_("Unknown format %(format)s. Choose one of: %(formats)s.") % {"format": fmt, "formats": ", ".join(FORMATS)})
    if not invoice.is_final:
        raise ValidationError(_("Only a final invoice has an e-invoice. Finalise it first."))
    filename = invoice.filename_stem + SUFFIX[fmt]
    if fmt == "facturx":
        from vadesk.invoicing.pdf.render import render_facturx

        return render_facturx(invoice), filename, "application/pdf"
    doc = document_of(invoice)
    xrechnung = fmt.startswith("xrechnung")
    content = to_cii(doc, xrechnung=xrechnung) if fmt.endswith("cii") else to_ubl(doc, xrechnung=xrechnung)
    return content, filename, "application/xml"
