"""Showing minutes, hours and money the way each locale writes them."""

from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from django.utils.translation import get_language, to_locale


def current_locale() -> str:
    return to_locale(get_language() or "en")


def format_minutes(minutes: int | None) -> str:
    """Minutes as h:mm, the way time sheets show them."""
    if minutes is None:
        return "–"
    sign = "-" if minutes < 0 else ""
    minutes = abs(int(minutes))
    return f"{sign}{minutes // 60}:{minutes % 60:02d}"


def format_hours(minutes: int | None, locale: str | None = None) -> str:
    """Minutes as decimal hours in the locale's notation: 12.5 / 12,5."""
    if minutes is None:
        return "–"
    hours = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    return format_decimal(hours, format="#,##0.##", locale=locale or current_locale())


def format_money(amount: Decimal | None, currency: str = "EUR", locale: str | None = None) -> str:
    if amount is None:
        return "–"
    return format_currency(amount, currency, locale=locale or current_locale())
