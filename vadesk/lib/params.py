"""Query parameters read one way: parsed with bounds, and nonsense ignored (the default) or refused with a 400.

Every view that reads `request.GET` reads it through these functions (a test crawls every page with odd values:
`0001-01-01`, `9999-12-31`, `²`, 10^30, NUL, very long text). Only ASCII digits count as digits: `"²".isdigit()`
is true in Python and `int("²")` fails. Dates stay inside [MIN_DATE, MAX_DATE] so that a page may add or subtract
a few months without leaving the calendar (`date.max + timedelta(days=7)` is an OverflowError).
"""

import re
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import BadRequest
from django.http import QueryDict
from django.utils.translation import gettext as _

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2999, 12, 31)
MAX_ID = 2**63 - 1  # a bigint primary key
MAX_TEXT = 200  # a search box, a status: longer is cut
MAX_LIST = 100  # values of a repeated parameter

_INT = re.compile(r"-?[0-9]{1,19}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _refuse(name: str, strict: bool) -> None:
    if strict:
        raise BadRequest(_("The address holds a value for “%(name)s” that vadesk cannot read.") % {"name": name})


def _raw(query: QueryDict, name: str) -> str:
    return (query.get(name) or "").strip()


def param_text(query: QueryDict, name: str, default: str = "", *, max_length: int = MAX_TEXT) -> str:
    """Free text (a search): control characters removed, cut at max_length."""
    value = _CONTROL.sub("", query.get(name) or "").strip()
    return value[:max_length] if value else default


def param_int(
    query: QueryDict, name: str, default: int, *, lo: int, hi: int, clamp: bool = True, strict: bool = False
) -> int:
    """A whole number of ASCII digits; outside [lo, hi] it is brought to the nearest bound (or the default)."""
    raw = _raw(query, name)
    if not raw:
        return default
    if not _INT.fullmatch(raw):
        _refuse(name, strict)
        return default
    value = int(raw)
    if lo <= value <= hi:
        return value
    _refuse(name, strict and not clamp)
    return min(max(value, lo), hi) if clamp else default


def param_id(query: QueryDict, name: str, *, strict: bool = False) -> int | None:
    """A primary key: a positive whole number of ASCII digits, else None."""
    raw = _raw(query, name)
    if raw and raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID:
        return int(raw)
    if raw:
        _refuse(name, strict)
    return None


def param_ids(query: QueryDict, name: str) -> list[int]:
    """A repeated primary key (`?party=1&party=2`): the readable ones, at most MAX_LIST."""
    found = []
    for raw in query.getlist(name)[:MAX_LIST]:
        one = QueryDict(mutable=True)
        one[name] = raw
        if (pk := param_id(one, name)) is not None:
            found.append(pk)
    return found


def param_date(
    query: QueryDict, name: str, default: date, *, lo: date = MIN_DATE, hi: date = MAX_DATE, strict: bool = False
) -> date:
    """An ISO date (YYYY-MM-DD) inside [lo, hi], else the default."""
    raw = _raw(query, name)
    if not raw:
        return default
    try:
        value = date.fromisoformat(raw) if _DATE.fullmatch(raw) else None
    except ValueError:
        value = None
    if value is not None and lo <= value <= hi:
        return value
    _refuse(name, strict)
    return default


def param_month(
    query: QueryDict, name: str, default: date, *, lo: date = MIN_DATE, hi: date = MAX_DATE, strict: bool = False
) -> date:
    """A month (YYYY-MM) as its first day, inside [lo, hi], else the default."""
    raw = _raw(query, name)
    if not raw:
        return default
    match = _MONTH.fullmatch(raw)
    value = None
    if match:
        try:
            value = date(int(match[1]), int(match[2]), 1)
        except ValueError:
            value = None
    if value is not None and lo <= value <= hi:
        return value
    _refuse(name, strict)
    return default


def param_choice(query: QueryDict, name: str, choices: Iterable[str], default: str, *, strict: bool = False) -> str:
    """One of the given words, else the default."""
    raw = _raw(query, name)
    allowed = set(choices)
    if raw in allowed:
        return raw
    if raw:
        _refuse(name, strict)
    return default
