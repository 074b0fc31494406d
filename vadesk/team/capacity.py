"""Capacity: work pattern − absences − public holidays, per day and per ISO week.

Public holidays come from the `holidays` package, per assistant's country and region (NL, BE, and DE per
Bundesland). A half-day absence takes half of that day's pattern hours; an hours absence takes its hours,
at most the day's. Only approved absences count: a request does not change capacity until it is approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

import holidays

from vadesk.accounts.models import Organisation, Person
from vadesk.team.models import Absence, Profile, WorkPattern

HALF = Decimal("0.5")


@lru_cache(maxsize=16)
def subdivisions(country: str) -> frozenset[str]:
    try:
        return frozenset(holidays.country_holidays(country).subdivisions)
    except NotImplementedError:
        return frozenset()


@lru_cache(maxsize=256)
def _holidays(country: str, subdivision: str, year: int) -> dict[date, str]:
    table = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    return dict(table.items())


def public_holiday(country: str, subdivision: str, day: date) -> str | None:
    """The holiday's name on that day in that country/region, or None."""
    return _holidays(country, subdivision, day.year).get(day)


@dataclass(frozen=True)
class Day:
    day: date
    pattern: Decimal  # hours in the work pattern
    holiday: str | None
    absent: Decimal  # hours taken by approved absences
    absences: tuple[Absence, ...]

    @property
    def capacity(self) -> Decimal:
        if self.holiday:
            return Decimal(0)
        return max(Decimal(0), self.pattern - self.absent)


def pattern_for(patterns: list[WorkPattern], day: date) -> WorkPattern | None:
    """The pattern in force on the day: the latest valid_from not after it (patterns sorted newest first)."""
    for pattern in patterns:
        if pattern.valid_from <= day:
            return pattern
    return None


def absent_hours(absence: Absence, pattern_hours: Decimal) -> Decimal:
    if absence.part == Absence.Part.WHOLE:
        return pattern_hours
    if absence.part in (Absence.Part.MORNING, Absence.Part.AFTERNOON):
        return (pattern_hours * HALF).quantize(Decimal("0.01"))
    return min(pattern_hours, absence.hours or Decimal(0))


def days(organisation: Organisation, person: Person, start: date, end: date) -> list[Day]:
    """Every day from start to end (inclusive) with pattern, holiday and absences: three queries."""
    profile = Profile.objects.filter(organisation=organisation, person=person).first()
    patterns = list(WorkPattern.objects.filter(profile=profile)) if profile else []
    absences = list(
        Absence.objects.filter(organisation=organisation, person=person, status=Absence.Status.APPROVED).overlapping(
            start, end
        )
    )
    country = profile.holiday_country if profile else organisation.country
    subdivision = profile.holiday_subdivision if profile else ""
    return days_of(patterns, absences, country, subdivision, start, end)


def days_of(
    patterns: list[WorkPattern], absences: list[Absence], country: str, subdivision: str, start: date, end: date
) -> list[Day]:
    """The rule of `days`, on rows already read (patterns newest first, the approved absences): no query, so a
    whole team's capacity can be read in a few queries (the coverage check, the owner's overview)."""
    out = []
    day = start
    while day <= end:
        pattern = pattern_for(patterns, day)
        hours = pattern.hours_on(day) if pattern else Decimal(0)
        todays = tuple(a for a in absences if a.covers(day))
        taken = min(hours, sum((absent_hours(a, hours) for a in todays), Decimal(0)))
        name = public_holiday(country, subdivision, day) if country in ("NL", "BE", "DE") else None
        out.append(Day(day, hours, name, taken, todays))
        day += timedelta(days=1)
    return out


def week_capacity(
    patterns: list[WorkPattern], absences: list[Absence], country: str, subdivision: str, monday: date
) -> Decimal:
    """Hours available in the week from `monday`, on rows already read: pattern − absences − holidays."""
    return sum(
        (d.capacity for d in days_of(patterns, absences, country, subdivision, monday, monday + timedelta(days=6))),
        Decimal(0),
    )


def week_start(year: int, week: int) -> date:
    return date.fromisocalendar(year, week, 1)


def capacity(organisation: Organisation, person: Person, week: date | tuple[int, int]) -> Decimal:
    """Hours available in the ISO week (a day in it, or (year, week)): pattern − absences − holidays."""
    monday = week_start(*week) if isinstance(week, tuple) else week - timedelta(days=week.weekday())
    return sum((d.capacity for d in days(organisation, person, monday, monday + timedelta(days=6))), Decimal(0))
