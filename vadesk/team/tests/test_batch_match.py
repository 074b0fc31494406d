"""New clients to match (issue 14 point 7, batch mode) on a page: propose teams for several clients at once with
`match_clients`, then assign them through the *Team* page's service, all or none, refused when stale."""

import re
from datetime import date

import pytest
import time_machine
from django.test import Client as Browser
from django.urls import reverse

from vadesk.clients.models import Assignment, Client
from vadesk.clients.services import client_team_set
from vadesk.tasks.models import Task
from vadesk.team.candidates import MAX_BATCH
from vadesk.team.models import ClientNeeds
from vadesk.team.services import client_needs_set, profile_update, work_pattern_set

FULL_WEEK = {d: ["09:00", "17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
PAGE = reverse("team:match")
ASSIGN = reverse("team:match_assign")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel("2026-12-02 09:00 +01:00", tick=False):
        yield


@pytest.fixture
def intake(org, owner, assistant, colleague):
    """Anna speaks Dutch and keeps agendas, Carl speaks German and keeps books; three new clients wait."""
    for person, languages, skills in [
        (assistant, {"nl": "native"}, {"agenda": 4}),
        (colleague, {"de": "native", "nl": "working"}, {"bookkeeping": 3}),
    ]:
        profile_update(by=owner, organisation=org, person=person, languages=languages, skills=skills)
        work_pattern_set(by=owner, organisation=org, person=person, valid_from=date(2026, 1, 1), days=FULL_WEEK)
    made = {}
    for key, name, language, needs in [
        ("nl", "Nieuw B.V.", "nl", {"agenda": 3}),
        ("de", "Neu GmbH", "de", {"bookkeeping": 2}),
        ("fr", "Nouveau SA", "fr", {}),
    ]:
        made[key] = Client.objects.create(organisation=org, name=name, country="NL", preferred_language=language)
        client_needs_set(by=owner, client=made[key], needs=needs, hours_per_week=4, team_size=1)
    return made


def _state():
    return (
        sorted(Assignment.objects.values_list("client_id", "person_id", "role")),
        Task.objects.count(),
    )


def _propose(browser, *clients):
    return browser.post(PAGE, {"client": [c.pk for c in clients]})


def _assign_form(page: str) -> dict[str, list[str]]:
    """The hidden fields of the *Assign these teams* form, as the browser would post them."""
    form = page.split(f'action="{ASSIGN}"')[1].split("</form>")[0]
    posted: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([\w-]+)" value="([^"]*)"', form):
        posted.setdefault(name, []).append(value)
    posted.pop("csrfmiddlewaretoken", None)
    return posted


def test_the_page_lists_the_clients_with_needs_and_no_or_a_too_small_team(client, org, owner, acme, intake):
    client_needs_set(by=owner, client=acme, hours_per_week=10, team_size=2)  # Anna alone: one too few
    full = Client.objects.create(organisation=org, name="Vol B.V.", country="NL")
    client_needs_set(by=owner, client=full, team_size=1)
    Assignment.objects.create(client=full, person=owner)
    Client.objects.create(organisation=org, name="Zonder Wensen B.V.", country="NL")  # no needs: not listed
    client.force_login(owner)
    page = client.get(PAGE).content.decode()
    waiting = page.split('data-testid="match-waiting"')[1].split("</section>")[0]
    for name in ("Acme", "Nieuw B.V.", "Neu GmbH", "Nouveau SA"):
        assert name in waiting, name
    assert "Vol B.V." not in waiting and "Zonder Wensen" not in waiting
    assert "1 / 2" in waiting


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Proposed teams", "Proven optimal", "+30 Dutch native", "+30 German native", "Nobody speaks French"]),
        ("nl", ["Voorgestelde teams", "Bewezen optimaal", "+30 Nederlands", "+30 Duits", "Niemand spreekt Frans"]),
        (
            "de",
            [
                "Vorgeschlagene Teams",
                "Nachweislich optimal",
                "+30 Niederländisch",
                "+30 Deutsch",
                "Niemand spricht Französisch",
            ],
        ),
    ],
)
def test_proposing_shows_each_team_with_scores_and_reasons_and_saves_nothing(
    client, owner, assistant, colleague, intake, language, words
):
    owner.language = language
    owner.save(update_fields=["language"])
    client.force_login(owner)
    before = _state()
    page = _propose(client, intake["nl"], intake["de"], intake["fr"]).content.decode()

    assert _state() == before
    for word in words:
        assert word in page, (word, language)
    proposal = page.split('data-testid="match-proposal"')[1]
    nieuw = proposal.split("Nieuw B.V.</h3>")[1].split("</table>")[0]
    neu = proposal.split("Neu GmbH</h3>")[1].split("</table>")[0]
    assert "Anna Assistent" in nieuw and "Carl Colleague" not in nieuw
    assert "Carl Colleague" in neu and "Anna Assistent" not in neu
    [unassigned] = re.findall(r'data-testid="match-unassigned"><strong>([^<]*)</strong>', proposal)
    assert unassigned == "Nouveau SA"
    scores = [int(s) for s in re.findall(r'class="num score"[^>]*>(\d+)<', nieuw)]
    assert scores and all(s > 0 for s in scores)


def test_assigning_saves_the_proposed_teams_and_starts_their_onboarding(client, owner, assistant, colleague, intake):
    client.force_login(owner)
    form = _assign_form(_propose(client, intake["nl"], intake["de"], intake["fr"]).content.decode())
    assert form["client"] == [str(intake["de"].pk), str(intake["nl"].pk)]  # Nouveau SA has no team to assign
    response = client.post(ASSIGN, form, follow=True)

    assert "The teams of 2 clients are saved." in response.content.decode()
    assert list(intake["nl"].assignments.values_list("person_id", "role")) == [(assistant.pk, "lead")]
    assert list(intake["de"].assignments.values_list("person_id", "role")) == [(colleague.pk, "lead")]
    assert not intake["fr"].assignments.exists()
    assert Task.objects.filter(client=intake["nl"], assignees=assistant).exists()  # the onboarding checklist
    assert Task.objects.filter(client=intake["de"], assignees=colleague).exists()


def test_a_too_small_team_keeps_its_members_and_gains_the_proposed_ones(client, owner, assistant, colleague, intake):
    nieuw = intake["nl"]
    client_needs_set(by=owner, client=nieuw, needs={}, team_size=2, hours_per_week=4)
    Assignment.objects.create(client=nieuw, person=owner, role="lead")
    client.force_login(owner)
    page = _propose(client, nieuw).content.decode()
    assert "Already on the team, they stay: Olga Owner" in page
    form = _assign_form(page)
    assert form[f"seen-{nieuw.pk}"] == [str(owner.pk)]
    client.post(ASSIGN, form)
    # match_clients proposes a whole team of two (Anna and Carl, both speak Dutch); one place was free, so the
    # best of them joins as backup and the team keeps the size its needs ask for.
    proposed = [int(pk) for pk in form[f"team-{nieuw.pk}"][0].split(",")]
    team = list(nieuw.assignments.in_cover_order().values_list("person_id", "role"))
    assert team == [(owner.pk, "lead"), (proposed[0], "backup")]
    assert proposed[0] in (assistant.pk, colleague.pk)


def test_a_stale_proposal_is_refused_and_nothing_changes(client, owner, assistant, colleague, intake):
    client.force_login(owner)
    form = _assign_form(_propose(client, intake["nl"], intake["de"]).content.decode())
    client_team_set(by=owner, client=intake["de"], roles={owner.pk: "lead"})  # meanwhile, on the Team page
    before = _state()
    response = client.post(ASSIGN, form, follow=True)

    assert _state() == before  # Nieuw B.V. is not saved either: all or none
    page = response.content.decode()
    assert "The team of Neu GmbH changed after the teams were proposed; nothing was saved." in page


def test_the_stale_refusal_speaks_the_owners_language(client, owner, intake):
    owner.language = "de"
    owner.save(update_fields=["language"])
    client.force_login(owner)
    form = _assign_form(_propose(client, intake["nl"]).content.decode())
    client_team_set(by=owner, client=intake["nl"], roles={owner.pk: "lead"})
    page = client.post(ASSIGN, form, follow=True).content.decode()
    assert "Das Team von Nieuw B.V. hat sich geändert" in page


def test_more_clients_than_a_batch_are_refused(client, org, owner, intake):
    many = [Client.objects.create(organisation=org, name=f"Klant {n}", country="NL") for n in range(MAX_BATCH + 1)]
    client.force_login(owner)
    before = _state()
    page = _propose(client, *many).content.decode()
    assert f"Choose at most {MAX_BATCH} clients at once." in page and 'data-testid="match-proposal"' not in page
    body = {"client": [c.pk for c in many]} | {f"team-{c.pk}": str(owner.pk) for c in many}
    page = client.post(ASSIGN, body, follow=True).content.decode()
    assert f"Choose at most {MAX_BATCH} clients at once." in page
    assert _state() == before
    assert "Choose at least one client." in client.post(PAGE, {}).content.decode()


def test_another_organisations_client_is_404_and_changes_nothing(client, owner, outsider, other_client, intake):
    client.force_login(owner)
    before = _state()
    assert _propose(client, intake["nl"], other_client).status_code == 404
    body = {"client": [other_client.pk], f"team-{other_client.pk}": str(owner.pk), f"seen-{other_client.pk}": ""}
    assert client.post(ASSIGN, body).status_code == 404
    assert client.post(PAGE, {"client": ["x1"]}).status_code == 404

    client.force_login(outsider)  # the other organisation's owner: their own (empty) intake, never ours
    page = client.get(PAGE).content.decode()
    assert "Nieuw B.V." not in page and "Anna Assistent" not in page
    assert _propose(client, intake["nl"]).status_code == 404
    body = {"client": [intake["nl"].pk], f"team-{intake['nl'].pk}": str(outsider.pk)}
    assert client.post(ASSIGN, body).status_code == 404
    assert _state() == before


@pytest.mark.parametrize("who", ["assistant", "acme_user"])
def test_an_assistant_and_a_client_user_are_refused(client, request, owner, intake, who):
    client.force_login(request.getfixturevalue(who))
    before = _state()
    body = {"client": [intake["nl"].pk], f"team-{intake['nl'].pk}": str(owner.pk), f"seen-{intake['nl'].pk}": ""}
    for response in (client.get(PAGE), client.post(PAGE, body), client.post(ASSIGN, body)):
        assert response.status_code in (302, 403)
        assert b"Nieuw B.V." not in response.content
    assert _state() == before


def test_assigning_is_post_only_and_needs_the_csrf_token(owner, intake):
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(owner)
    assert browser.get(ASSIGN).status_code == 405
    before = _state()
    body = {"client": [intake["nl"].pk], f"team-{intake['nl'].pk}": str(owner.pk), f"seen-{intake['nl'].pk}": ""}
    assert browser.post(ASSIGN, body).status_code == 403
    assert browser.post(PAGE, {"client": [intake["nl"].pk]}).status_code == 403
    assert _state() == before


def test_nobody_logged_in_goes_to_the_login(client):
    for response in (client.get(PAGE), client.post(ASSIGN)):
        assert response.status_code == 302 and reverse("login") in response.url


def test_the_page_reads_a_bounded_number_of_queries(client, org, owner, intake, django_assert_max_num_queries):
    for n in range(20):
        extra = Client.objects.create(organisation=org, name=f"Klant {n}", country="NL")
        ClientNeeds.objects.create(client=extra, team_size=1)
    client.force_login(owner)
    client.get(PAGE)
    with django_assert_max_num_queries(12):
        page = client.get(PAGE).content.decode()
    assert page.count('name="client"') == 23
