"""EN 16931 totals: line nets rounded first, VAT computed once per category and rate."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from decimal import Decimal

from vadesk.einvoice.model import EXEMPT, REVERSE_CHARGE, Line, Totals, VatGroup, money

# VATEX codes (CEF code list) where one exists for the case; BR-AE-10 / BR-E-10 need a code or a text.
EXEMPTION_CODES = {REVERSE_CHARGE: "VATEX-EU-AE"}


def vat_groups(lines: Iterable[Line], exemption_reasons: dict[str, str] | None = None) -> tuple[VatGroup, ...]:
    """One breakdown row per (category, rate) pair.

    1. BR-CO-18 / BR-S-08: the taxable amount of a group is the sum of its rounded line nets.
    2. BR-CO-17: the group's VAT is taxable × rate / 100, rounded to 2 decimals — once, not per line.
    """
    reasons = exemption_reasons or {}
    sums: OrderedDict[tuple[str, Decimal], Decimal] = OrderedDict()
    for line in lines:
        key = (line.vat_category, Decimal(line.vat_rate).normalize())
        sums[key] = sums.get(key, Decimal("0")) + line.net_amount
    groups = []
    for (category, rate), taxable in sums.items():
        tax = money(taxable * rate / 100) if category not in (EXEMPT, REVERSE_CHARGE) else Decimal("0.00")
        groups.append(
            VatGroup(
                category=category,
                rate=_rate(rate),
                taxable=money(taxable),
                tax=tax,
                exemption_reason=reasons.get(category, ""),
                exemption_code=EXEMPTION_CODES.get(category, ""),
            )
        )
    return tuple(groups)


def document_totals(
    lines: Iterable[Line], *, prepaid: Decimal = Decimal("0"), exemption_reasons: dict[str, str] | None = None
) -> Totals:
    lines = list(lines)
    groups = vat_groups(lines, exemption_reasons)
    line_total = money(sum((line.net_amount for line in lines), Decimal("0")))  # BR-CO-10
    tax_total = money(sum((g.tax for g in groups), Decimal("0")))  # BR-CO-14
    inclusive = line_total + tax_total  # BR-CO-15 (no document allowances or charges)
    return Totals(
        line_total=line_total,
        tax_exclusive=line_total,
        tax_total=tax_total,
        tax_inclusive=inclusive,
        prepaid=money(prepaid),
        payable=inclusive - money(prepaid),
        groups=groups,
    )  # BR-CO-16


def _rate(rate: Decimal) -> Decimal:
    return Decimal(rate).quantize(Decimal("0.01"))
