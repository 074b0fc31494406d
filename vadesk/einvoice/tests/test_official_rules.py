"""The writers against the official rule sets, over the pure document model: line arithmetic (PEPPOL-EN16931-R120,
R121, BR-CO-10) as published, and a property test over quantities, prices and VAT rates in every format."""

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from vadesk.einvoice.cii import to_cii
from vadesk.einvoice.model import EXEMPT, REVERSE_CHARGE, STANDARD, ZERO, Address, Document, Line, Party
from vadesk.einvoice.tests import official
from vadesk.einvoice.ubl import to_ubl

SELLER = Party(
    name="Assist & Co B.V.",
    address=Address("Keizersgracht 123", "1015 CJ", "Amsterdam", "NL"),
    vat_id="NL123456782B01",
    registration_id="12345678",
    email="facturen@assist.example",
    phone="+31 20 123 4567",
    contact_name="Olga Owner",
)
BUYER = Party(
    name="Weiterbildung Müller GmbH",
    address=Address("Königsallee 1", "40212", "Düsseldorf", "DE"),
    vat_id="DE136695976",
    email="rechnung@mueller.example",
)
DOMESTIC_BUYER = Party(
    name="Acme B.V.", address=Address("Damrak 1", "1012 LG", "Amsterdam", "NL"), registration_id="33014286"
)
WRITERS = {
    "ubl": lambda doc: to_ubl(doc),
    "xrechnung-ubl": lambda doc: to_ubl(doc, xrechnung=True),
    "cii": lambda doc: to_cii(doc),
    "xrechnung-cii": lambda doc: to_cii(doc, xrechnung=True),
}


def _document(lines: tuple[Line, ...], *, buyer: Party = DOMESTIC_BUYER, note: str = "") -> Document:
    reasons = {EXEMPT: note, REVERSE_CHARGE: note} if note else {}
    return Document(
        kind="invoice",
        number="2026-0001",
        issue_date=date(2026, 11, 2),
        due_date=date(2026, 11, 16),
        seller=SELLER,
        buyer=buyer,
        lines=lines,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        buyer_reference="05315000-12345-67",
        payment_terms="Binnen 14 dagen.",
        note=note,
        iban="NL91ABNA0417164300",
        bic="ABNANL2A",
        payment_reference="2026-0001",
        exemption_reasons=reasons,
    )


def _line(quantity: str, price: str, category: str = STANDARD, rate: str = "21") -> Line:
    return Line("1", "Ondersteuning", Decimal(quantity), "HUR", Decimal(price), category, Decimal(rate))


def _peppol_ubl(*lines: Line) -> bytes:
    return to_ubl(_document(lines))


def _set_first(xml: bytes, tag: bytes, value: bytes, *, after: bytes = b"<cac:InvoiceLine>") -> bytes:
    """Replace the text of the first `tag` element after `after`."""
    start = xml.index(tag, xml.index(after))
    end = xml.index(b"</", start)
    return xml[: xml.index(b">", start) + 1] + value + xml[end:]


def test_r120_allows_the_published_slack_of_two_cents_and_no_more():
    xml = _peppol_ubl(_line("1.3333", "45.5"))  # 60.665... written 60.67
    assert b'<cbc:LineExtensionAmount currencyID="EUR">60.67</cbc:LineExtensionAmount>' in xml
    assert official.errors(xml) == []
    near = _set_first(xml, b"<cbc:LineExtensionAmount", b"60.68")  # 0.0149 off: inside the slack
    assert "PEPPOL-EN16931-R120" not in official.rule_ids(near)
    far = _set_first(xml, b"<cbc:LineExtensionAmount", b"60.69")  # 0.0249 off: outside
    assert "PEPPOL-EN16931-R120" in official.rule_ids(far)


def test_r121_refuses_a_base_quantity_of_zero():
    xml = _peppol_ubl(_line("2", "10"))
    with_base = xml.replace(
        b"</cbc:PriceAmount>", b'</cbc:PriceAmount>\n      <cbc:BaseQuantity unitCode="HUR">0</cbc:BaseQuantity>'
    )
    assert "PEPPOL-EN16931-R121" in official.rule_ids(with_base)


def test_br_co_10_holds_the_document_total_to_the_sum_of_the_line_nets():
    xml = _peppol_ubl(_line("0.3333", "33.335"), _line("0.3333", "0.015"))
    assert official.errors(xml) == []
    broken = _set_first(xml, b"<cbc:LineExtensionAmount", b"11.12", after=b"<cac:LegalMonetaryTotal>")
    assert "BR-CO-10" in official.rule_ids(broken)


QUANTITIES = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("9999"), places=4)
PRICES = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("99999"), places=4)
RATES = st.sampled_from(["0", "5", "6", "7", "9", "10", "12", "16", "19", "20", "21"])
LINES = st.lists(st.tuples(QUANTITIES, PRICES, RATES), min_size=1, max_size=6)
CASES = st.sampled_from(["domestic", "small business", "reverse charge"])


@settings(max_examples=25, deadline=None)
@given(lines=LINES, case=CASES)
def test_every_format_passes_the_official_rules_for_any_quantities_prices_and_rates(lines, case):
    document_lines = []
    for i, (quantity, price, rate) in enumerate(lines, start=1):
        if case == "domestic":
            category, line_rate = (ZERO, "0") if rate == "0" else (STANDARD, rate)
        else:
            category, line_rate = (EXEMPT if case == "small business" else REVERSE_CHARGE), "0"
        document_lines.append(Line(str(i), f"Regel {i}", quantity, "HUR", price, category, Decimal(line_rate)))
    note = {"small business": "KOR, art. 25 Wet OB 1968.", "reverse charge": "Reverse charge"}.get(case, "")
    doc = _document(tuple(document_lines), buyer=BUYER if case == "reverse charge" else DOMESTIC_BUYER, note=note)
    for fmt, write in WRITERS.items():
        assert official.errors(write(doc)) == [], (fmt, lines, case)


def test_a_tie_rounds_half_up_and_either_rounding_is_inside_the_r120_slack():
    line = _line("1", "0.125")
    assert line.net_amount == Decimal("0.13")  # vadesk rounds half up; half-even would give 0.12
    xml = _peppol_ubl(line)
    assert official.errors(xml) == []
    assert "PEPPOL-EN16931-R120" not in official.rule_ids(_set_first(xml, b"<cbc:LineExtensionAmount", b"0.12"))
