"""RFC 5545 RRULEs, parsed for a first occurrence: pure functions over datetimes, no ORM."""

from datetime import UTC, datetime

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS
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


def monthly_on(day: int, *, interval: int = 1) -> str:
    """An RRULE for "every month (or every `interval` months) on this day of the month".

    RFC 5545 §3.3.10: a BYMONTHDAY that a month lacks yields no occurrence that month, so BYMONTHDAY=31 skips
    February, April, June… From the 29th on, the rule takes that day or, in a shorter month, its last day: the last
    of BYMONTHDAY=28..day that exists (BYSETPOS=-1); the 31st is simply the last day (BYMONTHDAY=-1).
    """
    every = f";INTERVAL={interval}" if interval > 1 else ""
    if day >= 31:
        return f"FREQ=MONTHLY{every};BYMONTHDAY=-1"
    if day >= 29:
        days = ",".join(str(d) for d in range(28, day + 1))
        return f"FREQ=MONTHLY{every};BYMONTHDAY={days};BYSETPOS=-1"
    return f"FREQ=MONTHLY{every};BYMONTHDAY={day}"


WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
WORKDAYS = "MO,TU,WE,TH,FR"


def describe_rrule(rule: str) -> str:
    """The rhythms the form offers, in words ("Every month on day 25"); any other rule is a custom rhythm."""
    parts = dict(part.partition("=")[::2] for part in rule.strip().removeprefix("RRULE:").upper().split(";"))
    freq, interval = parts.pop("FREQ", ""), parts.pop("INTERVAL", "1")
    if freq == "MONTHLY" and interval in ("1", "3") and "BYMONTHDAY" in parts:
        return _describe_monthly(parts, quarterly=interval == "3")
    if freq == "WEEKLY" and interval in ("1", "2") and set(parts) == {"BYDAY"}:
        if parts["BYDAY"] == WORKDAYS and interval == "1":
            return _("Every working day")
        if parts["BYDAY"] in WEEKDAY_CODES:
            weekday = WEEKDAYS[WEEKDAY_CODES.index(parts["BYDAY"])]  # Django's translated names: "dinsdag"
            if interval == "2":
                return _("Every two weeks on %(weekday)s") % {"weekday": weekday}
            return _("Every week on %(weekday)s") % {"weekday": weekday}
    return _("Custom rhythm")


def _describe_monthly(parts: dict[str, str], *, quarterly: bool) -> str:
    days, setpos = parts.pop("BYMONTHDAY"), parts.pop("BYSETPOS", "")
    if parts:
        return _("Custom rhythm")
    if days == "-1" and not setpos:
        return _("Every three months on the last day") if quarterly else _("Every month on its last day")
    if days.isdigit() and not setpos:
        text = _("Every three months on day %(day)s") if quarterly else _("Every month on day %(day)s")
        return text % {"day": days}
    listed = days.split(",")
    if setpos == "-1" and listed[0] == "28" and listed == [str(d) for d in range(28, 28 + len(listed))]:
        text = (
            _("Every three months on day %(day)s, or on the last day of a shorter month")
            if quarterly
            else _("Every month on day %(day)s, or on the last day of a shorter month")
        )
        return text % {"day": listed[-1]}
    return _("Custom rhythm")
