"""How values look on the wire: money as Decimal strings, instants as ISO 8601 with an offset."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from annotated_types import Interval
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Schema
from pydantic import (
    AfterValidator,
    AwareDatetime,
    Field,
    PlainSerializer,
    field_validator,
)

from vadesk.api.names import shown_name

# "550.00", never a float that turns 0.1 + 0.2 into 0.30000000000000004.
Money = Annotated[Decimal, PlainSerializer(str, return_type=str)]

# In the practice's time zone with its offset: 2026-11-25T09:30:00+01:00.
Timestamp = Annotated[datetime, PlainSerializer(lambda value: timezone.localtime(value).isoformat(), return_type=str)]

# A row id: positive and within the 64-bit integer both databases store.
Id = Annotated[int, Interval(ge=1, le=2**63 - 1)]

# Dates and instants a practice can mean. The bounds keep month arithmetic and the
# conversion to UTC clear of year 9999, where they would overflow.
Day = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2999, 12, 31))]


def _plausible(value: datetime) -> datetime:
    if not datetime(1900, 1, 1, tzinfo=value.tzinfo) <= value <= datetime(2999, 12, 31, tzinfo=value.tzinfo):
        raise ValueError(gettext("Give a moment between 1900 and 2999."))
    return value


Instant = Annotated[AwareDatetime, AfterValidator(_plausible)]


class Input(Schema):
    """Base of every request schema: text with a NUL character is bad input (PostgreSQL cannot store it)."""

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError(gettext("Remove the NUL character."))
        return value


def _me_or_id(value: str) -> str | int:
    if value == "me":
        return value
    if value.isdigit() and 1 <= int(value) < 2**63:
        return int(value)
    raise ValueError(gettext("Use `me` or a person's id."))


# A filter on a person: `me` or a person's id (then an int).
MeOrId = Annotated[str, AfterValidator(_me_or_id)]


class PersonRef(Schema):
    id: int
    full_name: str = Field(
        description="For a client's users, as the organisation shows names: full, first name only or “Your team”"
    )

    @staticmethod
    def resolve_full_name(person: Any, context: Any) -> str:
        # Built by hand from a name already chosen (PersonRef(id=…, full_name=…)), or validated again as a reply.
        if isinstance(person, dict):
            return person["full_name"]
        if isinstance(person, Schema):
            return person.full_name  # type: ignore[attr-defined]
        request = (context or {}).get("request")
        return shown_name(request, person) if request is not None else person.full_name


class ClientRef(Schema):
    id: int
    name: str


class EngagementRef(Schema):
    id: int
    name: str


class TaskRef(Schema):
    id: int
    title: str
