"""Which VAT an invoice carries: pure decisions over countries, VAT ids and dated rates, no ORM.

The cases (EU VAT Directive 2006/112/EC):
- domestic: the seller's rates (standard, reduced, zero) per line;
- small business: the seller's country's scheme (NL KOR art. 25 Wet OB 1968, DE §19 UStG,
  BE art. 56bis WBTW) — no VAT, with the note that law requires;
- EU business client in another member state with a VAT id: services are taxed where the client is
  (art. 44), and the client accounts for the VAT (art. 196): reverse charge, 0 %, both VAT ids on the
  invoice (art. 226 (3)/(4)) and the note "Reverse charge" (art. 226 (11a));
- private client in another member state: general rule (art. 45), the seller's VAT.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from vadesk.einvoice.model import EXEMPT, REVERSE_CHARGE, STANDARD, ZERO


class VatCase(StrEnum):
    DOMESTIC = "domestic"
    SMALL_BUSINESS = "small_business"
    REVERSE_CHARGE = "reverse_charge"
    FOREIGN_PRIVATE = "foreign_private"


class RateKind(StrEnum):
    STANDARD = "standard"
    REDUCED = "reduced"  # NL 9 %, DE 7 %, BE 6 %
    INTERMEDIATE = "intermediate"  # BE 12 %
    ZERO = "zero"


EU = {
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
}


class VatRefusal(Exception):
    """The facts do not allow a lawful VAT treatment; `code` names which rule is broken."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Rate:
    country: str
    kind: str
    rate: Decimal
    valid_from: date


def vat_case(
    *,
    seller_country: str,
    seller_small_business: bool,
    seller_vat_id: str,
    buyer_country: str,
    buyer_is_business: bool,
    buyer_vat_id: str,
) -> VatCase:
    """Decide the case. Raises VatRefusal for reverse charge to an EU business abroad when either VAT id is missing:
    "buyer_vat_id_required" or "seller_vat_id_required"."""
    abroad = buyer_country != seller_country
    if abroad and buyer_is_business and buyer_country in EU:
        if not buyer_vat_id:
            # Art. 196 shifts the VAT only to a taxable person identified for VAT: without the id we cannot show it.
            raise VatRefusal("buyer_vat_id_required")
        if not seller_vat_id:
            # Art. 226 (3) and BR-AE-02: a reverse-charge invoice carries the seller's VAT id. A small business with
            # only a tax number (DE §19 Steuernummer, NL KOR) must get a VAT id for cross-border services first.
            raise VatRefusal("seller_vat_id_required")
        return VatCase.REVERSE_CHARGE
    if seller_small_business:
        return VatCase.SMALL_BUSINESS
    return VatCase.FOREIGN_PRIVATE if abroad else VatCase.DOMESTIC


def rate_on(rates: Iterable[Rate], *, country: str, kind: str, day: date) -> Decimal:
    """The rate in force on `day`: the row with the latest valid_from on or before it, so history keeps its rates."""
    candidates = [r for r in rates if r.country == country and r.kind == kind and r.valid_from <= day]
    if not candidates:
        raise VatRefusal("no_rate")
    return max(candidates, key=lambda r: r.valid_from).rate


def line_vat(case: VatCase, *, kind: str, rates: Iterable[Rate], seller_country: str, day: date) -> tuple[str, Decimal]:
    """(UNCL5305 category, rate) for one line."""
    if case == VatCase.REVERSE_CHARGE:
        return REVERSE_CHARGE, Decimal("0")  # BR-AE-05
    if case == VatCase.SMALL_BUSINESS:
        return EXEMPT, Decimal("0")  # BR-E-05
    rate = rate_on(rates, country=seller_country, kind=kind, day=day)
    return (ZERO, Decimal("0")) if rate == 0 else (STANDARD, rate)


# The wording each scheme's law asks for, in the seller's country's language (that law governs the invoice).
SMALL_BUSINESS_NOTES = {
    "NL": "Vrijgesteld van omzetbelasting op grond van de kleineondernemersregeling (KOR, art. 25 Wet OB 1968).",
    "DE": "Gemäß § 19 UStG wird keine Umsatzsteuer berechnet (Kleinunternehmerregelung).",
    "BE": "Bijzondere vrijstellingsregeling kleine ondernemingen (art. 56bis WBTW).",
    "AT": "Umsatzsteuerbefreit – Kleinunternehmer gemäß § 6 Abs. 1 Z 27 UStG.",
}
REVERSE_CHARGE_NOTES = {
    "nl": "Btw verlegd",
    "de": "Steuerschuldnerschaft des Leistungsempfängers",
    "en": "Reverse charge",
    "fr": "Autoliquidation",
}


def legal_note(case: VatCase, *, seller_country: str, language: str) -> str:
    """The VAT note the invoice must print, or "" when none is required."""
    if case == VatCase.SMALL_BUSINESS:
        return SMALL_BUSINESS_NOTES.get(seller_country, SMALL_BUSINESS_NOTES["NL"])
    if case == VatCase.REVERSE_CHARGE:
        # Art. 226 (11a): "Reverse charge". We print it in the client's language and in English (and French for a
        # Belgian seller, whose tax office reads "Autoliquidation"), so both sides' auditors read it.
        phrases = [REVERSE_CHARGE_NOTES.get(language, REVERSE_CHARGE_NOTES["en"])]
        for extra in ("en", "fr" if seller_country == "BE" else ""):
            if extra and REVERSE_CHARGE_NOTES[extra] not in phrases:
                phrases.append(REVERSE_CHARGE_NOTES[extra])
        return " / ".join(phrases) + " – art. 196 Directive 2006/112/EC."
    return ""
