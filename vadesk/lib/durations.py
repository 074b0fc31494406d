"""Reading a duration the way assistants type it: 1:30, 90, 90m, 1.5h, 1,5 u, 2h15."""

import re
from decimal import Decimal, InvalidOperation

_HM = re.compile(r"^(\d{1,2}):([0-5]\d)$")
_H_AND_M = re.compile(r"^(\d{1,2})\s*[hu]\s*(\d{1,2})\s*m?$")
_MINUTES = re.compile(r"^(\d{1,4})\s*(m|min|minutes|minuten)?$")
_HOURS = re.compile(r"^(\d{1,2}(?:[.,]\d{1,2})?)\s*(h|u|uur|std|hours?|stunden?)$")


def parse_duration(text: str) -> int | None:
    """Minutes for a typed duration, or None when it cannot be read. Bare numbers are minutes."""
    value = (text or "").strip().lower()
    if match := _HM.match(value):
        return int(match[1]) * 60 + int(match[2])
    if match := _H_AND_M.match(value):
        return int(match[1]) * 60 + int(match[2])
    if match := _MINUTES.match(value):
        return int(match[1])
    if match := _HOURS.match(value):
        try:
            return int((Decimal(match[1].replace(",", ".")) * 60).to_integral_value())
        except InvalidOperation:
            return None
    return None
