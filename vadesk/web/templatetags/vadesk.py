from datetime import datetime
from decimal import Decimal

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone

from vadesk.lib.formatting import DAY_STYLES, format_ago, format_day, format_hours, format_minutes, format_money
from vadesk.lib.validators import format_iban

register = template.Library()


@register.filter
def hm(minutes):
    """Minutes as h:mm."""
    return format_minutes(minutes)


@register.filter
def hours(minutes):
    return format_hours(minutes)


@register.filter
def money(amount, currency="EUR"):
    return format_money(amount, currency)


@register.filter(expects_localtime=True)
def day(value, style="j M Y"):
    """A day, or a day and its time, the way the language writes it and the PDFs print it ("1. Dez. 2026", "1 dec
    2026"): `style` names the Django date format it replaces (see lib.formatting.DAY_STYLES)."""
    if style not in DAY_STYLES:
        return date_filter(value, style)
    return format_day(value, style)


@register.filter
def ago(value: datetime | None) -> str:
    """A past moment relative to now: "just now", "5 minutes ago", or its day and time when over a day old."""
    return format_ago(value, timezone.now()) if value else ""


@register.filter
def html5_number(value) -> str:
    """A number as <input type=number> takes it in every language: a dot, no grouping, no exponent (0.5, 100)."""
    if value in (None, ""):
        return ""
    return format(Decimal(value).normalize(), "f")


@register.filter
def iban(value: str) -> str:
    """Stored compact, shown grouped by four."""
    return format_iban(value)


@register.filter
def overdue(due: datetime | None) -> bool:
    return bool(due and due < timezone.now())


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def query(context, **changes):
    """The current query string with some parameters changed."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode() if params else "?"
