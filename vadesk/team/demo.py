"""The demo agency's team and continuity (issue 14: "the demo shows it: an assistant away this week with her backup
covering, an approved and a pending absence, a new client waiting for a match with ranked candidates").

Everything goes through the team's services, and the daily jobs' work (cover, coverage check) is run on the
loaded data, so the pages show what a real morning would: Noor's *today* page covers Van Dijk for Sanne, the
tasks' history says why, Pieter's portal says who helps him, and the owner finds the new client's candidates.
Dates are relative to the day the demo is built; the absence always covers that day, weekends too.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from vadesk.accounts.models import Membership, Organisation, Person
from vadesk.clients.models import Client
from vadesk.clients.services import client_create
from vadesk.team.cover import covers_refresh
from vadesk.team.coverage import coverage_refresh
from vadesk.team.handover import handover_note_write
from vadesk.team.models import Absence, HandoverNote
from vadesk.team.services import (
    absence_decide,
    absence_request,
    client_needs_set,
    interest_answer,
    profile_update,
    team_ask,
    work_pattern_set,
)

AGENCY_NAME = "Bureau Bijzonder"
FULL, SHORT = ["08:30", "16:30"], ["09:00", "13:00"]
PROFILES: dict[str, dict] = {
    "marieke": dict(
        languages={"nl": "native", "en": "fluent", "de": "working"}, region="Utrecht"
    ),  # no pattern: runs the agency
    "sanne": dict(
        skills={"agenda": 5, "email": 4, "travel": 4, "bookkeeping": 3, "vastgoed": 3},
        languages={"nl": "native", "en": "fluent", "de": "working"},
        sectors=["architectuur", "vastgoed"],
        region="Utrecht",
        pattern={"mon": FULL, "tue": FULL, "wed": SHORT, "thu": FULL, "fri": SHORT},  # 32 h
    ),
    "noor": dict(
        skills={"events": 4, "office": 4, "email": 4, "agenda": 3, "social": 4, "medisch": 3},
        languages={"nl": "native", "en": "fluent", "fr": "working", "de": "basic"},
        sectors=["horeca", "mobiliteit", "zorg"],
        region="Utrecht",
        pattern={
            "mon": ["09:00", "15:00"],
            "tue": ["09:00", "15:00"],
            "wed": ["09:00", "12:00"],
            "thu": ["09:00", "15:00"],
            "fri": ["09:00", "12:00"],
        },  # 24 h
    ),
    "lukas": dict(
        skills={"bookkeeping": 5, "agenda": 4, "events": 4, "DATEV": 4, "email": 2},
        languages={"de": "native", "nl": "fluent", "en": "fluent"},
        sectors=["steuerberatung", "evenementen"],
        region="Köln",
        holiday_country="DE",
        holiday_subdivision="NW",
        pattern={
            "mon": ["08:00", "16:00"],
            "tue": ["08:00", "16:00"],
            "wed": ["08:00", "16:00"],
            "thu": SHORT,
            "fri": SHORT,
        },  # 32 h
    ),
}
# Each client's expected hours a week and sector: what its team carries (candidates' free hours, coverage check).
NEEDS = {
    "Van Dijk Architecten B.V.": ("5", "architectuur"),
    "Bakkerij De Gouden Korst": ("3", "horeca"),
    "Ellen Verhoeven": ("2", ""),
    "Müller & Partner Steuerberatung GmbH": ("8", "steuerberatung"),
    "Hoffmann Events GmbH": ("6", "evenementen"),
    "Atelier Lumière BV": ("4", "design"),
    "Janssens Vastgoed NV": ("4", "vastgoed"),
    "GreenFleet Mobility B.V.": ("6", "mobiliteit"),
}
NEW_CLIENT = dict(
    name="Tandartspraktijk Zonneveld",
    kind=Client.Kind.COMPANY,
    preferred_language="nl",
    country="NL",
    email="info@tandartspraktijk-zonneveld.example",
    phone="+31 30 262 19 40",
    street="Biltstraat 118",
    postal_code="3572 BJ",
    city="Utrecht",
    vat_id="NL862419311B01",
    coc_number="30276415",
)
NEW_CLIENT_NEEDS = dict(
    needs={"agenda": 4, "email": 3, "medisch": 2},
    sector="zorg",
    hours_per_week=Decimal(8),
    team_size=2,
    on_site=True,
    region="Utrecht",
)
ANSWERS = {
    "noor": ("yes", "Ik heb twee jaar bij een huisartsenpraktijk gewerkt; de agenda van een praktijk ken ik."),
    "lukas": ("maybe", "Als het vooral agenda en mail is, graag; op locatie in Utrecht wordt lastig."),
}
SANNE_LINES = (
    "Pieter wil de bouwvergaderingen op dinsdag houden; verzet ze niet zonder hem te bellen.\n"
    "De facturen van de 25e staan klaar in het boekhoudpakket, alleen nog versturen na zijn akkoord."
)


def team_demo(organisations: list[Organisation], *, now: datetime) -> None:
    """The agency's profiles, absences, covers, handover note and a new client waiting for its team."""
    agency = next((o for o in organisations if o.name == AGENCY_NAME), None)
    if agency is None:
        return
    zone = ZoneInfo(agency.time_zone)
    today = now.astimezone(zone).date()
    people = _people(agency)
    owner = people["marieke"]
    for key, spec in PROFILES.items():
        _profile(owner, agency, people[key], spec, today)
    for client in Client.objects.filter(organisation=agency, name__in=NEEDS):
        hours, sector = NEEDS[client.name]
        client_needs_set(
            by=owner, client=client, hours_per_week=Decimal(hours), sector=sector, team_size=client.assignments.count()
        )
    _absences(agency, people, today, zone)
    covers_refresh(organisation=agency, today=today)
    note = HandoverNote.objects.filter(absence__person=people["sanne"], client__name=VAN_DIJK).first()
    if note is not None:
        handover_note_write(by=people["sanne"], note=note, own_lines=SANNE_LINES)
    _new_client(owner, agency, people)
    coverage_refresh(organisation=agency, today=today)


VAN_DIJK = "Van Dijk Architecten B.V."


def _people(organisation: Organisation) -> dict[str, Person]:
    staff = Membership.objects.filter(organisation=organisation).exclude(role=Membership.Role.CLIENT)
    return {m.person.email.split("@")[0]: m.person for m in staff.select_related("person")}


def _profile(owner: Person, organisation: Organisation, person: Person, spec: dict, today: date) -> None:
    fields = {k: v for k, v in spec.items() if k != "pattern"}
    profile_update(by=owner, organisation=organisation, person=person, **fields)
    if "pattern" in spec:
        work_pattern_set(
            by=owner,
            organisation=organisation,
            person=person,
            valid_from=today - timedelta(days=400),
            days=spec["pattern"],
        )


def away_dates(today: date) -> tuple[date, date]:
    """Sanne's holiday: from the day the demo is built to the Friday of the following working week."""
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1 if today.weekday() >= 5 else 0)
    return today, monday + timedelta(days=11)


def _absences(organisation: Organisation, people: dict[str, Person], today: date, zone: ZoneInfo) -> None:
    """Sanne away now (requested, approved), Lukas's training (approved), Noor's holiday (waiting for approval)."""
    owner, sanne, noor, lukas = people["marieke"], people["sanne"], people["noor"], people["lukas"]
    start, end = away_dates(today)
    holiday = absence_request(
        by=sanne,
        organisation=organisation,
        person=sanne,
        kind=Absence.Kind.HOLIDAY,
        start_date=start,
        end_date=end,
        note="Wintersport",
    )
    absence_decide(by=owner, absence=holiday, approve=True)
    monday = end - timedelta(days=4)
    training = absence_request(
        by=lukas,
        organisation=organisation,
        person=lukas,
        kind=Absence.Kind.TRAINING,
        start_date=monday + timedelta(days=16),  # Wednesday and Thursday, two weeks after Sanne is back
        end_date=monday + timedelta(days=17),
        note="DATEV-Schulung",
    )
    absence_decide(by=owner, absence=training, approve=True)
    absence_request(
        by=noor,
        organisation=organisation,
        person=noor,
        kind=Absence.Kind.HOLIDAY,
        start_date=monday + timedelta(days=28),
        end_date=monday + timedelta(days=32),
    )
    # Asked and decided a while ago, as an absence is.
    asked = datetime.combine(today - timedelta(days=20), time(9, 15), tzinfo=zone)
    Absence.objects.filter(pk__in=[holiday.pk, training.pk]).update(created_at=asked, decided_at=asked)


def _new_client(owner: Person, organisation: Organisation, people: dict[str, Person]) -> Client:
    """A new client without a team yet: its needs set, the team asked, two answers in."""
    client = client_create(by=owner, organisation=organisation, **NEW_CLIENT)
    client_needs_set(by=owner, client=client, **NEW_CLIENT_NEEDS)
    asked = team_ask(by=owner, client=client, people=[people["noor"], people["lukas"], people["sanne"]])
    for interest in asked:
        key = interest.person.email.split("@")[0]
        if key in ANSWERS:
            answer, note = ANSWERS[key]
            interest_answer(by=interest.person, interest=interest, answer=answer, note=note)
    return client
