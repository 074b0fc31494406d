"""Every e-invoice format of a final invoice, by name: what the command, the pages and the API hand out."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vadesk.einvoice.cii import to_cii
from vadesk.einvoice.model import Document
from vadesk.einvoice.ubl import to_ubl
from vadesk.einvoice.xmlutil import party_endpoint
from vadesk.invoicing.documents import document_of
from vadesk.invoicing.models import ClientBilling, Invoice
from vadesk.invoicing.pdf.render import render_facturx

FORMATS = ("ubl", "cii", "xrechnung-ubl", "xrechnung-cii", "facturx")
SUFFIX = {
    "ubl": "-ubl.xml",
    "cii": "-cii.xml",
    "xrechnung-ubl": "-xrechnung-ubl.xml",
    "xrechnung-cii": "-xrechnung-cii.xml",
    "facturx": "-facturx.pdf",
}


# What the portal offers a client besides the PDF, by default; the preferred format is put first and added if missing.
PORTAL_FORMATS = ("ubl", "facturx")
LABELS = {
    "ubl": "UBL",
    "cii": "CII",
    "xrechnung-ubl": "XRechnung (UBL)",
    "xrechnung-cii": "XRechnung (CII)",
    "facturx": "Factur-X",
}


def formats_in_order(formats: tuple[str, ...] | list[str], preferred: str | None) -> list[str]:
    """The formats with the preferred one first (added when it is not among them); the rest keep their order."""
    if not preferred:
        return list(formats)
    return [preferred, *(f for f in formats if f != preferred)]


def preferred_format(invoice: Invoice) -> str | None:
    """The client's e-invoice format preference (its billing settings) for an invoice TO the client. On-behalf invoices
    go to the client's own customers, whose preference we do not know: None."""
    if invoice.buyer_id is not None:
        return None
    return ClientBilling.objects.filter(client_id=invoice.client_id).values_list("einvoice_format", flat=True).first()


def peppol_refusal(doc: Document) -> str:
    """Why no Peppol UBL can be made of this document, or "" when it can.

    PEPPOL-EN16931-R020 / R010: seller and buyer need an electronic address from Peppol's EAS list (CL008), which
    has no e-mail scheme: a Peppol id, a VAT id or a KvK / KBO number. A private buyer often has none of these.
    """
    seller, buyer = (not party_endpoint(p, peppol=True)[1] for p in (doc.seller, doc.buyer))
    if not (seller or buyer):
        return ""
    who = _("the seller and the buyer") if seller and buyer else _("the seller") if seller else _("the buyer")
    return _(
        "No Peppol UBL for this invoice: no Peppol address for %(who)s (a Peppol id, VAT id or chamber of commerce "
        "number; Peppol rules R010/R020). Use CII, XRechnung or Factur-X."
    ) % {"who": who}


def formats_of(invoice: Invoice, formats: tuple[str, ...] | list[str] = FORMATS) -> list[str]:
    """The formats this invoice can be had in: all of them, but Peppol UBL only where both parties have a Peppol address."""
    if "ubl" in formats and peppol_refusal(document_of(invoice)):
        return [f for f in formats if f != "ubl"]
    return list(formats)


def einvoice_bytes(invoice: Invoice, fmt: str) -> tuple[bytes, str, str]:
    """(content, filename, content type) of one format; only final documents have e-invoices."""
    if fmt not in FORMATS:
        raise ValidationError(
            _("Unknown format %(format)s. Choose one of: %(formats)s.") % {"format": fmt, "formats": ", ".join(FORMATS)}
        )
    if not invoice.is_final:
        raise ValidationError(_("Only a final invoice has an e-invoice. Finalise it first."))
    filename = invoice.filename_stem + SUFFIX[fmt]
    if fmt == "facturx":
        return render_facturx(invoice), filename, "application/pdf"
    doc = document_of(invoice)
    if fmt == "ubl" and (refusal := peppol_refusal(doc)):
        raise ValidationError(refusal)
    xrechnung = fmt.startswith("xrechnung")
    content = to_cii(doc, xrechnung=xrechnung) if fmt.endswith("cii") else to_ubl(doc, xrechnung=xrechnung)
    return content, filename, "application/xml"
