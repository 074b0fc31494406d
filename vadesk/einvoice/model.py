"""The document handed to the writers: plain frozen dataclasses, no ORM.

Field comments name the EN 16931 business term (BT-xx / BG-xx) each one carries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"

# UNCL5305 VAT category codes used here (EN 16931 BT-118 / BT-151).
STANDARD = "S"  # standard and reduced rates alike: the rate tells them apart
ZERO = "Z"
EXEMPT = "E"  # small-business schemes
REVERSE_CHARGE = "AE"


def money(value: Decimal) -> Decimal:
    """Round half up to cents, the way EN 16931 amounts are written (BR-DEC-xx: at most 2 decimals)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Address:
    street: str
    postal_code: str
    city: str
    country: str  # ISO 3166-1 alpha-2 (BT-40 / BT-55)


@dataclass(frozen=True)
class Party:
    name: str  # BT-27 / BT-44
    address: Address
    vat_id: str = ""  # BT-31 / BT-48
    tax_number: str = ""  # BT-32: e.g. a German Steuernummer
    registration_id: str = ""  # BT-30 / BT-47: chamber of commerce number
    email: str = ""  # BT-34 / BT-49 fallback and BT-43 / BT-58
    phone: str = ""  # BT-42
    contact_name: str = ""  # BT-41
    endpoint_scheme: str = ""  # BT-34-1 / BT-49-1 (EAS) when the party names its own electronic address
    endpoint_id: str = ""  # BT-34 / BT-49


@dataclass(frozen=True)
class Line:
    id: str  # BT-126
    name: str  # BT-153
    quantity: Decimal  # BT-129
    unit_code: str  # BT-130, UN/ECE Rec 20: HUR hour, C62 one, MON month
    unit_price: Decimal  # BT-146 net price
    vat_category: str  # BT-151
    vat_rate: Decimal  # BT-152
    description: str = ""  # BT-154
    period_start: date | None = None  # BT-134
    period_end: date | None = None  # BT-135

    @property
    def net_amount(self) -> Decimal:
        # BR-LIN-04 / PEPPOL-EN16931-R120: line net = quantity × price, rounded to 2 decimals.
        return money(self.quantity * self.unit_price)


@dataclass(frozen=True)
class VatGroup:
    category: str  # BT-118
    rate: Decimal  # BT-119
    taxable: Decimal  # BT-116
    tax: Decimal  # BT-117
    exemption_reason: str = ""  # BT-120
    exemption_code: str = ""  # BT-121


@dataclass(frozen=True)
class Totals:
    line_total: Decimal  # BT-106
    tax_exclusive: Decimal  # BT-109
    tax_total: Decimal  # BT-110
    tax_inclusive: Decimal  # BT-112
    prepaid: Decimal  # BT-113
    payable: Decimal  # BT-115
    groups: tuple[VatGroup, ...]


@dataclass(frozen=True)
class Document:
    kind: str  # INVOICE (380) or CREDIT_NOTE (381), BT-3
    number: str  # BT-1
    issue_date: date  # BT-2
    seller: Party  # BG-4
    buyer: Party  # BG-7
    lines: tuple[Line, ...]  # BG-25
    currency: str = "EUR"  # BT-5
    due_date: date | None = None  # BT-9
    period_start: date | None = None  # BT-73
    period_end: date | None = None  # BT-74
    buyer_reference: str = ""  # BT-10: a Leitweg-ID for German public buyers
    payment_terms: str = ""  # BT-20
    note: str = ""  # BT-22
    iban: str = ""  # BT-84
    bic: str = ""  # BT-86
    payment_reference: str = ""  # BT-83
    preceding_number: str = ""  # BT-25, for credit notes
    preceding_date: date | None = None  # BT-26
    exemption_reasons: dict[str, str] = field(default_factory=dict)  # category → BT-120 text
    prepaid: Decimal = Decimal("0.00")  # BT-113

    @property
    def type_code(self) -> str:
        return "381" if self.kind == CREDIT_NOTE else "380"
