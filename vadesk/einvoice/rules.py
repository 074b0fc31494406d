"""Peppol BIS Billing 3.0 and KoSIT XRechnung 3.0 rules, written out for the documents vadesk makes.

Neither rule set is installable from a package registry (both are published as Schematron
sources on their owners' sites), so the rules that apply to vadesk's invoices are checked here
by their ids, over the generated XML. The CEN EN 16931 rules themselves run from the official
XSLT in `validation.py`. Each check cites the rule it stands for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from lxml import etree

from vadesk.einvoice.cii import RAM, RSM, XRECHNUNG_GUIDELINE
from vadesk.einvoice.ubl import CAC, CBC, PEPPOL_CUSTOMIZATION, PEPPOL_PROFILE, XRECHNUNG_CUSTOMIZATION

NS = {"cac": CAC, "cbc": CBC, "rsm": RSM, "ram": RAM}
# Codes of the CEF Electronic Address Scheme list that vadesk writes (PEPPOL-EN16931-CL008).
EAS = {"EM", "0106", "0190", "0204", "0208", "9925", "9930", "9944", "9914"}
XRECHNUNG_TYPE_CODES = {"326", "380", "384", "389", "381", "875", "876", "877"}  # BR-DE-17


def _text(root: etree._Element, path: str) -> str:
    found = root.xpath(path, namespaces=NS)
    if not found:
        return ""
    first = found[0]
    return (first if isinstance(first, str) else (first.text or "")).strip()


def _has(root: etree._Element, path: str) -> bool:
    return bool(root.xpath(path, namespaces=NS))


# Where each business term sits in either syntax.
UBL_PATHS = {
    "customization": "/*/cbc:CustomizationID",
    "buyer_reference": "/*/cbc:BuyerReference",
    "payment_means": "/*/cac:PaymentMeans/cbc:PaymentMeansCode",
    "iban": "/*/cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID",
    "seller_contact": "/*/cac:AccountingSupplierParty/cac:Party/cac:Contact",
    "seller_contact_name": "/*/cac:AccountingSupplierParty/cac:Party/cac:Contact/cbc:Name",
    "seller_phone": "/*/cac:AccountingSupplierParty/cac:Party/cac:Contact/cbc:Telephone",
    "seller_email": "/*/cac:AccountingSupplierParty/cac:Party/cac:Contact/cbc:ElectronicMail",
    "seller_city": "/*/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:CityName",
    "seller_postcode": "/*/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:PostalZone",
    "buyer_city": "/*/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:CityName",
    "buyer_postcode": "/*/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:PostalZone",
    "seller_vat": "/*/cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID",
    "seller_tax_number": "/*/cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID!='VAT']/cbc:CompanyID",
    "seller_endpoint": "/*/cac:AccountingSupplierParty/cac:Party/cbc:EndpointID",
    "buyer_endpoint": "/*/cac:AccountingCustomerParty/cac:Party/cbc:EndpointID",
    "type_code": "/*/cbc:InvoiceTypeCode|/*/cbc:CreditNoteTypeCode",
    "categories": "/*/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID",
}
CII_PATHS = {
    "customization": "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
    "buyer_reference": "//ram:ApplicableHeaderTradeAgreement/ram:BuyerReference",
    "payment_means": "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode",
    "iban": "//ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/ram:IBANID",
    "seller_contact": "//ram:SellerTradeParty/ram:DefinedTradeContact",
    "seller_contact_name": "//ram:SellerTradeParty/ram:DefinedTradeContact/ram:PersonName",
    "seller_phone": "//ram:SellerTradeParty/ram:DefinedTradeContact/ram:TelephoneUniversalCommunication/ram:CompleteNumber",
    "seller_email": "//ram:SellerTradeParty/ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID",
    "seller_city": "//ram:SellerTradeParty/ram:PostalTradeAddress/ram:CityName",
    "seller_postcode": "//ram:SellerTradeParty/ram:PostalTradeAddress/ram:PostcodeCode",
    "buyer_city": "//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CityName",
    "buyer_postcode": "//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:PostcodeCode",
    "seller_vat": "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']",
    "seller_tax_number": "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']",
    "seller_endpoint": "//ram:SellerTradeParty/ram:URIUniversalCommunication/ram:URIID",
    "buyer_endpoint": "//ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID",
    "type_code": "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode",
    "categories": "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode",
}


def iban_valid(iban: str) -> bool:
    """ISO 13616 mod-97 check, the test BR-DE-19 makes."""
    iban = iban.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", iban):
        return False
    digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def peppol_errors(xml: bytes) -> list[str]:
    """The Peppol BIS Billing 3.0 rules (UBL) that bear on vadesk's documents."""
    root = etree.fromstring(xml)
    checks: list[tuple[str, Callable[[], bool]]] = [
        (
            "PEPPOL-EN16931-R001 business process (ProfileID) must be given",
            lambda: _text(root, "/*/cbc:ProfileID") == PEPPOL_PROFILE,
        ),
        (
            "PEPPOL-EN16931-R002 no more than one note on document level",
            lambda: len(root.xpath("/*/cbc:Note", namespaces=NS)) <= 1,
        ),
        (
            "PEPPOL-EN16931-R003 a buyer reference or purchase order reference must be given",
            lambda: bool(_text(root, "/*/cbc:BuyerReference") or _text(root, "/*/cac:OrderReference/cbc:ID")),
        ),
        (
            "PEPPOL-EN16931-R004 specification identifier must be the Peppol BIS one",
            lambda: _text(root, "/*/cbc:CustomizationID") in (PEPPOL_CUSTOMIZATION, XRECHNUNG_CUSTOMIZATION),
        ),
        ("PEPPOL-EN16931-R008 document must not contain empty elements", lambda: not _empty_elements(root)),
        (
            "PEPPOL-EN16931-R010 buyer electronic address must be provided",
            lambda: bool(_text(root, UBL_PATHS["buyer_endpoint"])),
        ),
        (
            "PEPPOL-EN16931-R020 seller electronic address must be provided",
            lambda: bool(_text(root, UBL_PATHS["seller_endpoint"])),
        ),
        (
            "PEPPOL-EN16931-R053 only one tax total with tax subtotals",
            lambda: len(root.xpath("/*/cac:TaxTotal[cac:TaxSubtotal]", namespaces=NS)) == 1,
        ),
        ("PEPPOL-EN16931-R120 line net amount = quantity × net price", lambda: _line_nets_agree(root)),
        ("PEPPOL-EN16931-R110/R111 line period inside the invoice period", lambda: _line_periods_inside(root)),
        (
            "PEPPOL-EN16931-CL008 electronic address scheme from the EAS code list",
            lambda: all(e.get("schemeID") in EAS for e in root.xpath("//cbc:EndpointID", namespaces=NS)),
        ),
        (
            "PEPPOL-EN16931-F001 dates as YYYY-MM-DD",
            lambda: all(
                re.fullmatch(r"\d{4}-\d{2}-\d{2}", e.text or "")
                for e in root.xpath(
                    "//cbc:*[substring(local-name(), string-length(local-name()) - 3) = 'Date']", namespaces=NS
                )
            ),
        ),
    ]
    return [rule for rule, passes in checks if not passes()]


def xrechnung_errors(xml: bytes) -> list[str]:
    """The KoSIT XRechnung 3.0 rules (BR-DE-xx) that bear on vadesk's documents, for UBL and CII."""
    root = etree.fromstring(xml)
    paths = CII_PATHS if etree.QName(root).namespace == RSM else UBL_PATHS
    t = lambda key: _text(root, paths[key])  # noqa: E731
    checks: list[tuple[str, Callable[[], bool]]] = [
        ("BR-DE-1 payment instructions (BG-16) must be given", lambda: bool(t("payment_means"))),
        ("BR-DE-2 seller contact (BG-6) must be given", lambda: _has(root, paths["seller_contact"])),
        ("BR-DE-3 seller city must be given", lambda: bool(t("seller_city"))),
        ("BR-DE-4 seller post code must be given", lambda: bool(t("seller_postcode"))),
        ("BR-DE-5 seller contact point (BT-41) must be given", lambda: bool(t("seller_contact_name"))),
        ("BR-DE-6 seller contact telephone (BT-42) must be given", lambda: bool(t("seller_phone"))),
        ("BR-DE-7 seller contact e-mail (BT-43) must be given", lambda: bool(t("seller_email"))),
        ("BR-DE-8 buyer city must be given", lambda: bool(t("buyer_city"))),
        ("BR-DE-9 buyer post code must be given", lambda: bool(t("buyer_postcode"))),
        ("BR-DE-15 buyer reference (BT-10, e.g. Leitweg-ID) must be given", lambda: bool(t("buyer_reference"))),
        (
            "BR-DE-16 seller VAT id or tax number must be given for VAT categories S, Z, E, AE",
            lambda: (
                not set(root.xpath(paths["categories"] + "/text()", namespaces=NS))
                & {"S", "Z", "E", "AE", "K", "G", "L", "M"}
                or bool(t("seller_vat") or t("seller_tax_number"))
            ),
        ),
        ("BR-DE-17 invoice type code from the XRechnung list", lambda: t("type_code") in XRECHNUNG_TYPE_CODES),
        (
            "BR-DE-19 IBAN must be valid for SEPA credit transfer",
            lambda: t("payment_means") != "58" or iban_valid(t("iban")),
        ),
        (
            "BR-DE-21 specification identifier must be XRechnung 3.0",
            lambda: t("customization") in (XRECHNUNG_CUSTOMIZATION, XRECHNUNG_GUIDELINE),
        ),
        (
            "BR-DE-23-a credit transfer (58) needs the payee account",
            lambda: t("payment_means") != "58" or bool(t("iban")),
        ),
        (
            "BR-DE-27 seller telephone must contain at least three digits",
            lambda: len(re.findall(r"\d", t("seller_phone"))) >= 3,
        ),
        (
            "BR-DE-28 seller e-mail must contain exactly one @, not at the edges",
            lambda: re.fullmatch(r"[^@\s.][^@\s]*@[^@\s]*[^@\s.]", t("seller_email")) is not None,
        ),
        (
            "PEPPOL-EN16931-R010/R020 (XRechnung 3.0) seller and buyer electronic addresses must be given",
            lambda: bool(t("seller_endpoint") and t("buyer_endpoint")),
        ),
    ]
    return [rule for rule, passes in checks if not passes()]


def _empty_elements(root: etree._Element) -> list[etree._Element]:
    return [e for e in root.iter() if isinstance(e.tag, str) and len(e) == 0 and not (e.text or "").strip()]


def _line_nets_agree(root: etree._Element) -> bool:
    for line in root.xpath("/*/cac:InvoiceLine|/*/cac:CreditNoteLine", namespaces=NS):
        quantity = Decimal(_text(line, "cbc:InvoicedQuantity|cbc:CreditedQuantity"))
        price = Decimal(_text(line, "cac:Price/cbc:PriceAmount"))
        base = Decimal(_text(line, "cac:Price/cbc:BaseQuantity") or "1")
        net = Decimal(_text(line, "cbc:LineExtensionAmount"))
        # PEPPOL-EN16931-R120 as published: u:slack(net, quantity × price ÷ base quantity, 0.02).
        if abs(net - quantity * price / base) > Decimal("0.02"):
            return False
    return True


def _line_periods_inside(root: etree._Element) -> bool:
    start, end = _text(root, "/*/cac:InvoicePeriod/cbc:StartDate"), _text(root, "/*/cac:InvoicePeriod/cbc:EndDate")
    for line in root.xpath("/*/cac:InvoiceLine|/*/cac:CreditNoteLine", namespaces=NS):
        line_start, line_end = (
            _text(line, "cac:InvoicePeriod/cbc:StartDate"),
            _text(line, "cac:InvoicePeriod/cbc:EndDate"),
        )
        if start and line_start and line_start < start:
            return False
        if end and line_end and line_end > end:
            return False
    return True
