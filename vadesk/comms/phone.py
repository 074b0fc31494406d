"""Phone numbers: validated with libphonenumber's metadata and stored in E.164 (ITU-T E.164, e.g. +31201234567)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from vadesk.comms.models import PhoneMessage


def normalise_number(text: str, region: str) -> str:
    """'020 123 4567' in NL → '+31201234567'. Raises ValidationError for anything that is not a valid number."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("“%(number)s” is not a phone number."), params={"number": text}, code="invalid"
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(number)s” is not a valid phone number. Check the digits and the country code."),
            params={"number": text},
            code="invalid",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_number(e164: str) -> str:
    """+31201234567 → '+31 20 123 4567', for reading out loud."""
    if not e164:
        return ""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164


def is_mobile(e164: str) -> bool:
    try:
        kind = phonenumbers.number_type(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return False
    return kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def call_statistics(calls: list[PhoneMessage], today: date) -> dict:
    """Calls per day (last 7) and per ISO week (last 8), the urgent share and the callbacks still open."""
    per_day = Counter(timezone.localtime(c.taken_at).date() for c in calls)
    per_week = Counter(timezone.localtime(c.taken_at).isocalendar()[:2] for c in calls)
    days = [(today - timedelta(days=n), per_day.get(today - timedelta(days=n), 0)) for n in range(6, -1, -1)]
    weeks = []
    for n in range(7, -1, -1):
        year, week, _day = (today - timedelta(weeks=n)).isocalendar()
        weeks.append((f"{year}-W{week:02d}", per_week.get((year, week), 0)))
    urgent = sum(1 for c in calls if c.is_urgent)
    return {
        "total": len(calls),
        "days": days,
        "weeks": weeks,
        "peak": max([n for _, n in days + weeks] + [1]),
        "urgent_percent": round(100 * urgent / len(calls)) if calls else 0,
        "callbacks_open": sum(1 for c in calls if c.callback and c.called_back_at is None),
    }
