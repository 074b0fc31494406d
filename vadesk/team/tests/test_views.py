"""Team pages: calendar, profile, absences (request, approve), candidates with reasons, ask the team."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from vadesk.team.models import Absence, ClientNeeds, Interest, Profile
from vadesk.team.services import absence_request, client_needs_set, profile_update, work_pattern_set

DAYS = {d: ["09:00", "17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel("2026-12-02 09:00 +01:00", tick=False):
        yield


@pytest.fixture
def sick(org, owner, assistant):
    return absence_request(
        by=owner,
        organisation=org,
        person=assistant,
        kind="sick",
        start_date=date(2026, 12, 3),
        end_date=date(2026, 12, 4),
    )


def test_owners_see_the_type_colleagues_see_away(client, org, owner, colleague, sick):
    client.force_login(owner)
    page = client.get(reverse("team:calendar") + "?month=2026-12").content.decode()
    assert "Sick" in page and "Anna Assistent" in page
    client.force_login(colleague)
    page = client.get(reverse("team:calendar") + "?month=2026-12").content.decode()
    assert "Anna Assistent" in page and "Away" in page and "Sick" not in page


def test_the_calendar_is_not_for_client_users_or_outsiders(client, acme_user, outsider, sick):
    client.force_login(acme_user)
    assert client.get(reverse("team:calendar")).status_code in (302, 403)
    client.force_login(outsider)
    page = client.get(reverse("team:calendar") + "?month=2026-12").content.decode()
    assert "Anna Assistent" not in page


def test_an_assistant_requests_and_the_owner_approves_through_the_pages(client, org, owner, assistant):
    client.force_login(assistant)
    body = {
        "person": assistant.pk,
        "kind": "holiday",
        "start_date": "2026-12-14",
        "end_date": "2026-12-18",
        "part": "whole",
    }
    response = client.post(reverse("team:absences"), body)
    assert response.status_code == 302
    absence = Absence.objects.get()
    assert absence.status == Absence.Status.REQUESTED
    assert client.post(reverse("team:absence_decide", args=[absence.pk]), {"decision": "approve"}).status_code == 302
    absence.refresh_from_db()
    assert absence.status == Absence.Status.REQUESTED  # refused: not their own to approve
    client.force_login(owner)
    client.post(reverse("team:absence_decide", args=[absence.pk]), {"decision": "approve"})
    absence.refresh_from_db()
    assert absence.status == Absence.Status.APPROVED


def test_a_bad_absence_keeps_what_was_typed_and_writes_nothing(client, assistant):
    client.force_login(assistant)
    body = {
        "person": assistant.pk,
        "kind": "holiday",
        "start_date": "2026-12-18",
        "end_date": "2026-12-14",
        "part": "whole",
        "note": "Kreta",
    }
    page = client.post(reverse("team:absences"), body).content.decode()
    assert "ends before it starts" in page and "Kreta" in page
    assert not Absence.objects.exists()


def test_an_assistant_cannot_request_for_a_colleague(client, assistant, colleague):
    client.force_login(assistant)
    body = {
        "person": colleague.pk,
        "kind": "holiday",
        "start_date": "2026-12-14",
        "end_date": "2026-12-18",
        "part": "whole",
    }
    client.post(reverse("team:absences"), body)
    assert not Absence.objects.exists()


def test_the_profile_page_saves_skills_languages_and_a_work_pattern(client, org, assistant):
    client.force_login(assistant)
    url = reverse("team:profile", args=[assistant.pk])
    body = {
        "skills": "agenda 4, medisch 3",
        "languages": "nl native, de working",
        "sectors": "zorg, juridisch",
        "region": "Utrecht",
        "holiday_country": "NL",
        "holiday_subdivision": "",
        "target_utilisation": "80",
    }
    assert client.post(url, body).status_code == 302
    profile = Profile.objects.get(person=assistant)
    assert profile.skills == {"agenda": 4, "medisch": 3} and profile.languages["de"] == "working"
    pattern = {"form": "pattern", "valid_from": "2026-11-30", "mon_start": "09:00", "mon_end": "15:00"}
    assert client.post(url, pattern).status_code == 302
    assert "6.00" in client.get(url).content.decode()  # this week's capacity: Monday 9-15


def test_a_colleague_cannot_open_anothers_profile(client, assistant, colleague):
    client.force_login(colleague)
    assert client.get(reverse("team:profile", args=[assistant.pk])).status_code == 404


@pytest.fixture
def german_client(org, owner, acme, assistant, colleague):
    acme.preferred_language = "de"
    acme.save()
    client_needs_set(by=owner, client=acme, needs={"events": 3}, sector="medical", hours_per_week=8, team_size=2)
    for person, languages, skills in (
        (assistant, {"de": "native"}, {"events": 4}),
        (colleague, {"nl": "native", "de": "basic"}, {"events": 5}),
    ):
        profile_update(
            by=owner, organisation=org, person=person, languages=languages, skills=skills, sectors=["medical"]
        )
        work_pattern_set(by=owner, organisation=org, person=person, valid_from=date(2026, 1, 1), days=DAYS)
    return acme


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["+30 German native", "+15 events level 4 (3 needed)", "+20 sector medical"]),
        ("nl", ["+30 Duits moedertaal", "+20 sector medical"]),
        ("de", ["+30 Deutsch Muttersprache"]),
    ],
)
def test_candidates_show_the_points_per_criterion_in_each_language(client, owner, german_client, language, words):
    owner.language = language
    owner.save()
    client.force_login(owner)
    with translation.override(language):
        page = client.get(reverse("team:candidates", args=[german_client.pk]), HTTP_ACCEPT_LANGUAGE=language)
    text = page.content.decode()
    for word in words:
        assert word in text, (word, language)


def test_a_candidate_who_lacks_the_language_is_listed_as_excluded(owner, german_client):
    from vadesk.team.candidates import candidates_for

    rows = candidates_for(by=owner, client=german_client, today=TODAY)
    by_name = {r.person.full_name: r for r in rows}
    anna, carl = by_name["Anna Assistent"], by_name["Carl Colleague"]
    assert not anna.excluded and anna.score == sum(r.points for r in anna.reasons) == 30 + 15 + 20
    assert "German" in carl.excluded
    assert rows[0].person.full_name == "Anna Assistent"


def test_hours_on_other_clients_of_the_sector_count_as_experience_in_both_readings(
    org, owner, assistant, german_client
):
    """Experience is what the person logged on *other* clients of the client's sector: 25 h on a medical practice
    count, hours on a bakery or on the client itself do not; the candidates list and batch matching agree."""
    from vadesk.clients.models import Client
    from vadesk.engagements.models import Engagement
    from vadesk.team.candidates import candidates_for, match_clients
    from vadesk.timesheets.models import TimeEntry

    def logged(client, hours):
        engagement = Engagement.objects.create(
            client=client, name="Uren", kind=Engagement.Kind.HOURLY, starts_on=date(2026, 1, 1)
        )
        TimeEntry.objects.create(
            engagement=engagement, person=assistant, work_date=date(2026, 11, 2), worked_minutes=hours * 60
        )

    practice = Client.objects.create(organisation=org, name="Huisartsen Oost", country="NL")
    client_needs_set(by=owner, client=practice, sector="medical")
    bakery = Client.objects.create(organisation=org, name="Bakkerij", country="NL")
    client_needs_set(by=owner, client=bakery, sector="food")
    logged(practice, 25)
    logged(bakery, 40)
    logged(german_client, 50)

    anna = next(r for r in candidates_for(by=owner, client=german_client, today=TODAY) if r.person == assistant)
    [experience] = [r for r in anna.reasons if r.criterion == "experience"]
    assert (experience.subject, experience.level) == ("medical", "25")
    result = match_clients(by=owner, clients=[german_client], today=TODAY)
    [candidate] = [c for c in result.candidates[str(german_client.pk)] if c.assistant.id == str(assistant.pk)]
    assert [r for r in candidate.reasons if r.criterion == "experience"] == [experience]


def test_ask_the_team_and_the_answer_counts_as_interest(client, owner, colleague, assistant, german_client):
    from vadesk.team.candidates import candidates_for

    client.force_login(owner)
    client.post(reverse("team:candidates", args=[german_client.pk]), {"form": "ask", "person": [assistant.pk]})
    asked = Interest.objects.get()
    assert asked.person == assistant and asked.answer == Interest.Answer.ASKED
    client.force_login(colleague)  # not asked: nothing to answer
    assert client.get(reverse("team:interest", args=[german_client.pk])).status_code == 404
    client.force_login(assistant)
    client.post(reverse("team:interest", args=[german_client.pk]), {"answer": "yes", "note": "Ik ken de sector"})
    anna = next(r for r in candidates_for(by=owner, client=german_client, today=TODAY) if r.person == assistant)
    assert any(r.criterion == "interest" and r.points == 15 for r in anna.reasons)
    assert anna.interest_note == "Ik ken de sector"


def test_only_owners_open_candidates(client, assistant, german_client):
    client.force_login(assistant)
    assert client.get(reverse("team:candidates", args=[german_client.pk])).status_code == 403
    assert not ClientNeeds.objects.filter(team_size=5).exists()
