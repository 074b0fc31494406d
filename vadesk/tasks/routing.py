"""Who gets work that arrives for a client: one rule for every channel (portal, mail, API, recurring tasks).

The tasks app knows the client's team but not who is away: by default the work goes to the client's lead
assistants who are still on the team. The team app, which knows absences, work patterns and skills,
installs its own router in its `AppConfig.ready()` (tasks may not import team; team sits beside it).
Whatever router decides, the decision is kept with the task (`RoutingNote`) and shown in its history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from vadesk.accounts.models import Membership, Person
from vadesk.clients.models import Assignment, Client


class Rule:
    LEADS = "leads"  # nobody is known to be away: the client's leads
    FIRST_PRESENT = "first_present"  # the first present member of the team, in the order of cover
    KEPT = "kept"  # the people a recurring task names, all present
    OWNERS = "owners"  # nobody on the team fits: the owners' queue
    # Open work at the start and end of an absence (issue 14 point 5, vadesk.team.cover):
    COVER = "cover"  # the cover was added beside the absent assignee
    HAND_OVER = "hand_over"  # the cover took the task over from the absent assignee
    RETURNED = "returned"  # the absence ended and the untouched task went back
    KEPT_BY_COVER = "kept_by_cover"  # the absence ended but the cover worked on it: it stays as it is


class Channel:
    """What arrived, when it is not a new task (kept in the reason, so that the history can say it)."""

    FOLLOW_UP = "follow_up"  # a follow-up that fell due, for whoever wrote it
    APPOINTMENT = "appointment"  # a client's appointment coming up, for whoever booked it


@dataclass(frozen=True)
class Away:
    name: str
    until: date | None  # None: not working that day (work pattern or public holiday)


@dataclass(frozen=True)
class Route:
    people: list[Person]
    rule: str
    away: list[Away] = field(default_factory=list)
    skill: str = ""  # the skill the category needed, when it decided
    channel: str = ""  # `Channel`, when what arrived was not a new task

    def reason(self) -> dict[str, Any]:
        reason = {
            "rule": self.rule,
            "to": [str(p) for p in self.people],
            "away": [[a.name, a.until.isoformat() if a.until else ""] for a in self.away],
            "skill": self.skill,
        }
        return {**reason, "channel": self.channel} if self.channel else reason


Router = Callable[..., Route]


def staff_team(client: Client, **annotations: Any) -> list[Assignment]:
    """The client's team members who are still active staff of its organisation, in the order of cover.

    `annotations` let a router read what it needs about each member in the same query.
    """
    staff = Membership.objects.filter(
        organisation_id=client.organisation_id,
        is_active=True,
        role__in=[Membership.Role.OWNER, Membership.Role.ASSISTANT],
    ).values("person_id")
    members = client.assignments.in_cover_order().filter(person__in=staff).select_related("person")
    return list(members.annotate(**annotations) if annotations else members)


def owners_of(client: Client) -> list[Person]:
    return list(
        Person.objects.filter(
            memberships__organisation_id=client.organisation_id,
            memberships__is_active=True,
            memberships__role=Membership.Role.OWNER,
        ).order_by("pk")
    )


def leads_route(*, client: Client, category: str, at: datetime, preferred: Iterable[Person] = ()) -> Route:
    """The rule without absences: the people a recurring task names, else the client's leads, else the owners."""
    preferred = list(preferred)
    if preferred:
        return Route(people=preferred, rule=Rule.KEPT)
    leads = [a.person for a in staff_team(client) if a.role == Assignment.Role.LEAD]
    if leads:
        return Route(people=leads, rule=Rule.LEADS)
    return Route(people=owners_of(client), rule=Rule.OWNERS)


_router: list[Router] = [leads_route]


def install(router: Router) -> None:
    """The team app's absence-aware router replaces the default (idempotent: ready() may run twice)."""
    _router[:] = [router]


def route(*, client: Client, category: str, at: datetime, preferred: Iterable[Person] = ()) -> Route:
    return _router[0](client=client, category=category, at=at, preferred=preferred)


def describe(reason: dict[str, Any]) -> str:
    """One line of the task's history, in the reader's language: "Sanne away until 14 Dec → Noor"."""
    names = ", ".join(reason.get("to") or []) or _("nobody")
    away = []
    for name, until in reason.get("away") or []:
        if until:
            away.append(
                _("%(name)s away until %(date)s")
                % {"name": name, "date": formats.date_format(date.fromisoformat(until), "SHORT_DATE_FORMAT")}
            )
        else:
            away.append(_("%(name)s not working") % {"name": name})
    rule = reason.get("rule")
    if rule == Rule.OWNERS:
        text = _("nobody on the team can take it → the owners' queue (%(names)s)") % {"names": names}
    elif rule == Rule.FIRST_PRESENT:
        text = _("→ %(names)s, first present in the order of cover") % {"names": names}
    elif rule == Rule.KEPT and reason.get("channel") == Channel.FOLLOW_UP:
        text = _("→ %(names)s, who wrote the follow-up") % {"names": names}
    elif rule == Rule.KEPT and reason.get("channel") == Channel.APPOINTMENT:
        text = _("→ %(names)s, who booked the appointment") % {"names": names}
    elif rule == Rule.KEPT:
        text = _("→ %(names)s, as the recurring task says") % {"names": names}
    elif rule == Rule.COVER:
        text = _("→ %(names)s added to cover, the assignee stays") % {"names": names}
    elif rule == Rule.HAND_OVER:
        text = _("→ handed over to %(names)s for the absence") % {"names": names}
    elif rule == Rule.RETURNED:
        text = _("the absence is over → back to %(names)s") % {"names": names}
    elif rule == Rule.KEPT_BY_COVER:
        text = _("the absence is over; worked on meanwhile, so it stays with %(names)s") % {"names": names}
    else:
        text = _("→ %(names)s, the client's lead") % {"names": names}
    if reason.get("skill"):
        text += " · " + _("needs %(skill)s") % {"skill": reason["skill"]}
    what = {Channel.FOLLOW_UP: [_("follow-up due")], Channel.APPOINTMENT: [_("appointment")]}
    return " · ".join([*what.get(reason.get("channel") or "", []), *away, text])
