"""Whether a team member is there on a day (and at a moment): the one rule routing and the coverage check share.

Away on a day: an approved absence that takes it (a half-day absence takes the morning or the afternoon,
split at noon; with no moment given, a half day still leaves the person there for the other half; an hours
absence leaves the person there), a weekday off in the work pattern in force (no pattern: available), or a
public holiday of the person's country and region (no profile: the organisation's country).
"""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum
from typing import Any

from vadesk.team.capacity import public_holiday
from vadesk.team.models import WEEKDAY_KEYS, Absence

NOON = time(12, 0)
HOLIDAY_COUNTRIES = ("NL", "BE", "DE")


class Why(StrEnum):
    ABSENT = "absent"
    NOT_WORKING = "not_working"
    HOLIDAY = "holiday"


def away(
    day: date,
    *,
    moment: time | None = None,
    absence_part: str | None,
    pattern_days: dict[str, Any] | None,
    country: str,
    subdivision: str = "",
) -> Why | None:
    """Why the person is not there on `day` (at `moment`, when given), or None when they are."""
    if absence_part and _takes(absence_part, moment):
        return Why.ABSENT
    if pattern_days and not pattern_days.get(WEEKDAY_KEYS[day.weekday()]):
        return Why.NOT_WORKING
    if country in HOLIDAY_COUNTRIES and public_holiday(country, subdivision, day):
        return Why.HOLIDAY
    return None


def _takes(part: str, moment: time | None) -> bool:
    if part == Absence.Part.WHOLE:
        return True
    if moment is None:
        return False  # half a day or some hours away: there for the rest of it
    if part == Absence.Part.MORNING:
        return moment < NOON
    if part == Absence.Part.AFTERNOON:
        return moment >= NOON
    return False
