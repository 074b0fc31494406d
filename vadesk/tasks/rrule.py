"""RFC 5545 RRULEs, parsed for a first occurrence: pure functions over datetimes, no ORM."""

from datetime import UTC, datetime

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def parse_rrule(rule: str, first: datetime):
    """RFC 5545 §3.3.10 RRULE, evaluated in the local time of the first occurrence so DST keeps the wall-clock time."""
    text = rule.strip().removeprefix("RRULE:")
    if not text or "\n" in text:
        raise ValidationError({"rrule": _("Enter a single RRULE, for example FREQ=MONTHLY;BYMONTHDAY=25.")})
    try:
        return rrulestr(_local_until(text, first), dtstart=first.replace(tzinfo=None))
    except (ValueError, TypeError) as exc:
        raise ValidationError({"rrule": _("This is not a valid RRULE: %(error)s") % {"error": exc}}) from None


def _local_until(text: str, first: datetime) -> str:
    """RFC 5545 §3.3.10: with a zoned DTSTART, UNTIL is given in UTC. The rule runs in naive local time, so make UNTIL local too."""
    parts = []
    for part in text.split(";"):
        name, _sep, value = part.partition("=")
        if name.strip().upper() == "UNTIL" and value.strip().upper().endswith("Z") and first.tzinfo is not None:
            until = datetime.strptime(value.strip().upper(), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            part = f"{name}={until.astimezone(first.tzinfo).strftime('%Y%m%dT%H%M%S')}"
        parts.append(part)
    return ";".join(parts)
