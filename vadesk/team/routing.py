"""Absence-aware routing: work that arrives goes to the first present member of the client's team, in order.

Installed as the tasks app's router in `TeamConfig.ready()`, so every channel that lets the routing rule
choose (portal requests, mail filed as a new task, API requests, recurring tasks) uses it.

Present on the moment the work is for (now, or a recurring task's due time), in the organisation's zone,
by the rule in `vadesk.team.presence` (approved absences, the work pattern, public holidays).
When the task's category has a skill level set in the client's needs, only a member with that skill at that
level or higher fits. A recurring task that names people keeps those of them who are present. If nobody
fits, the task goes to the owners' queue, never silently to someone away. One query for the whole team.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import JSONField, OuterRef, Subquery

from vadesk.accounts.models import Person
from vadesk.clients.models import Client
from vadesk.tasks.routing import Away, Route, Rule, owners_of, staff_team
from vadesk.team import presence
from vadesk.team.models import Absence, ClientNeeds, Profile, WorkPattern


def absence_aware_route(*, client: Client, category: str, at: datetime, preferred: Iterable[Person] = ()) -> Route:
    local = at.astimezone(ZoneInfo(client.organisation.time_zone))
    day = local.date()
    absences = Absence.objects.filter(
        organisation_id=client.organisation_id,
        person_id=OuterRef("person_id"),
        status=Absence.Status.APPROVED,
        start_date__lte=day,
        end_date__gte=day,
    ).order_by("start_date", "pk")
    profiles = Profile.objects.filter(organisation_id=client.organisation_id, person_id=OuterRef("person_id"))
    patterns = WorkPattern.objects.filter(
        profile__organisation_id=client.organisation_id, profile__person_id=OuterRef("person_id"), valid_from__lte=day
    ).order_by("-valid_from")
    team: list[Any] = staff_team(  # each member annotated with what the rule reads
        client,
        absent_part=Subquery(absences.values("part")[:1]),
        absent_until=Subquery(absences.values("end_date")[:1]),
        skills=Subquery(profiles.values("skills")[:1], output_field=JSONField()),
        country=Subquery(profiles.values("holiday_country")[:1]),
        subdivision=Subquery(profiles.values("holiday_subdivision")[:1]),
        pattern=Subquery(patterns.values("days")[:1], output_field=JSONField()),
        needs=Subquery(
            ClientNeeds.objects.filter(client_id=OuterRef("client_id")).values("needs")[:1], output_field=JSONField()
        ),
    )
    wanted = {p.pk for p in preferred}
    needed = int(((team[0].needs or {}) if team else {}).get(category) or 0)
    away: list[Away] = []
    present: list[Person] = []
    for member in team:
        why = presence.away(
            day,
            moment=local.time(),
            absence_part=member.absent_part,
            pattern_days=member.pattern,
            country=member.country or client.organisation.country,
            subdivision=member.subdivision or "",
        )
        if why is not None:
            name = member.person.first_name or str(member.person)
            away.append(Away(name=name, until=member.absent_until if why == presence.Why.ABSENT else None))
            continue
        if needed and int((member.skills or {}).get(category) or 0) < needed:
            continue
        present.append(member.person)
    skill = category if needed else ""
    kept = [p for p in present if p.pk in wanted]
    if kept:  # a recurring task's named people who are present keep it; those away hand it to them
        return Route(people=kept, rule=Rule.KEPT, away=away, skill=skill)
    if present:
        return Route(people=present[:1], rule=Rule.FIRST_PRESENT, away=away, skill=skill)
    return Route(people=owners_of(client), rule=Rule.OWNERS, away=away, skill=skill)
