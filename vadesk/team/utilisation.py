"""Utilisation and capacity for owners (issue 14.9): per staff member and ISO week, what they can do, what is
planned for them, what they logged, and how that compares with their target.

- **Capacity**: work pattern − approved absences − public holidays (`vadesk.team.capacity.week_capacity`, the
  one rule); without a work pattern, the membership's weekly capacity when it is set (no absences known then).
- **Planned**, three parts:
  1. *retainers*: each active monthly retainer's hours spread evenly over the days of its month (a week of a
     31-day month gets 7/31), within its dates, then **evenly over the members of the client's team who have
     capacity that week** (someone away all week carries none of it; when nobody has room the hours are
     *not placed* and shown as such for the whole team);
  2. *appointments* the person holds in the agenda (booked by them, not cancelled, not all-day), by their
     length, in the week of their start in the organisation's zone;
  3. *recurring tasks*: each occurrence in the week times its estimate, the average time logged on the tasks it
     made so far (none logged yet: no estimate), for its named assignees evenly, otherwise for the first member
     of the client's team in the order of cover who has capacity that week, as routing would send it.
  A client's appointments and recurring tasks in a week its retainer runs are part of that allowance and are
  not added again.
- **Logged**: the week's time entries, billable and not (a running timer is not counted yet).
- **Utilisation**: billable hours logged ÷ capacity, against the person's target (default 80 %); the forecast
  compares planned hours with capacity.

Eleven queries for the organisation, whatever its number of people, clients or weeks.
"""

from __future__ import annotations

import calendar as calendar_module
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil import rrule as rrule_module
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Membership, Organisation, Person
from vadesk.agenda.models import Occurrence
from vadesk.clients.models import Assignment
from vadesk.engagements.models import Engagement
from vadesk.tasks.models import RecurringTask
from vadesk.tasks.rrule import parse_rrule
from vadesk.team.capacity import week_capacity
from vadesk.team.models import Absence, Profile, WorkPattern
from vadesk.timesheets.models import TimeEntry

PAST_WEEKS = 8  # up to and including this week
FORECAST_WEEKS = 8  # from next week on
DEFAULT_TARGET = 80
ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass
class Week:
    """One person's (or the whole team's) figures for the ISO week from `monday`; hours as Decimal."""

    monday: date
    capacity: Decimal | None = None  # None: neither a work pattern nor a weekly capacity is known
    retainers: Decimal = ZERO
    appointments: Decimal = ZERO
    recurring: Decimal = ZERO
    billable_minutes: int = 0
    non_billable_minutes: int = 0

    @property
    def planned(self) -> Decimal:
        return (self.retainers + self.appointments + self.recurring).quantize(CENT)

    @property
    def billable(self) -> Decimal:
        return (Decimal(self.billable_minutes) / 60).quantize(CENT)

    @property
    def non_billable(self) -> Decimal:
        return (Decimal(self.non_billable_minutes) / 60).quantize(CENT)

    @property
    def utilisation(self) -> int | None:
        """Billable hours logged as a percentage of capacity."""
        return _percent(self.billable, self.capacity)

    @property
    def planned_percent(self) -> int | None:
        return _percent(self.planned, self.capacity)

    def add(self, other: Week) -> None:
        if other.capacity is not None:
            self.capacity = (self.capacity or ZERO) + other.capacity
        self.retainers += other.retainers
        self.appointments += other.appointments
        self.recurring += other.recurring
        self.billable_minutes += other.billable_minutes
        self.non_billable_minutes += other.non_billable_minutes


def _percent(part: Decimal, whole: Decimal | None) -> int | None:
    if not whole:
        return None
    return int((part * 100 / whole).quantize(Decimal(1)))


@dataclass
class Row:
    """A staff member (or, with `person` None, the whole team) over the past weeks and the forecast."""

    person: Person | None
    target: int
    weeks: list[Week]
    forecast: list[Week]

    @property
    def all_weeks(self) -> list[Week]:
        return self.weeks + self.forecast


@dataclass
class Utilisation:
    this_week: date
    people: list[Row]
    team: Row
    not_placed: dict[date, Decimal] = field(default_factory=dict)  # retainer hours nobody on the team has room for


def mondays_around(today: date) -> tuple[list[date], list[date]]:
    """The past weeks (ending with this one) and the forecast weeks (from next week on)."""
    monday = today - timedelta(days=today.weekday())
    past = [monday - timedelta(weeks=n) for n in range(PAST_WEEKS - 1, -1, -1)]
    return past, [monday + timedelta(weeks=n) for n in range(1, FORECAST_WEEKS + 1)]


def staff_memberships(organisation: Organisation) -> list[Membership]:
    return list(
        Membership.objects.filter(
            organisation=organisation,
            is_active=True,
            role__in=[Membership.Role.OWNER, Membership.Role.ASSISTANT],
        )
        .select_related("person")
        .order_by("person__full_name", "person_id")
    )


def capacities(
    organisation: Organisation, memberships: list[Membership], mondays: list[date]
) -> dict[tuple[int, date], Decimal]:
    """Hours available per (person, week) for the whole team in three queries; a person whose capacity is not
    known (no work pattern, no weekly capacity) has no key. The dashboard's team card reads this too."""
    capacity, _targets = _capacities_and_targets(organisation, memberships, mondays)
    return capacity


def _capacities_and_targets(
    organisation: Organisation, memberships: list[Membership], mondays: list[date]
) -> tuple[dict[tuple[int, date], Decimal], dict[int, int]]:
    people = [m.person_id for m in memberships]
    profiles = {p.person_id: p for p in Profile.objects.filter(organisation=organisation, person__in=people)}
    patterns: dict[int, list[WorkPattern]] = defaultdict(list)
    for pattern in WorkPattern.objects.filter(profile__in=list(profiles.values())).order_by("-valid_from"):
        patterns[pattern.profile_id].append(pattern)  # newest first, as week_capacity wants
    absences: dict[int, list[Absence]] = defaultdict(list)
    if mondays:
        approved = Absence.objects.filter(organisation=organisation, person__in=people, status=Absence.Status.APPROVED)
        for absence in approved.overlapping(min(mondays), max(mondays) + timedelta(days=6)):
            absences[absence.person_id].append(absence)
    out: dict[tuple[int, date], Decimal] = {}
    # Most of a team works the same pattern in the same place: without absences their weeks have the same hours.
    alike: dict[tuple, Decimal] = {}
    for membership in memberships:
        profile = profiles.get(membership.person_id)
        own = patterns[profile.pk] if profile else []
        away = absences[membership.person_id]
        shape = tuple((p.valid_from, json.dumps(p.days, sort_keys=True)) for p in own)
        place = (profile.holiday_country, profile.holiday_subdivision) if profile else ("", "")
        for monday in mondays:
            if own and profile:
                shared = (shape, place, monday)
                if away:
                    out[(membership.person_id, monday)] = week_capacity(own, away, *place, monday)
                else:
                    if shared not in alike:
                        alike[shared] = week_capacity(own, [], *place, monday)
                    out[(membership.person_id, monday)] = alike[shared]
            elif membership.weekly_capacity_hours is not None:
                out[(membership.person_id, monday)] = membership.weekly_capacity_hours
    targets = {pk: p.target_utilisation for pk, p in profiles.items()}
    return out, targets


def utilisation_for(*, by: Person, organisation: Organisation, today: date) -> Utilisation:
    """The figures for an owner of the organisation; anyone else is refused (they hold colleagues' hours)."""
    if organisation.pk not in reach_of(by).owner_of:
        raise PermissionDenied(_("Only an owner of the organisation can do this."))
    return utilisation(organisation, today=today)


def utilisation(organisation: Organisation, *, today: date) -> Utilisation:
    """Every staff member's weeks around `today` (the organisation's date), and the team's sums."""
    past, ahead = mondays_around(today)
    mondays = past + ahead
    memberships = staff_memberships(organisation)
    capacity, targets = _capacities_and_targets(organisation, memberships, mondays)
    staff = [m.person_id for m in memberships]
    figures = {(pk, monday): Week(monday, capacity.get((pk, monday))) for pk in staff for monday in mondays}

    teams = _teams(organisation, set(staff))
    has_room = {key for key, hours in capacity.items() if hours > 0}
    has_room |= {(pk, monday) for pk in staff for monday in mondays if (pk, monday) not in capacity}
    retained, not_placed = _retainers(organisation, teams, has_room, mondays, figures)
    zone = ZoneInfo(organisation.time_zone)
    _appointments(organisation, staff, mondays, zone, retained, figures)
    _recurring(organisation, teams, set(staff), has_room, mondays, zone, retained, figures)
    _logged(organisation, staff, mondays, figures)

    rows = [
        Row(
            m.person,
            targets.get(m.person_id, DEFAULT_TARGET),
            [figures[(m.person_id, w)] for w in past],
            [figures[(m.person_id, w)] for w in ahead],
        )
        for m in memberships
    ]
    return Utilisation(this_week=past[-1], people=rows, team=_sum(rows, past, ahead), not_placed=not_placed)


def _sum(rows: list[Row], past: list[date], ahead: list[date]) -> Row:
    """The team's weeks; its target is the average of its members' targets weighted by their capacity."""
    weeks = {monday: Week(monday) for monday in past + ahead}
    for row in rows:
        for week in row.all_weeks:
            weeks[week.monday].add(week)
    weighted = [(r.target, sum((w.capacity or ZERO for w in r.all_weeks), ZERO)) for r in rows]
    total = sum((c for _t, c in weighted), ZERO)
    target = int((sum((t * c for t, c in weighted), ZERO) / total).quantize(Decimal(1))) if total else DEFAULT_TARGET
    return Row(None, target, [weeks[m] for m in past], [weeks[m] for m in ahead])


def _teams(organisation: Organisation, staff: set[int]) -> dict[int, list[int]]:
    """Each active client's team in the order of cover (current staff only)."""
    teams: dict[int, list[int]] = defaultdict(list)
    rows = Assignment.objects.filter(
        client__organisation=organisation, client__archived_at__isnull=True, person_id__in=staff
    ).in_cover_order()
    for client_id, person_id in rows.values_list("client_id", "person_id"):
        teams[client_id].append(person_id)
    return teams


def retainer_week_hours(monthly_hours: Decimal, starts_on: date, ends_on: date | None, monday: date) -> Decimal:
    """A retainer's hours in the week from `monday`: each day of it within the engagement's dates carries
    1/(days in its month) of the monthly hours (exact: the share is a fraction, so 31 h over July's days is 7 h a
    week)."""
    sunday = monday + timedelta(days=6)
    first, last = max(starts_on, monday), min(ends_on or sunday, sunday)
    if first > last:
        return ZERO
    return _week_hours(monthly_hours, first, last)


@lru_cache(maxsize=8192)
def _week_hours(monthly_hours: Decimal, first: date, last: date) -> Decimal:
    """The monthly hours' share of the days from `first` to `last` (within one week); the same for every retainer
    of these hours whose dates take in those days, so a thousand retainers cost a few dozen of these."""
    share = Fraction(0)
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        share += Fraction(1, calendar_module.monthrange(day.year, day.month)[1])
    hours = Fraction(monthly_hours) * share
    return Decimal(hours.numerator) / Decimal(hours.denominator)


def _retainers(
    organisation: Organisation,
    teams: dict[int, list[int]],
    has_room: set[tuple[int, date]],
    mondays: list[date],
    figures: dict[tuple[int, date], Week],
) -> tuple[set[tuple[int, date]], dict[date, Decimal]]:
    """Spread each retainer over the members with room; returns the (client, week)s a retainer runs in."""
    retained: set[tuple[int, date]] = set()
    not_placed: dict[date, Decimal] = defaultdict(Decimal)
    engagements = Engagement.objects.active().filter(
        client__organisation=organisation,
        client__archived_at__isnull=True,
        kind=Engagement.Kind.RETAINER,
        monthly_hours__gt=0,
    )
    # Retainers of the same hours running through the whole window have the same weeks: compute those once.
    first, last = min(mondays), max(mondays) + timedelta(days=6)
    spreads: dict[tuple[Decimal, date, date], list[tuple[date, Decimal]]] = {}
    for client_id, hours, starts_on, ends_on in engagements.values_list(
        "client_id", "monthly_hours", "starts_on", "ends_on"
    ):
        key = (hours or ZERO, max(starts_on, first), min(ends_on or last, last))
        if key not in spreads:
            spreads[key] = [(monday, retainer_week_hours(key[0], key[1], key[2], monday)) for monday in mondays]
        team = teams.get(client_id, [])
        for monday, week_hours in spreads[key]:
            if not week_hours:
                continue
            retained.add((client_id, monday))
            present = [pk for pk in team if (pk, monday) in has_room]
            if not present:
                not_placed[monday] += week_hours
                continue
            each = week_hours / len(present)
            for pk in present:
                figures[(pk, monday)].retainers += each
    return retained, {monday: hours.quantize(CENT) for monday, hours in not_placed.items()}


def _week_of(moment: datetime, zone: ZoneInfo) -> date:
    day = moment.astimezone(zone).date()
    return day - timedelta(days=day.weekday())


def _window(mondays: list[date], zone: ZoneInfo) -> tuple[datetime, datetime]:
    return (
        datetime.combine(min(mondays), time.min, zone),
        datetime.combine(max(mondays) + timedelta(days=7), time.min, zone),
    )


def _appointments(
    organisation: Organisation,
    staff: list[int],
    mondays: list[date],
    zone: ZoneInfo,
    retained: set[tuple[int, date]],
    figures: dict[tuple[int, date], Week],
) -> None:
    start, end = _window(mondays, zone)
    rows = (
        Occurrence.objects.filter(
            calendar__party__organisation=organisation,
            event__booked_by__in=staff,
            event__deleted=False,
            start__gte=start,
            start__lt=end,
        )
        .exclude(status="CANCELLED")
        .exclude(kind=Occurrence.Kind.ALLDAY)
        .values_list("event__booked_by", "start", "end", "event__calendar__party__client_id", "event__task__client_id")
    )
    for person_id, begins, ends, party_client, task_client in rows:
        monday = _week_of(begins, zone)
        if (person_id, monday) not in figures or (party_client or task_client, monday) in retained:
            continue
        figures[(person_id, monday)].appointments += Decimal((ends - begins).total_seconds()) / 3600


def _recurring(
    organisation: Organisation,
    teams: dict[int, list[int]],
    staff: set[int],
    has_room: set[tuple[int, date]],
    mondays: list[date],
    zone: ZoneInfo,
    retained: set[tuple[int, date]],
    figures: dict[tuple[int, date], Week],
) -> None:
    templates = list(
        RecurringTask.objects.filter(
            client__organisation=organisation, client__archived_at__isnull=True, active=True
        ).values_list("pk", "client_id", "rrule", "first_due_at")
    )
    # The named assignees in one query of the link table (a prefetch builds a queryset per template).
    assignees: dict[int, list[int]] = defaultdict(list)
    links = RecurringTask.assignees.through.objects.filter(
        recurringtask__in=[pk for pk, *_rest in templates], person_id__in=staff
    )
    for template_id, person_id in links.values_list("recurringtask_id", "person_id"):
        assignees[template_id].append(person_id)
    estimates = recurring_estimates(pk for pk, *_rest in templates)
    start, end = _window(mondays, zone)
    local_start, local_end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    for pk, client_id, text, first_due_at in templates:
        estimate = estimates.get(pk)
        if not estimate:
            continue
        try:
            dues = due_between(text, first_due_at, zone, local_start, local_end)
        except ValidationError:
            continue  # a rule that no longer parses makes no tasks, so it plans nothing
        named = assignees[pk]
        for due in dues:
            monday = due.date() - timedelta(days=due.weekday())
            if (client_id, monday) in retained:
                continue
            carriers = named or [person for person in teams.get(client_id, []) if (person, monday) in has_room][:1]
            for person in carriers:
                figures[(person, monday)].recurring += estimate / len(carriers)


@lru_cache(maxsize=8192)
def due_between(
    rule: str, first_due_at: datetime, zone: ZoneInfo, start: datetime, end: datetime
) -> tuple[datetime, ...]:
    """A recurring task's occurrences from `start` up to (not including) `end`, in naive local time of `zone`.
    Remembered: a practice's rules and the weeks shown change seldom, and reading a rule costs ~0.1 ms."""
    parsed = started_near(parse_rrule(rule, first_due_at.astimezone(zone)), start)
    return tuple(due for due in parsed.between(start, end, inc=True) if due < end)


FIXED_PERIODS = {
    rrule_module.WEEKLY: timedelta(weeks=1),
    rrule_module.DAILY: timedelta(days=1),
    rrule_module.HOURLY: timedelta(hours=1),
    rrule_module.MINUTELY: timedelta(minutes=1),
    rrule_module.SECONDLY: timedelta(seconds=1),
}


def started_near(rule: rrule_module.rrule, moment: datetime) -> rrule_module.rrule:
    """The same rule with its start moved to the last of its periods that begins by `moment`, so reading its
    occurrences from `moment` on costs the weeks read, not the years since the rule began. A rule with a COUNT
    keeps its start: its occurrences are counted from the first one.

    dateutil walks a rule period by period from DTSTART; a whole number of periods later (INTERVAL × FREQ) the
    periods line up the same. What DTSTART stands in for (the day of the month, the month, the weekday) is made
    explicit first; a month's or year's period is moved to its first day, which every date in it follows."""
    if rule._count is not None:
        return rule
    first: datetime = rule._dtstart
    implied = {name: None for name, value in rule._original_rule.items() if value is None}
    if "bymonth" in implied:
        implied["bymonth"] = rule._bymonth
    if "bymonthday" in implied:
        implied["bymonthday"] = rule._bymonthday + rule._bynmonthday
    if "byweekday" in implied:
        implied["byweekday"] = rule._byweekday
    if rule._freq in (rrule_module.YEARLY, rrule_module.MONTHLY):
        step = rule._interval * (12 if rule._freq == rrule_module.YEARLY else 1)
        periods = ((moment.year - first.year) * 12 + moment.month - first.month) // step
        if periods <= 0:
            return rule
        month = first.month - 1 + periods * step
        start = first.replace(year=first.year + month // 12, month=month % 12 + 1, day=1)
        if start > moment:  # `moment` is on the 1st, before the rule's time of day: one period earlier
            if periods == 1:
                return rule
            month -= step
            start = first.replace(year=first.year + month // 12, month=month % 12 + 1, day=1)
    else:
        period = FIXED_PERIODS[rule._freq] * rule._interval
        periods = (moment - first) // period
        if periods <= 0:
            return rule
        start = first + periods * period
    return rule.replace(dtstart=start, **implied)


def recurring_estimates(template_ids: Iterable[int]) -> dict[int, Decimal]:
    """Hours a recurring task takes: the time logged on the tasks it made, per task that has time (one query)."""
    rows = (
        TimeEntry.objects.filter(task__recurrence__in=list(template_ids))
        .values("task__recurrence")
        .annotate(minutes=Sum("worked_minutes"), tasks=Count("task", distinct=True))
        .order_by()
    )
    return {
        row["task__recurrence"]: Decimal(row["minutes"]) / 60 / row["tasks"]
        for row in rows
        if row["tasks"] and row["minutes"]
    }


def _logged(
    organisation: Organisation, staff: list[int], mondays: list[date], figures: dict[tuple[int, date], Week]
) -> None:
    rows = (
        TimeEntry.objects.filter(
            person__in=staff,
            engagement__client__organisation=organisation,
            work_date__range=(min(mondays), max(mondays) + timedelta(days=6)),
        )
        .exclude(Q(started_at__isnull=False, ended_at__isnull=True))
        .values_list("person", "work_date", "billable")
        .annotate(minutes=Sum("worked_minutes"))
        .order_by()
    )
    for person_id, work_date, billable, minutes in rows:
        week = figures[(person_id, work_date - timedelta(days=work_date.weekday()))]
        if billable:
            week.billable_minutes += minutes or 0
        else:
            week.non_billable_minutes += minutes or 0
