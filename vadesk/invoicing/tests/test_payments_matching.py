"""camt.Matcher indexes the open invoices once; it must decide exactly as the literal rules do, credit after credit."""

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from vadesk.invoicing import camt


def _normal(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def literal_match(entry: camt.Entry, invoices: list[camt.OpenInvoice]) -> camt.Match:
    """The rules as first written: every open invoice scanned for every credit."""
    text = _normal(entry.remittance)
    by_number = [i for i in invoices if _normal(i.number) and _normal(i.number) in text]
    exact = [i for i in by_number if i.open_amount == entry.amount]
    if len(exact) == 1:
        return camt.Match("matched", exact[0].pk, "number and amount")
    if len(by_number) == 1:
        return camt.Match("review", by_number[0].pk, "number, but the amount differs")
    if len(by_number) > 1:
        return camt.Match("review", None, "several invoice numbers")
    by_amount = [
        i
        for i in invoices
        if i.open_amount == entry.amount and _normal(i.client_name)[:6] in _normal(entry.counterparty)
    ]
    if len(by_amount) == 1:
        return camt.Match("review", by_amount[0].pk, "amount and name, but no number")
    return camt.Match("unmatched", None, "")


# Few digits, amounts and names, so numbers sit inside each other and amounts and names collide.
numbers = st.sampled_from(["1", "12", "2026-1", "2026-12", "2026-0012", "R/7", "", "26-0"])
amounts = st.sampled_from([Decimal("10.00"), Decimal("10.5"), Decimal("12.34"), Decimal("100.00")])
names = st.sampled_from(["Acme B.V.", "ACME", "Bäckerei Schmidt", "", "Acme Holding"])
invoices = st.lists(st.tuples(numbers, amounts, names), max_size=8).map(
    lambda rows: [camt.OpenInvoice(pk, n, a, c) for pk, (n, a, c) in enumerate(rows, start=1)]
)
entries = st.lists(
    st.tuples(st.lists(numbers | st.sampled_from(["factuur", "inv.", " ", "dank"]), max_size=4), amounts, names),
    max_size=6,
).map(lambda rows: [camt.Entry(f"r{k}", date(2026, 11, 10), a, c, "", " ".join(t)) for k, (t, a, c) in enumerate(rows)])


@settings(max_examples=200, deadline=None)
@given(invoices, entries)
def test_the_matcher_decides_as_the_literal_rules_credit_after_credit(open_invoices, credits):
    matcher = camt.Matcher(open_invoices)
    still_open = list(open_invoices)
    for entry in credits:
        expected = literal_match(entry, still_open)
        assert matcher.match(entry) == expected
        if expected.status == "matched":  # what payment_record did per credit: lower the amount, drop when paid
            invoice = next(i for i in still_open if i.pk == expected.invoice_pk)
            left = invoice.open_amount - entry.amount
            assert matcher.book(invoice.pk, entry.amount) == left
            still_open.remove(invoice)
            if left > 0:
                still_open.append(replace(invoice, open_amount=left))


def test_a_credit_of_zero_is_never_booked():
    entry = camt.Entry("r", date(2026, 11, 10), Decimal("0.00"), "Acme", "", "2026-0001")
    found = camt.match(entry, [camt.OpenInvoice(1, "2026-0001", Decimal("0.00"), "Acme B.V.")])
    assert (found.status, found.invoice_pk) == ("review", 1)
