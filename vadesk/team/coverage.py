"""The coverage check: clients that nobody of their team can serve in the coming days, and teams with too little room.

Run daily by a scheduled job (and after an absence is decided) for each organisation; the warnings are kept
(`CoverageWarning`) so that the owners' *today* page and the team calendar read a few rows, not the check.

- **Nobody there**: a working day (Monday to Friday, not a public holiday of the organisation's country) in
  the next `DAYS_AHEAD` days on which no member of an active client's team is present by the rule of
  `vadesk.team.presence` (a client without a team counts too). Consecutive days are one warning.
- **Too little room**: in this ISO week or the next, the client's expected hours per week exceed the free
  capacity of its team: the sum over its members of their capacity that week minus the hours they carry
  for their other clients (each client's hours / team size).

Seven queries per organisation, whatever its size; the rest is arithmetic in memory.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from vadesk.accounts.models import Membership, Organisation
from vadesk.clients.models import Assignment, Client
from vadesk.team import presence
from vadesk.team.capacity import pattern_for, public_holiday, week_capacity
from vadesk.team.models import Absence, ClientNeeds, CoverageWarning, Profile, WorkPattern

DAYS_AHEAD = 14


@dataclass
class _Person:
    country: str
    subdivision: str
    patterns: list[WorkPattern]
    absences: list[Absence]

    def absence_on(self, day: date) -> Absence | None:
        return next((a for a in self.absences if a.covers(day)), None)

    def away(self, day: date) -> presence.Why | None:
        pattern = pattern_for(self.patterns, day)
        absence = self.absence_on(day)
        return presence.away(
            day,
            absence_part=absence.part if absence else None,
            pattern_days=pattern.days if pattern else None,
            country=self.country,
            subdivision=self.subdivision,
        )

    def capacity(self, monday: date) -> Decimal:
        return week_capacity(self.patterns, self.absences, self.country, self.subdivision, monday)


def coverage_check(organisation: Organisation, *, today: date) -> list[CoverageWarning]:
    """The warnings for the coming days (unsaved)."""
    end = today + timedelta(days=DAYS_AHEAD)
    monday = today - timedelta(days=today.weekday())
    horizon = max(end, monday + timedelta(days=13))
    staff = set(
        Membership.objects.filter(
            organisation=organisation,
            is_active=True,
            role__in=[Membership.Role.OWNER, Membership.Role.ASSISTANT],
        ).values_list("person_id", flat=True)
    )
    clients = list(Client.objects.filter(organisation=organisation, archived_at__isnull=True).only("pk", "name"))
    teams: dict[int, list[int]] = defaultdict(list)
    for client_id, person_id in Assignment.objects.filter(client__in=clients, person_id__in=staff).values_list(
        "client_id", "person_id"
    ):
        teams[client_id].append(person_id)
    profiles = {p.person_id: p for p in Profile.objects.filter(organisation=organisation, person_id__in=staff)}
    patterns: dict[int, list[WorkPattern]] = defaultdict(list)
    for pattern in WorkPattern.objects.filter(profile__organisation=organisation).select_related("profile"):
        patterns[pattern.profile.person_id].append(pattern)  # newest first (the model's ordering)
    absences: dict[int, list[Absence]] = defaultdict(list)
    for absence in Absence.objects.filter(organisation=organisation, status=Absence.Status.APPROVED).overlapping(
        today, horizon
    ):
        absences[absence.person_id].append(absence)
    people = {
        pk: _Person(
            country=profiles[pk].holiday_country if pk in profiles else organisation.country,
            subdivision=profiles[pk].holiday_subdivision if pk in profiles else "",
            patterns=patterns[pk],
            absences=absences[pk],
        )
        for pk in staff
    }
    needs = {n.client_id: n for n in ClientNeeds.objects.filter(client__in=clients)}

    working_days = [
        today + timedelta(days=i)
        for i in range(DAYS_AHEAD + 1)
        if (today + timedelta(days=i)).weekday() < 5
        and not public_holiday(organisation.country, "", today + timedelta(days=i))
    ]
    carried: dict[int, Decimal] = defaultdict(Decimal)  # person → hours a week over all their clients
    share: dict[int, Decimal] = {}
    for client_id, members in teams.items():
        client_needs = needs.get(client_id)
        if client_needs and client_needs.hours_per_week and members:
            share[client_id] = Decimal(client_needs.hours_per_week) / max(1, client_needs.team_size)
            for pk in members:
                carried[pk] += share[client_id]
    capacity = {(pk, week): people[pk].capacity(week) for pk in staff for week in (monday, monday + timedelta(days=7))}

    warnings: list[CoverageWarning] = []
    for client in clients:
        members = teams.get(client.pk, [])
        run: list[date] = []
        for day in [*working_days, None]:
            if day is not None and all(people[pk].away(day) is not None for pk in members):
                run.append(day)
                continue
            if run:
                warnings.append(
                    CoverageWarning(
                        organisation=organisation,
                        client=client,
                        kind=CoverageWarning.Kind.NOBODY_THERE,
                        start_date=run[0],
                        end_date=run[-1],
                    )
                )
                run = []
        client_needs = needs.get(client.pk)
        if not client_needs or not client_needs.hours_per_week or not members:
            continue
        for week in (monday, monday + timedelta(days=7)):
            free = sum(
                (
                    max(Decimal(0), capacity[(pk, week)] - (carried[pk] - share.get(client.pk, Decimal(0))))
                    for pk in members
                ),
                Decimal(0),
            )
            if Decimal(client_needs.hours_per_week) > free:
                warnings.append(
                    CoverageWarning(
                        organisation=organisation,
                        client=client,
                        kind=CoverageWarning.Kind.TOO_LITTLE_ROOM,
                        start_date=week,
                        end_date=week + timedelta(days=6),
                        needed=Decimal(client_needs.hours_per_week),
                        free=free.quantize(Decimal("0.01")),
                    )
                )
    return warnings


def coverage_refresh(*, organisation: Organisation, today: date) -> int:
    """Replace the organisation's kept warnings with today's check; returns how many there are."""
    warnings = coverage_check(organisation, today=today)
    with transaction.atomic():
        CoverageWarning.objects.filter(organisation=organisation).delete()
        CoverageWarning.objects.bulk_create(warnings)
    return len(warnings)
