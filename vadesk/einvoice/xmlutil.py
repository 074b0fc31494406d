"""Small lxml helpers shared by the UBL and CII writers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree


def amount(value: Decimal) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01')):f}"


def number(value: Decimal) -> str:
    """A quantity, price or rate without trailing zeros beyond two decimals: 1.5, 12.00 → 12.00."""
    value = Decimal(value)
    text = f"{value.normalize():f}"
    return text if "." in text and len(text.split(".")[1]) > 2 else f"{value.quantize(Decimal('0.01')):f}"


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v})
    if text is not None:
        element.text = text
    return element


def iso(day: date) -> str:
    return day.isoformat()


def compact(day: date) -> str:
    """UN/CEFACT date format 102: CCYYMMDD."""
    return day.strftime("%Y%m%d")


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# EN 16931 electronic address schemes (CEF EAS code list) for the VAT ids of our countries.
EAS_FOR_VAT = {"NL": "9944", "DE": "9930", "BE": "9925", "AT": "9914"}


def endpoint(vat_id: str, email: str, scheme: str = "", address: str = "") -> tuple[str, str]:
    """BT-34 / BT-49: the party's electronic address and its scheme: the one it named, else by VAT id, else e-mail (EAS "EM")."""
    if scheme and address:
        return scheme, address
    if vat_id and vat_id[:2] in EAS_FOR_VAT:
        return EAS_FOR_VAT[vat_id[:2]], vat_id
    return "EM", email
