"""Team and continuity (issue 14.10): profiles, absences, the team calendar, a client's cover and its candidates.

The same scoping helpers and services as the team pages (vadesk/team/scoping.py, services.py): staff of an
organisation reach its team; an assistant reads and edits their own profile and absences, an owner everyone's;
the type (and note) of an absence only owners and the absent person see; client users reach none of it.
"""

from __future__ import annotations

import calendar as calendar_module
from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Membership, Organisation, Person
from vadesk.api.auth import person_of
from vadesk.api.owners import owned_organisation
from vadesk.api.patching import changes
from vadesk.api.types import ClientRef, Day, Id, Input, MeOrId, Money, PersonRef, Timestamp
from vadesk.clients.scoping import client_for
from vadesk.tasks.routing import staff_team
from vadesk.team import candidates, scoping, services
from vadesk.team.capacity import capacity
from vadesk.team.models import Absence, HolidayCountry, LanguageLevel, Profile, WorkPattern
from vadesk.team.utilisation import Row, Week, utilisation_for

router = Router(tags=["team"])

Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM; default this month")]


def _organisation(person: Person, organisation_id: int) -> Organisation:
    """The organisation when the person is on its staff; 404 for anyone else (client users included)."""
    if organisation_id not in reach_of(person).staff_of:
        raise Http404
    return Organisation.objects.get(pk=organisation_id)


def _staff(organisation: Organisation) -> list[Person]:
    members = Membership.objects.filter(
        organisation=organisation, is_active=True, role__in=[Membership.Role.OWNER, Membership.Role.ASSISTANT]
    )
    return [m.person for m in members.select_related("person").order_by("person__full_name", "person_id")]


# Profiles


class ProfileOut(Schema):
    person: PersonRef
    skills: dict[str, int]
    languages: dict[str, str]
    sectors: list[str]
    region: str
    holiday_country: str
    holiday_subdivision: str
    target_utilisation: int
    work_pattern: dict[str, list[str]] = Field(
        description="Hours per weekday in force today: {'mon': ['09:00', '15:00']}"
    )
    capacity_this_week: Money = Field(description="Work pattern − approved absences − public holidays, in hours")


class ProfilePatch(Input):
    """Only the fields sent are changed."""

    skills: dict[str, int] | None = Field(None, description="Task category key or free skill → level 1–5")
    languages: dict[str, LanguageLevel] | None = None
    sectors: list[str] | None = None
    region: Annotated[str, Field(max_length=100)] | None = None
    holiday_country: HolidayCountry | None = None
    holiday_subdivision: Annotated[str, Field(max_length=10)] | None = None
    target_utilisation: int | None = None


def _profile_out(organisation: Organisation, person: Person) -> ProfileOut:
    profile = services.profile_of(organisation, person)
    today = timezone.localdate()
    pattern = (
        WorkPattern.objects.filter(profile=profile, valid_from__lte=today).order_by("-valid_from").first()
        if profile.pk
        else None
    )
    return ProfileOut(
        person=PersonRef(id=person.pk, full_name=person.full_name),
        skills=profile.skills or {},
        languages=profile.languages or {},
        sectors=profile.sectors or [],
        region=profile.region,
        holiday_country=profile.holiday_country,
        holiday_subdivision=profile.holiday_subdivision,
        target_utilisation=profile.target_utilisation,
        work_pattern=pattern.days if pattern else {},
        capacity_this_week=capacity(organisation, person, today),
    )


@router.get("/organisations/{organisation_id}/team/profiles", response=list[ProfileOut])
def list_profiles(request: HttpRequest, organisation_id: Id):
    """An owner reads everyone's profile, an assistant their own."""
    person = person_of(request)
    organisation = _organisation(person, organisation_id)
    people = _staff(organisation) if organisation.pk in reach_of(person).owner_of else [person]
    return [_profile_out(organisation, p) for p in people]


@router.get("/organisations/{organisation_id}/team/profiles/{person_id}", response=ProfileOut)
def get_profile(request: HttpRequest, organisation_id: Id, person_id: Id):
    person = person_of(request)
    organisation = _organisation(person, organisation_id)
    member = scoping.staff_member_for(person, person_id, organisation_id=organisation.pk)
    return _profile_out(organisation, member)


@router.patch("/organisations/{organisation_id}/team/profiles/{person_id}", response=ProfileOut)
def update_profile(request: HttpRequest, organisation_id: Id, person_id: Id, payload: ProfilePatch):
    person = person_of(request)
    organisation = _organisation(person, organisation_id)
    member = scoping.staff_member_for(person, person_id, organisation_id=organisation.pk)
    services.profile_update(by=person, organisation=organisation, person=member, **changes(payload, Profile))
    return _profile_out(organisation, member)


# Absences


class AbsenceOut(Schema):
    id: int
    person: PersonRef
    kind: Absence.Kind | None = Field(description="Owners and the absent person only; null for colleagues")
    start_date: date
    end_date: date
    part: Absence.Part
    hours: Money | None
    status: Absence.Status
    note: str = Field(description="Owners and the absent person only; empty for colleagues")
    decided_by: PersonRef | None
    decided_at: Timestamp | None


class AbsenceIn(Input):
    person: MeOrId = Field("me", description="`me`, or (for an owner) a staff member's id")
    kind: Absence.Kind
    start_date: Day
    end_date: Day
    part: Absence.Part = Absence.Part.WHOLE
    hours: Annotated[Decimal, Field(ge=0, le=24, max_digits=4, decimal_places=2)] | None = None
    note: Annotated[str, Field(max_length=300)] = ""


class DecisionIn(Input):
    approve: bool = Field(description="true approves the requested absence, false declines it")


class AbsenceFilters(Input):
    status: Absence.Status | None = None
    person: MeOrId | None = None


def _absence_out(viewer: Person, absence: Absence) -> AbsenceOut:
    shown = scoping.shows_kind(viewer, absence)
    decider = absence.decided_by
    return AbsenceOut(
        id=absence.pk,
        person=PersonRef(id=absence.person.pk, full_name=absence.person.full_name),
        kind=Absence.Kind(absence.kind) if shown else None,
        start_date=absence.start_date,
        end_date=absence.end_date,
        part=Absence.Part(absence.part),
        hours=absence.hours,
        status=Absence.Status(absence.status),
        note=absence.note if shown else "",
        decided_by=PersonRef(id=decider.pk, full_name=decider.full_name) if decider else None,
        decided_at=absence.decided_at,
    )


@router.get("/organisations/{organisation_id}/absences", response=list[AbsenceOut])
def list_absences(request: HttpRequest, organisation_id: Id, filters: Query[AbsenceFilters]):
    """An owner's list is everyone's (to approve); an assistant's is their own. The team calendar shows all."""
    person = person_of(request)
    organisation = _organisation(person, organisation_id)
    rows = scoping.absences_for(person, organisation.pk).select_related("person", "decided_by")
    if organisation.pk not in reach_of(person).owner_of:
        rows = rows.filter(person=person)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.person is not None:
        rows = rows.filter(person_id=person.pk if filters.person == "me" else filters.person)
    return [_absence_out(person, a) for a in rows.order_by("-start_date", "-pk")[:500]]


@router.post("/organisations/{organisation_id}/absences", response={201: AbsenceOut})
def request_absence(request: HttpRequest, organisation_id: Id, payload: AbsenceIn):
    """An assistant requests their own (an owner approves); an owner registers anyone's, approved at once."""
    person = person_of(request)
    organisation = _organisation(person, organisation_id)
    absent = (
        person
        if payload.person == "me"
        else scoping.staff_member_for(person, payload.person, organisation_id=organisation.pk)
    )
    absence = services.absence_request(
        by=person,
        organisation=organisation,
        person=absent,
        kind=payload.kind,
        start_date=payload.start_date,
        end_date=payload.end_date,
        part=payload.part,
        hours=payload.hours,
        note=payload.note,
    )
    return _absence_out(person, absence)


@router.post("/absences/{absence_id}/decision", response=AbsenceOut)
def decide_absence(request: HttpRequest, absence_id: Id, payload: DecisionIn):
    """Owners approve or decline a requested absence; an assistant never decides on their own (403)."""
    person = person_of(request)
    absence = _absence_in_reach(person, absence_id)
    absence = services.absence_decide(by=person, absence=absence, approve=payload.approve)
    return _absence_out(person, Absence.objects.select_related("person", "decided_by").get(pk=absence.pk))


def _absence_in_reach(person: Person, absence_id: int) -> Absence:
    organisation_id = Absence.objects.filter(pk=absence_id).values_list("organisation_id", flat=True).first()
    if organisation_id is None:
        raise Http404
    return scoping.absence_for(person, absence_id, organisation_id=organisation_id)


# The team calendar


class AwayOut(Schema):
    absence_id: int
    start_date: date
    end_date: date
    part: Absence.Part
    status: Absence.Status = Field(description="requested absences are shown too, as pending")
    label: str = Field(description="The type for owners and the absent person, else “away”, in the reader's language")
    kind: Absence.Kind | None = Field(description="Owners and the absent person only")


class CalendarRowOut(Schema):
    person: PersonRef
    away: list[AwayOut]


class TeamCalendarOut(Schema):
    month: str
    first_day: date
    last_day: date
    people: list[CalendarRowOut]


@router.get("/organisations/{organisation_id}/team/calendar", response=TeamCalendarOut)
def team_calendar(request: HttpRequest, organisation_id: Id, month: Month | None = None):
    """Who of the organisation's staff is away when in one month (requested and approved absences)."""
    person = person_of(request)
    organisation = _organisation(person, organisation_id)
    first = date.fromisoformat(f"{month}-01") if month else timezone.localdate().replace(day=1)
    last = first.replace(day=calendar_module.monthrange(first.year, first.month)[1])
    absences = list(
        scoping.absences_for(person, organisation.pk).standing().overlapping(first, last).order_by("start_date")
    )
    rows = []
    for member in _staff(organisation):
        away = []
        for a in (a for a in absences if a.person_id == member.pk):
            a.person = member
            shown = scoping.shows_kind(person, a)
            away.append(
                AwayOut(
                    absence_id=a.pk,
                    start_date=a.start_date,
                    end_date=a.end_date,
                    part=Absence.Part(a.part),
                    status=Absence.Status(a.status),
                    label=scoping.absence_label(person, a),
                    kind=Absence.Kind(a.kind) if shown else None,
                )
            )
        rows.append(CalendarRowOut(person=PersonRef(id=member.pk, full_name=member.full_name), away=away))
    return TeamCalendarOut(month=first.strftime("%Y-%m"), first_day=first, last_day=last, people=rows)


# A client's cover and candidates


class CoverMemberOut(Schema):
    position: int = Field(description="1 is the lead: who gets work first, then 2, 3 … when the one before is away")
    person: PersonRef
    role: str
    away_until: date | None = Field(description="Away today (an approved absence) until this day; null when there")


class CoverOut(Schema):
    client: ClientRef
    team: list[CoverMemberOut]


@router.get("/clients/{client_id}/cover", response=CoverOut)
def client_cover(request: HttpRequest, client_id: Id):
    """The client's team in the order of cover, and who of it is away today (never why)."""
    person = person_of(request)
    client = client_for(person, client_id, write=True)
    today = timezone.localdate()
    team = staff_team(client)
    away = dict(
        Absence.objects.filter(
            organisation_id=client.organisation_id,
            person_id__in=[a.person_id for a in team],
            status=Absence.Status.APPROVED,
            part=Absence.Part.WHOLE,
            start_date__lte=today,
            end_date__gte=today,
        ).values_list("person_id", "end_date")
    )
    return CoverOut(
        client=ClientRef(id=client.pk, name=client.name),
        team=[
            CoverMemberOut(
                position=n,
                person=PersonRef(id=a.person.pk, full_name=a.person.full_name),
                role=a.role,
                away_until=away.get(a.person_id),
            )
            for n, a in enumerate(team, start=1)
        ],
    )


class ReasonOut(Schema):
    criterion: str
    points: int
    text: str = Field(description="The points in words, in the reader's language: “+30 German native”")


class CandidateOut(Schema):
    person: PersonRef
    score: int = Field(description="The sum of the reasons' points")
    reasons: list[ReasonOut]
    free_per_week: Money
    share: Money = Field(description="The hours a week this client would take of them: hours / team size")
    excluded: str = Field(description="Why a hard rule rules them out; empty for a candidate")
    interest_answer: str
    interest_note: str


@router.get("/clients/{client_id}/candidates", response=list[CandidateOut])
def client_candidates(request: HttpRequest, client_id: Id):
    """Owners only: the staff ranked for the client's team, candidates first, each with the points per criterion."""
    person = person_of(request)
    client = client_for(person, client_id, write=True)
    rows = candidates.candidates_for(by=person, client=client, today=timezone.localdate())
    return [_candidate_out(row) for row in rows]


def _candidate_out(row: Any) -> CandidateOut:
    return CandidateOut(
        person=PersonRef(id=row.person.pk, full_name=row.person.full_name),
        score=row.score,
        reasons=[
            ReasonOut(criterion=r.criterion, points=r.points, text=candidates.reason_text(r)) for r in row.reasons
        ],
        free_per_week=row.free_per_week,
        share=row.share,
        excluded=row.excluded,
        interest_answer=row.interest_answer,
        interest_note=row.interest_note,
    )


# Utilisation (issue 14.9)


def _hours(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


class UtilisationWeekOut(Schema):
    week: str = Field(description="ISO week: 2026-W47")
    monday: date
    forecast: bool = Field(description="A week from next week on: compare planned with capacity")
    capacity: Money | None = Field(description="Work pattern − approved absences − public holidays; null: not known")
    planned: Money = Field(description="retainers + appointments + recurring, in hours")
    retainers: Money
    appointments: Money
    recurring: Money
    billable: Money = Field(description="Billable hours logged")
    non_billable: Money
    utilisation: int | None = Field(description="Billable hours as a percentage of capacity")
    planned_percent: int | None


class UtilisationRowOut(Schema):
    person: PersonRef | None = Field(description="null for the whole team")
    target_utilisation: int
    weeks: list[UtilisationWeekOut] = Field(description="The past 8 weeks up to this one, then the 8 ahead")


class NotPlacedOut(Schema):
    monday: date
    hours: Money = Field(description="Retainer hours for which nobody on the client's team has room that week")


class UtilisationOut(Schema):
    this_week: date
    people: list[UtilisationRowOut]
    team: UtilisationRowOut
    not_placed: list[NotPlacedOut]


def _week_out(week: Week, forecast: bool) -> UtilisationWeekOut:
    iso = week.monday.isocalendar()
    return UtilisationWeekOut(
        week=f"{iso.year}-W{iso.week:02d}",
        monday=week.monday,
        forecast=forecast,
        capacity=None if week.capacity is None else _hours(week.capacity),
        planned=week.planned,
        retainers=_hours(week.retainers),
        appointments=_hours(week.appointments),
        recurring=_hours(week.recurring),
        billable=week.billable,
        non_billable=week.non_billable,
        utilisation=week.utilisation,
        planned_percent=week.planned_percent,
    )


def _row_out(row: Row) -> UtilisationRowOut:
    return UtilisationRowOut(
        person=PersonRef(id=row.person.pk, full_name=row.person.full_name) if row.person else None,
        target_utilisation=row.target,
        weeks=[_week_out(w, False) for w in row.weeks] + [_week_out(w, True) for w in row.forecast],
    )


@router.get("/organisations/{organisation_id}/team/utilisation", response=UtilisationOut)
def team_utilisation(request: HttpRequest, organisation_id: Id):
    """Owners only: per staff member and week, capacity, planned and logged hours, utilisation against the target,
    and the 8-week forecast; as the *Utilisation and capacity* page (an assistant: 403)."""
    person = person_of(request)
    organisation = owned_organisation(person, organisation_id)
    today = timezone.localdate(timezone=ZoneInfo(organisation.time_zone))
    figures = utilisation_for(by=person, organisation=organisation, today=today)
    return UtilisationOut(
        this_week=figures.this_week,
        people=[_row_out(row) for row in figures.people],
        team=_row_out(figures.team),
        not_placed=[NotPlacedOut(monday=m, hours=h) for m, h in sorted(figures.not_placed.items())],
    )


# Batch matching and the coverage check (owners)


class MatchIn(Input):
    clients: list[Id] = Field(
        min_length=1, max_length=candidates.MAX_BATCH, description="The new clients to find teams for, at once"
    )


class MatchCandidateOut(Schema):
    person: PersonRef
    score: int = Field(description="The sum of the reasons' points")
    reasons: list[ReasonOut]


class MatchOut(Schema):
    teams: dict[str, list[PersonRef]] = Field(description="Client id → the proposed team (no team is changed)")
    unassigned: list[ClientRef] = Field(description="Clients no team can be made for under the rules")
    candidates: dict[str, list[MatchCandidateOut]] = Field(
        description="Client id → who could join it on their own (language, free hours), best score first"
    )
    optimal: bool = Field(description="Proven optimal: the most clients served, then the highest sum of scores")


@router.post("/organisations/{organisation_id}/team/match", response=MatchOut)
def team_match(request: HttpRequest, organisation_id: Id, payload: MatchIn):
    """Owners only: `vadesk match` on the organisation's own data: the optimal teams for several new clients at
    once, from profiles, capacity, the clients' needs and the team's answers. A proposal: nothing is saved."""
    person = person_of(request)
    organisation = owned_organisation(person, organisation_id)
    chosen = list(organisation.clients.filter(pk__in=payload.clients).order_by("pk"))
    if len(chosen) != len(set(payload.clients)):
        raise Http404  # a client of another organisation is as unknown as one that does not exist
    result = candidates.match_clients(by=person, clients=chosen, today=timezone.localdate())
    people = {str(p.pk): p for p in _staff(organisation)}
    names = {str(c.pk): c for c in chosen}

    def ref(pk: str) -> PersonRef:
        return PersonRef(id=people[pk].pk, full_name=people[pk].full_name)

    return MatchOut(
        teams={cid: [ref(pk) for pk in team] for cid, team in result.teams.items()},
        unassigned=[ClientRef(id=names[cid].pk, name=names[cid].name) for cid in result.unassigned],
        candidates={
            cid: [
                MatchCandidateOut(
                    person=ref(c.assistant.id),
                    score=c.score,
                    reasons=[
                        ReasonOut(criterion=r.criterion, points=r.points, text=candidates.reason_text(r))
                        for r in c.reasons
                    ],
                )
                for c in found
            ]
            for cid, found in result.candidates.items()
        },
        optimal=result.optimal,
    )


class CoverageWarningOut(Schema):
    client: ClientRef
    kind: str = Field(description="`nobody`: no member of the team is there; `room`: too little free capacity")
    start_date: Day
    end_date: Day
    needed: Money | None = Field(description="Hours a week the client expects (`room` only)")
    free: Money | None = Field(description="Hours a week its team has free that week (`room` only)")


@router.get("/organisations/{organisation_id}/team/coverage", response=list[CoverageWarningOut])
def team_coverage(request: HttpRequest, organisation_id: Id):
    """Owners only: the findings of this morning's coverage check for the coming 14 days."""
    person = person_of(request)
    organisation = owned_organisation(person, organisation_id)
    rows = scoping.coverage_warnings_for(person, organisation.pk)[:500]
    return [
        CoverageWarningOut(
            client=ClientRef(id=w.client.pk, name=w.client.name),
            kind=w.kind,
            start_date=w.start_date,
            end_date=w.end_date,
            needed=w.needed,
            free=w.free,
        )
        for w in rows
    ]
