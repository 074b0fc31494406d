"""VAT as vadesk/invoicing/vat.py decides it, over the rates the migration seeds (the ones production prices with):
per country, kind and date; the German reduction of 2020; reverse charge; the small-business schemes."""

from datetime import date
from decimal import Decimal

import pytest

from vadesk.einvoice.model import EXEMPT, REVERSE_CHARGE, STANDARD, ZERO
from vadesk.invoicing.documents import all_rates
from vadesk.invoicing.vat import VatCase, VatRefusal, legal_note, line_vat, rate_on, vat_case

pytestmark = pytest.mark.django_db

RATES = [
    # country, kind, day, rate
    ("NL", "standard", date(2012, 10, 1), "21"),
    ("NL", "standard", date(2026, 12, 31), "21"),
    ("NL", "reduced", date(2018, 12, 31), "6"),
    ("NL", "reduced", date(2019, 1, 1), "9"),
    ("NL", "reduced", date(2026, 7, 1), "9"),
    ("NL", "zero", date(2026, 7, 1), "0"),
    ("DE", "standard", date(2020, 6, 30), "19"),
    # Zweites Corona-Steuerhilfegesetz: 16 % and 5 % from 1 July to 31 December 2020, then back to 19 % and 7 %.
    ("DE", "standard", date(2020, 7, 1), "16"),
    ("DE", "standard", date(2020, 12, 31), "16"),
    ("DE", "standard", date(2021, 1, 1), "19"),
    ("DE", "standard", date(2026, 11, 2), "19"),
    ("DE", "reduced", date(2020, 6, 30), "7"),
    ("DE", "reduced", date(2020, 7, 1), "5"),
    ("DE", "reduced", date(2020, 12, 31), "5"),
    ("DE", "reduced", date(2021, 1, 1), "7"),
    ("DE", "reduced", date(2026, 11, 2), "7"),
    ("DE", "zero", date(2026, 11, 2), "0"),
    ("BE", "standard", date(2026, 11, 2), "21"),
    ("BE", "intermediate", date(2026, 11, 2), "12"),
    ("BE", "reduced", date(2026, 11, 2), "6"),
    ("BE", "zero", date(2026, 11, 2), "0"),
    ("AT", "standard", date(2026, 11, 2), "20"),
    ("AT", "reduced", date(2026, 11, 2), "10"),
    ("AT", "zero", date(2026, 11, 2), "0"),
]


@pytest.mark.parametrize(("country", "kind", "day", "rate"), RATES)
def test_the_rate_in_force_on_the_day(country, kind, day, rate):
    assert rate_on(all_rates(), country=country, kind=kind, day=day) == Decimal(rate)


def test_the_german_reduction_of_2020_ends_with_the_year():
    rates = all_rates()
    for year in range(2021, 2031):
        for month in (1, 6, 7, 12):
            day = date(year, month, 1)
            assert rate_on(rates, country="DE", kind="standard", day=day) == Decimal("19"), day
            assert rate_on(rates, country="DE", kind="reduced", day=day) == Decimal("7"), day


def test_a_date_before_the_first_seeded_rate_has_no_rate():
    with pytest.raises(VatRefusal) as refusal:
        rate_on(all_rates(), country="NL", kind="standard", day=date(2012, 9, 30))  # 19 % then, not seeded
    assert refusal.value.code == "no_rate"


@pytest.mark.parametrize(
    ("seller_country", "kind", "day", "expected"),
    [
        ("NL", "standard", date(2026, 11, 2), (STANDARD, Decimal("21"))),
        ("NL", "zero", date(2026, 11, 2), (ZERO, Decimal("0"))),
        ("DE", "reduced", date(2020, 8, 15), (STANDARD, Decimal("5"))),  # EN 16931 S carries reduced rates too
        ("BE", "intermediate", date(2026, 11, 2), (STANDARD, Decimal("12"))),
        ("AT", "reduced", date(2026, 11, 2), (STANDARD, Decimal("10"))),
    ],
)
def test_a_domestic_line_gets_the_sellers_rate(seller_country, kind, day, expected):
    assert line_vat(VatCase.DOMESTIC, kind=kind, rates=all_rates(), seller_country=seller_country, day=day) == expected


@pytest.mark.parametrize(
    ("case", "expected"),
    [(VatCase.REVERSE_CHARGE, (REVERSE_CHARGE, Decimal("0"))), (VatCase.SMALL_BUSINESS, (EXEMPT, Decimal("0")))],
)
def test_reverse_charge_and_small_business_lines_carry_no_vat(case, expected):
    assert line_vat(case, kind="standard", rates=all_rates(), seller_country="DE", day=date(2026, 11, 2)) == expected


def _case(seller, buyer, *, small=False, seller_vat="", business=True, buyer_vat=""):
    return vat_case(
        seller_country=seller,
        seller_small_business=small,
        seller_vat_id=seller_vat,
        buyer_country=buyer,
        buyer_is_business=business,
        buyer_vat_id=buyer_vat,
    )


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (dict(seller="NL", buyer="NL", seller_vat="NL123456782B01"), VatCase.DOMESTIC),
        (dict(seller="NL", buyer="BE", seller_vat="NL1", buyer_vat="BE0403019261"), VatCase.REVERSE_CHARGE),
        (dict(seller="DE", buyer="AT", seller_vat="DE1", buyer_vat="ATU13585627"), VatCase.REVERSE_CHARGE),
        (dict(seller="NL", buyer="DE", seller_vat="NL1", business=False), VatCase.FOREIGN_PRIVATE),
        (dict(seller="NL", buyer="NL", small=True), VatCase.SMALL_BUSINESS),  # KOR
        (dict(seller="DE", buyer="DE", small=True), VatCase.SMALL_BUSINESS),  # §19 UStG
        (dict(seller="DE", buyer="AT", small=True, business=False), VatCase.SMALL_BUSINESS),
        # B2B services abroad are taxed where the buyer is (art. 44) even for a small business, if it has a VAT id.
        (dict(seller="NL", buyer="BE", small=True, seller_vat="NL1", buyer_vat="BE0403019261"), VatCase.REVERSE_CHARGE),
    ],
)
def test_the_vat_case(facts, expected):
    assert _case(**facts) == expected


@pytest.mark.parametrize(
    ("facts", "code"),
    [
        (dict(seller="NL", buyer="BE", seller_vat="NL1"), "buyer_vat_id_required"),
        (dict(seller="DE", buyer="NL", small=True, buyer_vat="NL853746333B01"), "seller_vat_id_required"),  # §19
        (dict(seller="NL", buyer="DE", small=True, buyer_vat="DE136695976"), "seller_vat_id_required"),  # KOR
        (dict(seller="AT", buyer="BE", buyer_vat="BE0403019261"), "seller_vat_id_required"),
    ],
)
def test_reverse_charge_is_refused_without_either_vat_id(facts, code):
    with pytest.raises(VatRefusal) as refusal:
        _case(**facts)
    assert refusal.value.code == code


@pytest.mark.parametrize(
    ("country", "words"),
    [("NL", "kleineondernemersregeling"), ("DE", "§ 19 UStG"), ("BE", "art. 56bis WBTW"), ("AT", "Kleinunternehmer")],
)
def test_the_small_business_note_cites_the_sellers_law(country, words):
    assert words in legal_note(VatCase.SMALL_BUSINESS, seller_country=country, language="en")


def test_the_reverse_charge_note_names_article_196_in_the_clients_language_and_english():
    assert legal_note(VatCase.REVERSE_CHARGE, seller_country="NL", language="de") == (
        "Steuerschuldnerschaft des Leistungsempfängers / Reverse charge – art. 196 Directive 2006/112/EC."
    )
    assert "Autoliquidation" in legal_note(VatCase.REVERSE_CHARGE, seller_country="BE", language="nl")
    assert legal_note(VatCase.DOMESTIC, seller_country="NL", language="nl") == ""
