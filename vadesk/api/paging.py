"""Keyset (cursor) pages for the API's lists: a page deep in a list reads what the first one does.

A list is ordered by a leading column and then the id, both in the same direction, along an index of those two
columns. A cursor is the position after the last row of a page, its leading value and id, opaque to clients: the
next page starts an index walk there instead of skipping the rows before it, as an offset would.
"""

import json
from base64 import urlsafe_b64decode, urlsafe_b64encode
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from ninja import Field

MAX_LIMIT = 200
COUNT_CAP = 1_000  # the count stops here, so a page never counts a whole practice's rows

type Position = tuple[Any, int]


def limit_field() -> Any:
    return Field(50, ge=1, le=MAX_LIMIT, description="Rows per page")


def cursor_field(max_length: int) -> Any:
    return Field(None, max_length=max_length, description="`next_cursor` of the previous page: the page after it")


def count_field() -> Any:
    return Field(description=f"Matching rows, counted up to {COUNT_CAP:,}")


def capped_field() -> Any:
    return Field(description=f"True when more than {COUNT_CAP:,} match: `count` is then {COUNT_CAP:,}")


def next_cursor_field() -> Any:
    return Field(description="Pass as `cursor` for the next page; null on the last page")


def encode_cursor(value: Any, pk: int) -> str:
    """The position after a row: its leading value (text, a number, an ISO date or null) and its id."""
    return (
        urlsafe_b64encode(json.dumps([value, pk], separators=(",", ":"), ensure_ascii=False).encode())
        .decode()
        .rstrip("=")
    )


def decode_cursor(cursor: str, parse: Callable[[Any], Any]) -> Position:
    """The position a cursor encodes, its leading value read by `parse`; a cursor no page gave is a 400."""
    try:
        value, pk = json.loads(urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if type(pk) is not int or not 0 < pk < 2**63:
            raise ValueError(pk)
        return parse(value), pk
    except (ValueError, TypeError, UnicodeDecodeError):
        raise ValidationError({"cursor": _("This cursor is not one a page of this list gave.")}) from None


def counted(rows: QuerySet) -> tuple[int, bool]:
    """The number of rows up to COUNT_CAP, and whether there are more."""
    found = rows.order_by()[: COUNT_CAP + 1].count()
    return min(found, COUNT_CAP), found > COUNT_CAP


def after[M: Model](rows: QuerySet[M], field: str, position: Position, *, descending: bool) -> QuerySet[M]:
    """The rows after `position` in the order (field, id), both ascending or both descending.

    A range on the leading column and the tie on it cut by id, not an OR of the two: both databases then start the
    index walk at the cursor instead of filtering every row before it."""
    value, pk = position
    if descending:
        return rows.filter(**{f"{field}__lte": value}).exclude(**{field: value, "id__gte": pk})
    return rows.filter(**{f"{field}__gte": value}).exclude(**{field: value, "id__lte": pk})


def page_of[M: Model](
    rows: QuerySet[M], field: str, *, descending: bool, cursor: str | None, limit: int, parse: Callable[[Any], Any]
) -> dict[str, Any]:
    """One page of `rows` in the order (field, id), from the cursor on: the count, the rows and the next cursor."""
    count, capped = counted(rows)
    if cursor:
        rows = after(rows, field, decode_cursor(cursor, parse), descending=descending)
    sign = "-" if descending else ""
    items = list(rows.order_by(f"{sign}{field}", f"{sign}id")[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    last = items[-1] if items else None
    return {
        "count": count,
        "count_capped": capped,
        "limit": limit,
        "next_cursor": encode_cursor(_wire(getattr(last, field)), last.pk) if more and last else None,
        "items": items,
    }


def _wire(value: Any) -> Any:
    """A leading value as JSON holds it: dates and times as ISO 8601 text."""
    return value.isoformat() if hasattr(value, "isoformat") else value


# Readers of a cursor's leading value: anything else than what a page encoded raises ValueError.


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(value)
    return value


def instant(value: Any) -> datetime:
    moment = datetime.fromisoformat(text(value))
    if moment.tzinfo is None:
        raise ValueError(value)
    return moment


def day_or_none(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(text(value))
