"""Phone numbers: validated with libphonenumber's metadata and stored in E.164 (ITU-T E.164, e.g. +31201234567)."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


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
