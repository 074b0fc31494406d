"""Showing minutes, hours and money the way each locale writes them."""

import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal
from django.utils.timesince import timesince
from django.utils.timezone import localtime
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _


def current_locale() -> str:
    return to_locale(get_language() or "en")


@lru_cache(maxsize=64)
def locale_of(identifier: str) -> Locale:
    """The parsed CLDR locale: babel parses a locale named by a string again in every call, several times per
    amount (a page of 400 invoice lines formats 800 amounts), and takes a parsed one as it is."""
    return Locale.parse(identifier)


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
    return format_decimal(hours, format="#,##0.##", locale=locale_of(locale or current_locale()))


def format_money(amount: Decimal | None, currency: str = "EUR", locale: str | None = None) -> str:
    if amount is None:
        return "–"
    return format_currency(amount, currency, locale=locale_of(locale or current_locale()))


# Django's `date` formats that pages use → a CLDR skeleton, and whether the time follows. Django writes "1 Dez
# 2026" and "27 Okt" (its month abbreviations are title-cased, its patterns English); CLDR, which the PDFs use
# through babel, writes "1. Dez. 2026", "1 okt 2026", "Dienstag, 1. Dezember".
DAY_STYLES: dict[str, tuple[str, bool]] = {
    "j M Y": ("yMMMd", False),
    "j M Y H:i": ("yMMMd", True),
    "j M": ("MMMd", False),
    "j M H:i": ("MMMd", True),
    "D j": ("Ed", False),
    "D j M": ("MMMEd", False),
    "D j M H:i": ("MMMEd", True),
    "D j M Y H:i": ("yMMMEd", True),
    "D j F H:i": ("MMMMEd", True),
    "j F": ("MMMMd", False),
    "j F H:i": ("MMMMd", True),
    "j F Y": ("yMMMMd", False),
    "l j F": ("MMMMEEEEd", False),
    "l j F H:i": ("MMMMEEEEd", True),
    "l j F Y": ("yMMMMEEEEd", False),
    "F Y": ("yMMMM", False),
    "F": ("LLLL", False),
    "M": ("LLL", False),
}


# The invoice PDF's locales (vadesk.invoicing.pdf.render.LOCALES): a page writes a day as its invoice does.
DAY_LOCALES = {"nl": "nl_NL", "de": "de_DE", "en": "en_GB"}


@lru_cache(maxsize=256)
def _day_pattern(skeleton: str, locale: str) -> str:
    if skeleton.startswith("L"):
        return skeleton  # the month's name on its own (CLDR stand-alone form)
    if "EEEE" in skeleton:
        # CLDR has no skeleton with the full weekday: take the short one's pattern and widen its weekday.
        short = locale_of(locale).datetime_skeletons[skeleton.replace("EEEE", "E")].pattern
        return re.sub(r"E+", "EEEE", short)
    return locale_of(locale).datetime_skeletons[skeleton].pattern


def format_day(value: date | datetime | None, style: str = "j M Y", locale: str | None = None) -> str:
    """A day (and its time, for a datetime in a style with H:i) the way the locale writes it: `style` is one of
    DAY_STYLES, named by the Django date format it replaces. A datetime is shown as given (make it local first)."""
    if value is None or value == "":
        return ""
    locale = locale or DAY_LOCALES.get(get_language() or "en", current_locale())
    skeleton, with_time = DAY_STYLES[style]
    day = format_date(value, _day_pattern(skeleton, locale), locale=locale_of(locale))
    if not (with_time and isinstance(value, datetime)):
        return day
    time = format_time(value, "HH:mm", locale=locale_of(locale))
    return locale_of(locale).datetime_formats["medium"].format(time, day)  # CLDR's glue: "{1}, {0}"


def format_ago(moment: datetime, now: datetime) -> str:
    """How long ago, as people say it: "just now" under a minute (never "0 minutes"), minutes or hours within a day,
    the day and time after that."""
    elapsed = (now - moment).total_seconds()
    if elapsed < 60:
        return _("just now")
    if elapsed < 24 * 3600:
        return _("%(time)s ago") % {"time": timesince(moment, now, depth=1)}
    return format_day(localtime(moment), "D j M H:i")
