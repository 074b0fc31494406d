"""UBL 2.1 Invoice / CreditNote following Peppol BIS Billing 3.0 (and XRechnung 3.0's UBL syntax)."""

from __future__ import annotations

from lxml import etree

from vadesk.einvoice.model import CREDIT_NOTE, Document, Party
from vadesk.einvoice.totals import document_totals
from vadesk.einvoice.xmlutil import amount, iso, number, party_endpoint, registration, serialise, sub

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

PEPPOL_CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
XRECHNUNG_CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"


def a(tag: str) -> str:
    return f"{{{CAC}}}{tag}"


def b(tag: str) -> str:
    return f"{{{CBC}}}{tag}"


def to_ubl(doc: Document, *, xrechnung: bool = False) -> bytes:
    """Write the document as UBL; `xrechnung` switches the specification identifier (BT-24) to XRechnung 3.0."""
    credit = doc.kind == CREDIT_NOTE
    ns = CREDIT_NOTE_NS if credit else INVOICE_NS
    root = etree.Element(f"{{{ns}}}{'CreditNote' if credit else 'Invoice'}", nsmap={None: ns, "cac": CAC, "cbc": CBC})
    totals = document_totals(doc.lines, prepaid=doc.prepaid, exemption_reasons=doc.exemption_reasons)
    cur = doc.currency
    sub(root, b("CustomizationID"), XRECHNUNG_CUSTOMIZATION if xrechnung else PEPPOL_CUSTOMIZATION)  # BT-24
    sub(root, b("ProfileID"), PEPPOL_PROFILE)  # BT-23, PEPPOL-EN16931-R001
    sub(root, b("ID"), doc.number)
    sub(root, b("IssueDate"), iso(doc.issue_date))
    if doc.due_date and not credit:
        sub(root, b("DueDate"), iso(doc.due_date))  # a UBL CreditNote has no DueDate: BT-9 goes to PaymentMeans
    sub(root, b("CreditNoteTypeCode" if credit else "InvoiceTypeCode"), doc.type_code)
    if doc.note:
        sub(root, b("Note"), doc.note)  # PEPPOL-EN16931-R002: at most one note
    sub(root, b("DocumentCurrencyCode"), cur)
    sub(root, b("BuyerReference"), doc.buyer_reference)  # PEPPOL-EN16931-R003, BR-DE-15
    if doc.period_start or doc.period_end:
        period = sub(root, a("InvoicePeriod"))
        if doc.period_start:
            sub(period, b("StartDate"), iso(doc.period_start))
        if doc.period_end:
            sub(period, b("EndDate"), iso(doc.period_end))
    if doc.preceding_number:
        ref = sub(sub(root, a("BillingReference")), a("InvoiceDocumentReference"))  # BG-3
        sub(ref, b("ID"), doc.preceding_number)
        if doc.preceding_date:
            sub(ref, b("IssueDate"), iso(doc.preceding_date))
    _party(sub(root, a("AccountingSupplierParty")), doc.seller, seller=True, peppol=not xrechnung)
    _party(sub(root, a("AccountingCustomerParty")), doc.buyer, seller=False, peppol=not xrechnung)
    if doc.iban:
        means = sub(root, a("PaymentMeans"))
        sub(means, b("PaymentMeansCode"), "58")  # SEPA credit transfer
        if credit and doc.due_date:
            sub(means, b("PaymentDueDate"), iso(doc.due_date))
        if doc.payment_reference:
            sub(means, b("PaymentID"), doc.payment_reference)
        account = sub(means, a("PayeeFinancialAccount"))
        sub(account, b("ID"), doc.iban)
        sub(account, b("Name"), doc.seller.name)
        if doc.bic:
            sub(sub(account, a("FinancialInstitutionBranch")), b("ID"), doc.bic)
    if doc.payment_terms:
        sub(sub(root, a("PaymentTerms")), b("Note"), doc.payment_terms)
    tax_total = sub(root, a("TaxTotal"))
    sub(tax_total, b("TaxAmount"), amount(totals.tax_total), currencyID=cur)
    for group in totals.groups:
        subtotal = sub(tax_total, a("TaxSubtotal"))
        sub(subtotal, b("TaxableAmount"), amount(group.taxable), currencyID=cur)
        sub(subtotal, b("TaxAmount"), amount(group.tax), currencyID=cur)
        category = sub(subtotal, a("TaxCategory"))
        sub(category, b("ID"), group.category)
        sub(category, b("Percent"), number(group.rate))
        if group.exemption_code:
            sub(category, b("TaxExemptionReasonCode"), group.exemption_code)
        if group.exemption_reason:
            sub(category, b("TaxExemptionReason"), group.exemption_reason)
        sub(sub(category, a("TaxScheme")), b("ID"), "VAT")
    monetary = sub(root, a("LegalMonetaryTotal"))
    sub(monetary, b("LineExtensionAmount"), amount(totals.line_total), currencyID=cur)
    sub(monetary, b("TaxExclusiveAmount"), amount(totals.tax_exclusive), currencyID=cur)
    sub(monetary, b("TaxInclusiveAmount"), amount(totals.tax_inclusive), currencyID=cur)
    if totals.prepaid:
        sub(monetary, b("PrepaidAmount"), amount(totals.prepaid), currencyID=cur)
    sub(monetary, b("PayableAmount"), amount(totals.payable), currencyID=cur)
    for line in doc.lines:
        element = sub(root, a("CreditNoteLine" if credit else "InvoiceLine"))
        sub(element, b("ID"), line.id)
        sub(
            element,
            b("CreditedQuantity" if credit else "InvoicedQuantity"),
            number(line.quantity),
            unitCode=line.unit_code,
        )
        sub(element, b("LineExtensionAmount"), amount(line.net_amount), currencyID=cur)
        if line.period_start or line.period_end:
            period = sub(element, a("InvoicePeriod"))
            if line.period_start:
                sub(period, b("StartDate"), iso(line.period_start))
            if line.period_end:
                sub(period, b("EndDate"), iso(line.period_end))
        item = sub(element, a("Item"))
        if line.description:
            sub(item, b("Description"), line.description)
        sub(item, b("Name"), line.name)
        tax = sub(item, a("ClassifiedTaxCategory"))
        sub(tax, b("ID"), line.vat_category)
        sub(tax, b("Percent"), number(line.vat_rate))
        sub(sub(tax, a("TaxScheme")), b("ID"), "VAT")
        sub(sub(element, a("Price")), b("PriceAmount"), number(line.unit_price), currencyID=cur)
    return serialise(root)


def _party(holder: etree._Element, party: Party, *, seller: bool, peppol: bool) -> None:
    element = sub(holder, a("Party"))
    scheme, address_id = party_endpoint(party, peppol=peppol)
    if address_id:
        sub(element, b("EndpointID"), address_id, schemeID=scheme)  # PEPPOL-EN16931-R010 / R020
    sub(sub(element, a("PartyName")), b("Name"), party.name)
    postal = sub(element, a("PostalAddress"))
    if party.address.street:
        sub(postal, b("StreetName"), party.address.street)
    if party.address.city:
        sub(postal, b("CityName"), party.address.city)
    if party.address.postal_code:
        sub(postal, b("PostalZone"), party.address.postal_code)
    sub(sub(postal, a("Country")), b("IdentificationCode"), party.address.country)
    if party.vat_id:
        scheme_element = sub(element, a("PartyTaxScheme"))
        sub(scheme_element, b("CompanyID"), party.vat_id)
        sub(sub(scheme_element, a("TaxScheme")), b("ID"), "VAT")
    if seller and party.tax_number:
        # BT-32: a tax registration that is not a VAT id carries a TaxScheme other than VAT.
        scheme_element = sub(element, a("PartyTaxScheme"))
        sub(scheme_element, b("CompanyID"), party.tax_number)
        sub(sub(scheme_element, a("TaxScheme")), b("ID"), "TAX")
    legal = sub(element, a("PartyLegalEntity"))
    sub(legal, b("RegistrationName"), party.name)
    if party.registration_id:
        # NL-R-003 / NL-R-005: a Dutch party's legal entity id is its KvK number, schemeID 0106.
        scheme, registered = registration(party.address.country, party.registration_id)
        sub(legal, b("CompanyID"), registered, schemeID=scheme)
    if party.contact_name or party.phone or party.email:
        contact = sub(element, a("Contact"))
        if party.contact_name:
            sub(contact, b("Name"), party.contact_name)
        if party.phone:
            sub(contact, b("Telephone"), party.phone)
        if party.email:
            sub(contact, b("ElectronicMail"), party.email)
