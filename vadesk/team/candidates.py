"""Candidates for a client's team: the hard rules, then the ranked criteria of `matching`, read from the database.

Hard rules (an assistant failing one is listed as excluded, with the reason): speaks the client's language at
`working` or better; has free capacity for their share of the expected hours, on average over the next 4
weeks (capacity minus the shares they carry for the clients they are already on); is not away for most of
the working days of the first 2 weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Sum
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Membership, Person
from vadesk.clients.models import Assignment, Client
from vadesk.clients.scoping import clients_for
from vadesk.team import capacity, matching
from vadesk.team.models import ClientNeeds, Interest, LanguageLevel, Profile
from vadesk.timesheets.models import TimeEntry


@dataclass(frozen=True)
class Row:
    person: Person
    score: int
    reasons: tuple[matching.Reason, ...]
    free_per_week: Decimal
    share: Decimal
    excluded: str = ""  # why a hard rule rules them out; empty for a candidate
    interest_note: str = ""
    interest_answer: str = ""


def needs_of(client: Client) -> ClientNeeds:
    found = ClientNeeds.objects.filter(client=client).first()
    return found or ClientNeeds(client=client)


def _case_client(client: Client, needs: ClientNeeds) -> matching.Client:
    """The client as the matcher reads it: language, needs, sector, hours, team size, on-site region."""
    return matching.Client(
        id=str(client.pk),
        language=client.preferred_language,
        needs=dict(needs.needs),
        sector=needs.sector,
        hours_per_week=_fraction(Decimal(needs.hours_per_week)),
        team_size=max(1, needs.team_size),
        region=needs.region,
        on_site=needs.on_site,
    )


@dataclass(frozen=True)
class Room:
    free: Decimal  # hours a week free on average over the next 4 weeks, to the cent; may be negative
    away_most: bool  # away on most working days of the first 2 weeks


def room_of(organisation, person: Person, monday: date, *, excluding: Client | None = None) -> Room:
    """The hard rules' reading of a person: capacity over 4 weeks minus the shares they carry, and who is away."""
    days = capacity.days(organisation, person, monday, monday + timedelta(days=27))
    per_week = sum((d.capacity for d in days), Decimal(0)) / 4
    free = (per_week - committed_per_week(person, organisation.pk, excluding=excluding)).quantize(Decimal("0.01"))
    working = [d for d in days[:14] if d.pattern and not d.holiday]
    away_most = bool(working) and len([d for d in working if d.absences]) * 2 > len(working)
    return Room(free=free, away_most=away_most)


def sector_experience(
    staff: list[Person], sectors: dict[int, str], wanted: set[str], *, leaving_out: set[int]
) -> dict[int, dict[str, Fraction]]:
    """Hours each person logged on clients of each wanted sector (the clients being matched left out): one query
    a sector for the whole staff."""
    found: dict[int, dict[str, Fraction]] = {}
    for sector in wanted:
        same = [pk for pk, s in sectors.items() if s == sector and pk not in leaving_out]
        rows = (
            TimeEntry.objects.filter(person__in=staff, engagement__client_id__in=same)
            .values("person")
            .annotate(minutes=Sum("worked_minutes"))
            .values_list("person", "minutes")
            .order_by()
        )
        for person_id, minutes in rows:
            found.setdefault(person_id, {})[sector] = Fraction(minutes or 0, 60)
    return found


def committed_per_week(person: Person, organisation_id: int, *, excluding: Client | None = None) -> Decimal:
    """The hours a week the person carries for the clients they are on (each client's hours / team size)."""
    total = Decimal(0)
    rows = Assignment.objects.filter(person=person, client__organisation_id=organisation_id).select_related(
        "client__team_needs"
    )
    for row in rows:
        if excluding is not None and row.client_id == excluding.pk:
            continue
        needs = getattr(row.client, "team_needs", None)
        if needs is not None and needs.team_size:
            total += Decimal(needs.hours_per_week) / needs.team_size
    return total


def _fraction(value: Decimal) -> Fraction:
    return Fraction(str(value))


def candidates_for(*, by: Person, client: Client, today: date) -> list[Row]:
    """Everyone on the organisation's staff, candidates first (best score first), then the excluded."""
    if client.organisation_id not in reach_of(by).owner_of:
        raise PermissionDenied(_("Only an owner of the organisation can do this."))
    organisation = client.organisation
    needs = needs_of(client)
    team_size = max(1, needs.team_size)
    hours = Decimal(needs.hours_per_week)
    share = (hours / team_size).quantize(Decimal("0.01"))
    staff = [
        m.person
        for m in Membership.objects.filter(
            organisation=organisation,
            is_active=True,
            role__in=[Membership.Role.ASSISTANT, Membership.Role.OWNER],
        )
        .select_related("person")
        .order_by("person__full_name")
    ]
    profiles = {p.person_id: p for p in Profile.objects.filter(organisation=organisation)}
    interest = {i.person_id: i for i in Interest.objects.filter(client=client)}
    sectors = dict(ClientNeeds.objects.filter(client__organisation=organisation).values_list("client_id", "sector"))
    case_client = _case_client(client, needs)
    monday = today - timedelta(days=today.weekday())
    wanted_sectors = {needs.sector} - {""}
    experience = sector_experience(staff, sectors, wanted_sectors, leaving_out={client.pk})
    rows: list[Row] = []
    for person in staff:
        profile = profiles.get(person.pk) or Profile(organisation=organisation, person=person)
        room = room_of(organisation, person, monday, excluding=client)
        free = room.free
        sector_hours = {sector: experience.get(person.pk, {}).get(sector, Fraction(0)) for sector in wanted_sectors}
        answer = interest.get(person.pk)
        assistant = matching.Assistant(
            id=str(person.pk),
            languages=dict(profile.languages),
            skills=dict(profile.skills),
            sectors=frozenset(profile.sectors),
            free_hours_per_week=_fraction(max(free, Decimal(0))),
            interest={case_client.id: answer.answer} if answer and answer.answer in matching.INTEREST_ANSWERS else {},
            region=profile.region,
            sector_hours=sector_hours,
        )
        reasons = matching.reasons(assistant, case_client)
        excluded = ""
        if not matching.speaks(assistant, case_client.language):
            excluded = _("does not speak %(language)s at working level") % {
                "language": language_name(case_client.language)
            }
        elif free < share:
            excluded = _("%(free)s h/wk free, %(needed)s needed") % {"free": free, "needed": share}
        elif room.away_most:
            excluded = _("away for most of the first two weeks")
        rows.append(
            Row(
                person=person,
                score=sum(r.points for r in reasons),
                reasons=reasons,
                free_per_week=free,
                share=share,
                excluded=excluded,
                interest_note=answer.note if answer else "",
                interest_answer=str(answer.get_answer_display()) if answer else "",
            )
        )
    rows.sort(key=lambda r: (bool(r.excluded), -r.score, r.person.full_name))
    return rows


def language_name(code: str) -> str:
    names = {"nl": _("Dutch"), "de": _("German"), "en": _("English"), "fr": _("French")}
    return names.get(code, code)


def reason_text(reason: matching.Reason) -> str:
    """One criterion's points in words, in the active language ("+30 German native")."""
    points = f"+{reason.points}" if reason.points >= 0 else f"−{-reason.points}"
    if reason.criterion == "language":
        level = LanguageLevel(reason.level).label if reason.level in LanguageLevel.values else reason.level
        text = _("%(language)s %(level)s") % {"language": language_name(reason.subject), "level": level}
    elif reason.criterion == "skill":
        text = _("%(skill)s level %(level)s (%(required)s needed)") % {
            "skill": reason.subject,
            "level": reason.level,
            "required": reason.required,
        }
    elif reason.criterion == "sector":
        text = _("sector %(sector)s") % {"sector": reason.subject}
    elif reason.criterion == "experience":
        text = _("%(hours)s h logged for %(sector)s clients") % {"hours": reason.level, "sector": reason.subject}
    elif reason.criterion == "region":
        text = _("region %(region)s (on-site work)") % {"region": reason.subject}
    elif reason.criterion == "interest":
        answer = {"yes": _("would like this client"), "maybe": _("maybe interested"), "no": _("not interested")}
        text = answer.get(reason.level, reason.level)
    else:
        text = reason.criterion
    return f"{points} {text}"


def clients_waiting(*, by: Person, organisation_id: int) -> list[Client]:
    """New clients to match: the organisation's active clients with needs and no team, or a team smaller than
    the team size their needs ask for; the oldest first (the longest waiting), at most a page's worth."""
    rows = (
        clients_for(by, write=True, organisation=organisation_id)
        .active()
        .filter(team_needs__isnull=False)
        .annotate(members=Count("assignments"))
        .filter(members__lt=F("team_needs__team_size"))
        .select_related("team_needs")
        .order_by("created_at", "pk")
    )
    return list(rows[:WAITING_SHOWN])


WAITING_SHOWN = 200
MAX_BATCH = 50  # clients in one batch: an agency's intake, far below what the solver handles in time


def match_clients(*, by: Person, clients: list[Client], today: date) -> matching.Result:
    """Batch mode (issue 14 point 7): the optimal teams for several clients at once, from the database.

    Each staff member's free hours a week are their average capacity over the next 4 weeks minus the shares
    they carry (as on the *Candidates* page); whoever is away most of the first 2 weeks has none. Each
    client's needs, sector, hours, team size, on-site region and the team's answers to "ask the team" go into
    the case; `matching.match` then serves the most clients, then the highest sum of scores. A proposal: no
    team is changed (the owner saves it on the client's *Team* page)."""
    if not clients:
        return matching.match([], [])
    organisation = clients[0].organisation
    if organisation.pk not in reach_of(by).owner_of or any(c.organisation_id != organisation.pk for c in clients):
        raise PermissionDenied(_("Only an owner of the organisation can do this."))
    wanted = {c.pk: needs_of(c) for c in clients}
    case_clients = [_case_client(c, wanted[c.pk]) for c in clients]
    answers: dict[int, dict[str, str]] = {}
    for row in Interest.objects.filter(client__in=clients, answer__in=matching.INTEREST_ANSWERS):
        answers.setdefault(row.person_id, {})[str(row.client_id)] = row.answer
    batch_sectors = {c.sector for c in case_clients if c.sector}
    sectors = dict(ClientNeeds.objects.filter(client__organisation=organisation).values_list("client_id", "sector"))
    profiles = {p.person_id: p for p in Profile.objects.filter(organisation=organisation)}
    monday = today - timedelta(days=today.weekday())
    staff = [
        m.person
        for m in Membership.objects.filter(
            organisation=organisation, is_active=True, role__in=[Membership.Role.ASSISTANT, Membership.Role.OWNER]
        ).select_related("person")
    ]
    experience = sector_experience(staff, sectors, batch_sectors, leaving_out=set(wanted))
    assistants = []
    for person in staff:
        profile = profiles.get(person.pk) or Profile(organisation=organisation, person=person)
        room = room_of(organisation, person, monday)
        away_most, free = room.away_most, room.free
        logged = {sector: experience.get(person.pk, {}).get(sector, Fraction(0)) for sector in batch_sectors}
        assistants.append(
            matching.Assistant(
                id=str(person.pk),
                languages=dict(profile.languages),
                skills=dict(profile.skills),
                sectors=frozenset(profile.sectors),
                free_hours_per_week=Fraction(0) if away_most else _fraction(max(free, Decimal(0))),
                interest=answers.get(person.pk, {}),
                region=profile.region,
                sector_hours=logged,
            )
        )
    return matching.match(assistants, case_clients)
