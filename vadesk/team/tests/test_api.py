"""The team API: profiles, absences, the team calendar, a client's cover and candidates, with the pages' rules.

Outsiders (another organisation, a client user of acme or of another client) get 404 on every operation and
nothing changes; a colleague of the same agency who is not on acme's team reaches only what is theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from vadesk.api.main import api as vadesk_api
from vadesk.api.tests.conftest import api_as, globex, globex_user  # noqa: F401 - fixtures
from vadesk.clients.models import Assignment
from vadesk.team.models import Absence, ClientNeeds, Profile, WorkPattern
from vadesk.team.services import absence_request


@dataclass
class World:
    org_id: int
    acme_id: int
    assistant_id: int
    absence: Absence


def _day(n: int) -> str:
    return (timezone.localdate() + timedelta(days=n)).isoformat()


@pytest.fixture
def world(org, acme, assistant, owner) -> World:
    Profile.objects.create(organisation=org, person=assistant, skills={"agenda": 4}, languages={"nl": "native"})
    absence = absence_request(
        by=assistant,
        organisation=org,
        person=assistant,
        kind="sick",
        start_date=timezone.localdate() + timedelta(days=20),
        end_date=timezone.localdate() + timedelta(days=22),
        note="Griep",
    )
    return World(org.pk, acme.pk, assistant.pk, absence)


OPERATIONS = {
    "GET /api/v1/organisations/{organisation_id}/team/profiles/{person_id}": lambda w: (
        "get",
        f"/organisations/{w.org_id}/team/profiles/{w.assistant_id}",
        None,
    ),
    "PATCH /api/v1/organisations/{organisation_id}/team/profiles/{person_id}": lambda w: (
        "patch",
        f"/organisations/{w.org_id}/team/profiles/{w.assistant_id}",
        {"region": "Hacked"},
    ),
    "POST /api/v1/organisations/{organisation_id}/absences": lambda w: (
        "post",
        f"/organisations/{w.org_id}/absences",
        {"person": str(w.assistant_id), "kind": "holiday", "start_date": _day(40), "end_date": _day(41)},
    ),
    "POST /api/v1/absences/{absence_id}/decision": lambda w: (
        "post",
        f"/absences/{w.absence.pk}/decision",
        {"approve": True},
    ),
    "GET /api/v1/clients/{client_id}/cover": lambda w: ("get", f"/clients/{w.acme_id}/cover", None),
    "GET /api/v1/clients/{client_id}/candidates": lambda w: ("get", f"/clients/{w.acme_id}/candidates", None),
}
# The organisation's lists: 404 outside it; inside, each person sees only what is theirs (tested below).
LISTS = {
    "GET /api/v1/organisations/{organisation_id}/team/profiles": lambda w: (
        "get",
        f"/organisations/{w.org_id}/team/profiles",
        None,
    ),
    "GET /api/v1/organisations/{organisation_id}/absences": lambda w: (
        "get",
        f"/organisations/{w.org_id}/absences",
        None,
    ),
    "GET /api/v1/organisations/{organisation_id}/team/calendar": lambda w: (
        "get",
        f"/organisations/{w.org_id}/team/calendar",
        None,
    ),
}
# For the organisation's owners only (vadesk/api/owners.py): 404 outside its staff, 403 for an assistant.
OWNERS_ONLY = {
    "POST /api/v1/organisations/{organisation_id}/team/match": lambda w: (
        "post",
        f"/organisations/{w.org_id}/team/match",
        {"clients": [w.acme_id]},
    ),
    "GET /api/v1/organisations/{organisation_id}/team/coverage": lambda w: (
        "get",
        f"/organisations/{w.org_id}/team/coverage",
        None,
    ),
    "GET /api/v1/organisations/{organisation_id}/team/utilisation": lambda w: (
        "get",
        f"/organisations/{w.org_id}/team/utilisation",
        None,
    ),
}
TEAM_OPERATIONS = set(OPERATIONS) | set(LISTS) | set(OWNERS_ONLY)
TRACKED = [Absence, Profile, WorkPattern, Assignment, ClientNeeds]


def snapshot():
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in TRACKED}


def send(api, method, path, body):
    return getattr(api, method)(path) if body is None else api._send(method, path, body, {})


def test_the_matrix_covers_every_operation_of_the_team_api():
    documented = {
        f"{method.upper()} {path}"
        for path, ops in vadesk_api.get_openapi_schema()["paths"].items()
        for method, op in ops.items()
        if "team" in op["tags"]
    }
    assert documented == TEAM_OPERATIONS


@pytest.mark.parametrize("who", ["outsider", "globex_user", "acme_user", "colleague"])
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_it_answers_404_and_changes_nothing_for_whoever_is_out_of_reach(
    operation, who, request, world, api_as, outsider, colleague, globex_user, acme_user
):
    method, path, body = OPERATIONS[operation](world)
    before = snapshot()
    response = send(api_as(request.getfixturevalue(who)), method, path, body)
    assert response.status_code == 404, (operation, response.content)
    assert snapshot() == before


@pytest.mark.parametrize("who", ["outsider", "globex_user", "acme_user"])
@pytest.mark.parametrize("operation", sorted(LISTS | OWNERS_ONLY))
def test_the_organisations_lists_are_404_outside_its_staff(
    operation, who, request, world, api_as, outsider, globex_user, acme_user
):
    method, path, body = (LISTS | OWNERS_ONLY)[operation](world)
    assert send(api_as(request.getfixturevalue(who)), method, path, body).status_code == 404


@pytest.mark.parametrize("operation", sorted(OWNERS_ONLY))
def test_owners_only_operations_refuse_an_assistant_and_answer_the_owner(
    operation, request, world, api_as, owner, assistant
):
    method, path, body = OWNERS_ONLY[operation](world)
    before = snapshot()
    refused = send(api_as(assistant), method, path, body)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only an owner of the organisation can do this."
    assert snapshot() == before
    assert send(api_as(owner), method, path, body).status_code == 200


@pytest.mark.parametrize(("language", "words"), [("nl", "Alleen een eigenaar"), ("de", "Nur ein Inhaber")])
def test_the_refusal_of_an_assistant_is_in_their_language(world, api_as, assistant, language, words):
    refused = api_as(assistant, language=language).get(f"/organisations/{world.org_id}/team/coverage")
    assert refused.status_code == 403 and refused.json()["detail"].startswith(words), refused.json()


def test_a_colleague_sees_their_own_and_that_the_assistant_is_away_never_why(world, api_as, colleague):
    api = api_as(colleague)
    assert [p["person"]["id"] for p in api.get(f"/organisations/{world.org_id}/team/profiles").json()] == [colleague.pk]
    assert api.get(f"/organisations/{world.org_id}/absences").json() == []
    month = world.absence.start_date.strftime("%Y-%m")
    rows = api.get(f"/organisations/{world.org_id}/team/calendar", {"month": month}).json()["people"]
    [away] = next(r for r in rows if r["person"]["id"] == world.assistant_id)["away"]
    assert away["label"] == "Away" and away["kind"] is None and away["status"] == "requested"
    assert "sick" not in str(rows).lower() and "Griep" not in str(rows)


def test_the_owner_sees_the_type_and_approves_the_assistant_cannot(world, api_as, owner, assistant):
    mine = api_as(assistant)
    response = mine.post(f"/absences/{world.absence.pk}/decision", {"approve": True})
    assert response.status_code == 403
    assert "own absence" in response.json()["detail"]
    world.absence.refresh_from_db()
    assert world.absence.status == "requested"

    boss = api_as(owner)
    [listed] = boss.get(f"/organisations/{world.org_id}/absences", {"status": "requested"}).json()
    assert listed["kind"] == "sick" and listed["note"] == "Griep"
    decided = boss.post(f"/absences/{world.absence.pk}/decision", {"approve": True}).json()
    assert decided["status"] == "approved" and decided["decided_by"]["id"] == owner.pk
    again = boss.post(f"/absences/{world.absence.pk}/decision", {"approve": False})
    assert again.status_code == 422  # decided already: nothing changes
    world.absence.refresh_from_db()
    assert world.absence.status == "approved"


def test_an_assistant_requests_their_own_and_the_owner_declines_it(world, api_as, owner, assistant):
    response = api_as(assistant).post(
        f"/organisations/{world.org_id}/absences",
        {"kind": "training", "start_date": _day(50), "end_date": _day(51), "part": "morning"},
    )
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["status"] == "requested" and made["kind"] == "training" and made["person"]["id"] == assistant.pk
    declined = api_as(owner).post(f"/absences/{made['id']}/decision", {"approve": False}).json()
    assert declined["status"] == "rejected"


def test_an_owner_registers_anyones_absence_approved_at_once(world, api_as, owner, assistant):
    response = api_as(owner).post(
        f"/organisations/{world.org_id}/absences",
        {"person": str(assistant.pk), "kind": "holiday", "start_date": _day(60), "end_date": _day(61)},
    )
    assert response.status_code == 201 and response.json()["status"] == "approved"


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [(5, 3, "ends before"), (21, 25, "overlaps")],
    ids=["ends-before-it-starts", "overlaps"],
)
def test_bad_absences_are_refused_with_a_reason_and_nothing_changes(world, api_as, assistant, start, end, message):
    before = snapshot()
    response = api_as(assistant).post(
        f"/organisations/{world.org_id}/absences", {"kind": "holiday", "start_date": _day(start), "end_date": _day(end)}
    )
    assert response.status_code == 422
    assert message in str(response.json()["errors"]) or message in str(response.json()["detail"])
    assert snapshot() == before


def test_the_refusal_is_in_the_readers_language(world, api_as, assistant):
    response = api_as(assistant, language="nl").post(
        f"/organisations/{world.org_id}/absences", {"kind": "holiday", "start_date": _day(5), "end_date": _day(3)}
    )
    assert response.status_code == 422 and "ends before" not in str(response.json())


def test_profiles_own_and_owner(world, api_as, owner, assistant):
    mine = api_as(assistant)
    path = f"/organisations/{world.org_id}/team/profiles/{assistant.pk}"
    assert mine.get(path).json()["skills"] == {"agenda": 4}
    updated = mine.patch(path, {"skills": {"agenda": 5, "medisch": 2}, "languages": {"de": "working"}}).json()
    assert updated["skills"] == {"agenda": 5, "medisch": 2} and updated["languages"] == {"de": "working"}
    assert mine.patch(path, {"skills": {"agenda": 9}}).status_code == 422
    assert Profile.objects.get(person=assistant).skills == {"agenda": 5, "medisch": 2}
    # The owner's profile is not the assistant's to read or change.
    assert mine.get(f"/organisations/{world.org_id}/team/profiles/{owner.pk}").status_code == 404
    boss = api_as(owner)
    assert boss.patch(path, {"target_utilisation": 70}).json()["target_utilisation"] == 70
    assert {p["person"]["id"] for p in boss.get(f"/organisations/{world.org_id}/team/profiles").json()} >= {
        owner.pk,
        assistant.pk,
    }


def test_the_cover_is_the_team_in_order_with_who_is_away_today(world, api_as, org, acme, owner, assistant):
    Assignment.objects.filter(client=acme, person=assistant).update(role="lead", position=0)
    Assignment.objects.create(client=acme, person=owner, role="backup", position=1)
    absence_request(
        by=owner,
        organisation=org,
        person=assistant,
        kind="sick",
        start_date=timezone.localdate(),
        end_date=timezone.localdate() + timedelta(days=3),
    )
    cover = api_as(assistant).get(f"/clients/{acme.pk}/cover").json()
    assert [(m["position"], m["person"]["id"], m["role"]) for m in cover["team"]] == [
        (1, assistant.pk, "lead"),
        (2, owner.pk, "backup"),
    ]
    assert cover["team"][0]["away_until"] == (timezone.localdate() + timedelta(days=3)).isoformat()
    assert cover["team"][1]["away_until"] is None
    assert "sick" not in str(cover)


def test_candidates_are_the_owners_with_points_that_add_up(world, api_as, acme, owner, assistant):
    ClientNeeds.objects.create(client=acme, needs={"agenda": 3}, hours_per_week=4, team_size=1)
    rows = api_as(owner).get(f"/clients/{acme.pk}/candidates").json()
    assert rows and all(row["score"] == sum(r["points"] for r in row["reasons"]) for row in rows)
    helper = next(row for row in rows if row["person"]["id"] == assistant.pk)
    assert any(r["criterion"] == "skill" and r["text"].startswith("+") for r in helper["reasons"])
    assert api_as(assistant).get(f"/clients/{acme.pk}/candidates").status_code == 403


def test_a_month_that_is_no_month_is_bad_input(world, api_as, owner):
    assert api_as(owner).get(f"/organisations/{world.org_id}/team/calendar", {"month": "2026-13"}).status_code == 422


def test_the_calendar_of_a_month_lists_every_staff_member(world, api_as, owner, assistant):
    month = date.today().strftime("%Y-%m")
    body = api_as(owner).get(f"/organisations/{world.org_id}/team/calendar", {"month": month}).json()
    assert body["month"] == month and {r["person"]["id"] for r in body["people"]} >= {owner.pk, assistant.pk}


def test_utilisation_lists_every_staff_member_and_the_team_over_sixteen_weeks(world, api_as, owner, assistant):
    body = api_as(owner).get(f"/organisations/{world.org_id}/team/utilisation").json()

    assert [row["person"]["id"] for row in body["people"]] == sorted(
        [owner.pk, assistant.pk], key=lambda pk: {owner.pk: "Olga Owner", assistant.pk: "Anna Assistent"}[pk]
    )
    assert body["team"]["person"] is None
    weeks = body["people"][0]["weeks"]
    assert [w["forecast"] for w in weeks] == [False] * 8 + [True] * 8
    assert weeks[7]["monday"] == body["this_week"]
    assert weeks[0]["capacity"] is None and weeks[0]["billable"] == "0.00"  # no work pattern: capacity unknown
    assert body["people"][0]["target_utilisation"] == 80


def test_the_owner_matches_new_clients_at_once_and_nothing_is_saved(world, org, api_as, owner, assistant, acme):
    from vadesk.clients.models import Client

    WorkPattern.objects.create(
        profile=Profile.objects.get(person=assistant),
        valid_from=timezone.localdate() - timedelta(days=30),
        days={d: ["09:00", "17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
    )
    fits = Client.objects.create(organisation=org, name="Nieuw B.V.", country="NL", preferred_language="nl")
    german = Client.objects.create(organisation=org, name="Neu GmbH", country="DE", preferred_language="de")
    ClientNeeds.objects.create(client=fits, needs={"agenda": 3}, hours_per_week=4, team_size=1)
    ClientNeeds.objects.create(client=german, hours_per_week=4, team_size=1)
    before = snapshot()
    response = api_as(owner).post(f"/organisations/{world.org_id}/team/match", {"clients": [fits.pk, german.pk]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["teams"] == {str(fits.pk): [{"id": assistant.pk, "full_name": assistant.full_name}]}
    assert body["unassigned"] == [{"id": german.pk, "name": "Neu GmbH"}]  # nobody speaks German
    [candidate] = body["candidates"][str(fits.pk)]
    assert candidate["score"] == sum(r["points"] for r in candidate["reasons"]) == 30 + 15
    assert candidate["reasons"][0]["text"] == "+30 Dutch native"
    assert body["optimal"] is True
    assert snapshot() == before  # a proposal: no team changes


def test_a_match_refuses_another_organisations_client_and_bad_batches(world, api_as, owner, other_client):
    api = api_as(owner)
    path = f"/organisations/{world.org_id}/team/match"
    assert api.post(path, {"clients": [world.acme_id, other_client.pk]}).status_code == 404
    assert api.post(path, {"clients": []}).status_code == 422
    assert api.post(path, {"clients": list(range(1, 52))}).status_code == 422


def test_the_owner_reads_the_coverage_check_an_assistant_does_not(world, org, api_as, owner, assistant):
    from vadesk.clients.models import Client
    from vadesk.team.coverage import coverage_refresh

    Client.objects.create(organisation=org, name="Zonder Team B.V.", country="NL")
    coverage_refresh(organisation=org, today=timezone.localdate())
    body = api_as(owner).get(f"/organisations/{world.org_id}/team/coverage").json()
    assert [(row["client"]["name"], row["kind"]) for row in body] == [("Zonder Team B.V.", "nobody")]
    assert api_as(assistant).get(f"/organisations/{world.org_id}/team/coverage").status_code == 403
