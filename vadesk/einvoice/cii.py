"""UN/CEFACT CII D16B (CrossIndustryInvoice) following EN 16931: the Factur-X EN 16931 profile or XRechnung 3.0 CII."""

from __future__ import annotations

from datetime import date

from lxml import etree

from vadesk.einvoice.model import Document, Party
from vadesk.einvoice.totals import document_totals
from vadesk.einvoice.xmlutil import amount, compact, number, party_endpoint, registration, serialise, sub

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"

EN16931_GUIDELINE = "urn:cen.eu:en16931:2017"  # Factur-X / ZUGFeRD profile EN 16931 (COMFORT)
XRECHNUNG_GUIDELINE = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PEPPOL_PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"


def r(tag: str) -> str:
    return f"{{{RAM}}}{tag}"


def to_cii(doc: Document, *, xrechnung: bool = False) -> bytes:
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap={"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT})
    totals = document_totals(doc.lines, prepaid=doc.prepaid, exemption_reasons=doc.exemption_reasons)
    context = sub(root, f"{{{RSM}}}ExchangedDocumentContext")
    if xrechnung:
        sub(sub(context, r("BusinessProcessSpecifiedDocumentContextParameter")), r("ID"), PEPPOL_PROCESS)  # BT-23
    sub(
        sub(context, r("GuidelineSpecifiedDocumentContextParameter")),
        r("ID"),
        XRECHNUNG_GUIDELINE if xrechnung else EN16931_GUIDELINE,
    )
    header = sub(root, f"{{{RSM}}}ExchangedDocument")
    sub(header, r("ID"), doc.number)
    sub(header, r("TypeCode"), doc.type_code)
    _date(sub(header, r("IssueDateTime")), doc.issue_date)
    if doc.note:
        sub(sub(header, r("IncludedNote")), r("Content"), doc.note)
    transaction = sub(root, f"{{{RSM}}}SupplyChainTradeTransaction")
    for line in doc.lines:
        item = sub(transaction, r("IncludedSupplyChainTradeLineItem"))
        sub(sub(item, r("AssociatedDocumentLineDocument")), r("LineID"), line.id)
        product = sub(item, r("SpecifiedTradeProduct"))
        sub(product, r("Name"), line.name)
        if line.description:
            sub(product, r("Description"), line.description)
        sub(
            sub(sub(item, r("SpecifiedLineTradeAgreement")), r("NetPriceProductTradePrice")),
            r("ChargeAmount"),
            number(line.unit_price),
        )
        sub(
            sub(item, r("SpecifiedLineTradeDelivery")),
            r("BilledQuantity"),
            number(line.quantity),
            unitCode=line.unit_code,
        )
        settlement = sub(item, r("SpecifiedLineTradeSettlement"))
        tax = sub(settlement, r("ApplicableTradeTax"))
        sub(tax, r("TypeCode"), "VAT")
        sub(tax, r("CategoryCode"), line.vat_category)
        sub(tax, r("RateApplicablePercent"), number(line.vat_rate))
        _period(settlement, line.period_start, line.period_end)
        sub(
            sub(settlement, r("SpecifiedTradeSettlementLineMonetarySummation")),
            r("LineTotalAmount"),
            amount(line.net_amount),
        )
    agreement = sub(transaction, r("ApplicableHeaderTradeAgreement"))
    if doc.buyer_reference:
        sub(agreement, r("BuyerReference"), doc.buyer_reference)
    _party(sub(agreement, r("SellerTradeParty")), doc.seller, seller=True)
    _party(sub(agreement, r("BuyerTradeParty")), doc.buyer, seller=False)
    sub(transaction, r("ApplicableHeaderTradeDelivery"))
    settlement = sub(transaction, r("ApplicableHeaderTradeSettlement"))
    if doc.payment_reference:
        sub(settlement, r("PaymentReference"), doc.payment_reference)
    sub(settlement, r("InvoiceCurrencyCode"), doc.currency)
    if doc.iban:
        means = sub(settlement, r("SpecifiedTradeSettlementPaymentMeans"))
        sub(means, r("TypeCode"), "58")  # SEPA credit transfer
        sub(sub(means, r("PayeePartyCreditorFinancialAccount")), r("IBANID"), doc.iban)
        if doc.bic and not xrechnung:
            sub(sub(means, r("PayeeSpecifiedCreditorFinancialInstitution")), r("BICID"), doc.bic)
    for group in totals.groups:
        tax = sub(settlement, r("ApplicableTradeTax"))
        sub(tax, r("CalculatedAmount"), amount(group.tax))
        sub(tax, r("TypeCode"), "VAT")
        if group.exemption_reason:
            sub(tax, r("ExemptionReason"), group.exemption_reason)
        sub(tax, r("BasisAmount"), amount(group.taxable))
        sub(tax, r("CategoryCode"), group.category)
        if group.exemption_code:
            sub(tax, r("ExemptionReasonCode"), group.exemption_code)
        sub(tax, r("RateApplicablePercent"), number(group.rate))
    _period(settlement, doc.period_start, doc.period_end)
    if doc.payment_terms or doc.due_date:
        terms = sub(settlement, r("SpecifiedTradePaymentTerms"))
        if doc.payment_terms:
            sub(terms, r("Description"), doc.payment_terms)
        if doc.due_date:
            _date(sub(terms, r("DueDateDateTime")), doc.due_date)
    summary = sub(settlement, r("SpecifiedTradeSettlementHeaderMonetarySummation"))
    sub(summary, r("LineTotalAmount"), amount(totals.line_total))
    sub(summary, r("TaxBasisTotalAmount"), amount(totals.tax_exclusive))
    sub(summary, r("TaxTotalAmount"), amount(totals.tax_total), currencyID=doc.currency)
    sub(summary, r("GrandTotalAmount"), amount(totals.tax_inclusive))
    if totals.prepaid:
        sub(summary, r("TotalPrepaidAmount"), amount(totals.prepaid))
    sub(summary, r("DuePayableAmount"), amount(totals.payable))
    if doc.preceding_number:
        reference = sub(settlement, r("InvoiceReferencedDocument"))  # BG-3
        sub(reference, r("IssuerAssignedID"), doc.preceding_number)
        if doc.preceding_date:
            sub(
                sub(reference, r("FormattedIssueDateTime")),
                f"{{{QDT}}}DateTimeString",
                compact(doc.preceding_date),
                format="102",
            )
    return serialise(root)


def _date(holder: etree._Element, day: date) -> None:
    sub(holder, f"{{{UDT}}}DateTimeString", compact(day), format="102")


def _period(holder: etree._Element, start: date | None, end: date | None) -> None:
    if not (start or end):
        return
    period = sub(holder, r("BillingSpecifiedPeriod"))
    if start:
        _date(sub(period, r("StartDateTime")), start)
    if end:
        _date(sub(period, r("EndDateTime")), end)


def _party(element: etree._Element, party: Party, *, seller: bool) -> None:
    sub(element, r("Name"), party.name)
    if party.registration_id:
        organisation = sub(element, r("SpecifiedLegalOrganization"))
        scheme, registered = registration(party.address.country, party.registration_id)
        sub(organisation, r("ID"), registered, schemeID=scheme)
    if seller and (party.contact_name or party.phone or party.email):
        contact = sub(element, r("DefinedTradeContact"))
        if party.contact_name:
            sub(contact, r("PersonName"), party.contact_name)
        if party.phone:
            sub(sub(contact, r("TelephoneUniversalCommunication")), r("CompleteNumber"), party.phone)
        if party.email:
            sub(sub(contact, r("EmailURIUniversalCommunication")), r("URIID"), party.email)
    address = sub(element, r("PostalTradeAddress"))
    if party.address.postal_code:
        sub(address, r("PostcodeCode"), party.address.postal_code)
    if party.address.street:
        sub(address, r("LineOne"), party.address.street)
    if party.address.city:
        sub(address, r("CityName"), party.address.city)
    sub(address, r("CountryID"), party.address.country)
    scheme, address_id = party_endpoint(party, peppol=False)
    if address_id:
        sub(sub(element, r("URIUniversalCommunication")), r("URIID"), address_id, schemeID=scheme)  # BT-34 / BT-49
    if party.vat_id:
        sub(sub(element, r("SpecifiedTaxRegistration")), r("ID"), party.vat_id, schemeID="VA")
    if seller and party.tax_number:
        sub(sub(element, r("SpecifiedTaxRegistration")), r("ID"), party.tax_number, schemeID="FC")
