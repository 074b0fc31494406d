"""Small lxml helpers shared by the UBL and CII writers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from vadesk.einvoice.model import Party


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


# Electronic Address Scheme codes (CEF EAS, the list PEPPOL-EN16931-CL008 checks) for the VAT ids of our countries.
EAS_FOR_VAT = {"NL": "9944", "DE": "9930", "BE": "9925", "AT": "9914"}
# ISO 6523 ICD codes of the national business registers: NL KvK (NL-R-003 / NL-R-005: 0106 or 0190), BE KBO/BCE.
# Both are in the EAS list as well. The German Handelsregister and the Austrian Firmenbuch have no code there.
KVK, KBO = "0106", "0208"


def registration(country: str, registration_id: str) -> tuple[str, str]:
    """BT-30 / BT-47 with its ICD scheme (BT-30-1): the id as the scheme writes it, or ("", id) where none applies.

    A KvK number is 8 digits. A Belgian enterprise number is 10 digits without dots, its last two a mod-97 check of
    the first eight (PEPPOL-COMMON-R043); "0721.563.402" is written 0721563402.
    """
    digits = "".join(c for c in registration_id if c.isdigit())
    if country == "NL" and len(digits) == 8 and digits == registration_id.strip():
        return KVK, digits
    if country == "BE" and len(digits) == 10 and 97 - int(digits[:8]) % 97 == int(digits[8:]):
        return KBO, digits
    return "", registration_id


def endpoint(
    vat_id: str,
    email: str,
    scheme: str = "",
    address: str = "",
    *,
    registration_id: str = "",
    country: str = "",
    peppol: bool = False,
) -> tuple[str, str]:
    """BT-34 / BT-49, the party's electronic address and its EAS scheme, or ("", "") when it has none.

    1. The address the party named itself (its Peppol id).
    2. Its VAT id, under its country's VAT scheme (NL 9944, DE 9930, BE 9925, AT 9914).
    3. Its registration id where the register has a code (NL KvK 0106, BE KBO 0208).
    4. Outside Peppol only: its e-mail address, EAS "EM". EN 16931 lists EM (BR-CL-25); Peppol's EAS list does
       not (PEPPOL-EN16931-CL008), and an e-mail address is no Peppol participant anyway.
    """
    if scheme and address and not (peppol and scheme == "EM"):
        return scheme, address
    if vat_id and vat_id[:2] in EAS_FOR_VAT:
        return EAS_FOR_VAT[vat_id[:2]], vat_id
    scheme, registered = registration(country, registration_id)
    if scheme:
        return scheme, registered
    if email and not peppol:
        return "EM", email
    return "", ""


def party_endpoint(party: Party, *, peppol: bool) -> tuple[str, str]:
    return endpoint(
        party.vat_id,
        party.email,
        party.endpoint_scheme,
        party.endpoint_id,
        registration_id=party.registration_id,
        country=party.address.country,
        peppol=peppol,
    )
