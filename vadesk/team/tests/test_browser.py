"""Real Chromium against a live server (issue 14, "Done when"): an assistant requests an absence, the owner approves
it, the handover note is written and read, the backup's today page shows the cover, and the owner matches a new
client and sees the ranked candidates with the points per criterion; in Dutch and German, and on a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from vadesk.clients.models import Client
from vadesk.jobs.worker import JobWorker
from vadesk.tasks.models import Status, Task
from vadesk.tasks.routing import describe
from vadesk.team.models import Absence, HandoverNote
from vadesk.team.services import profile_update, work_pattern_set
from vadesk.web.tests.test_browser import ARTIFACTS, log_in, page  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WORKDAY = ["09:00", "17:00"]
NATIVE = {"nl": "moedertaal", "de": "Muttersprache"}
RANKED = {"nl": "Kandidaten op volgorde", "de": "Kandidaten nach Rang"}


@pytest.fixture
def staffed(org, owner, team):
    """Bram and Cora work Monday to Friday and can do the agenda; Anna has an open task for Acme."""
    for key, languages, skills in [
        ("b", {"nl": "native", "de": "fluent"}, {"agenda": 4}),
        ("c", {"nl": "fluent", "de": "working"}, {"agenda": 2, "email": 4}),
    ]:
        profile_update(by=owner, organisation=org, person=team[key], languages=languages, skills=skills)
        work_pattern_set(
            by=owner,
            organisation=org,
            person=team[key],
            valid_from=timezone.localdate() - timedelta(days=30),
            days=dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), WORKDAY),
        )
    return team


def as_user(page, live_server, person, language):
    person.language = language
    person.save(update_fields=["language"])
    page.context.clear_cookies()
    log_in(page, live_server, person.email)
    page.wait_for_url(f"{live_server.url}/today/")
    assert page.get_attribute("html", "lang") == language


def phone_fits(page, name: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    hidden = page.eval_on_selector_all(
        ".card:not(.scroll-x)",
        "cards => cards.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.innerText.slice(0, 40))",
    )
    assert hidden == [], hidden  # no card hides a column to the right (the month grid scrolls on purpose)
    page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 860})


@pytest.mark.parametrize("language", ["nl", "de"])
def test_an_absence_is_covered_and_a_new_client_is_matched(page, live_server, org, acme, owner, staffed, language):
    anna, bram = staffed["a"], staffed["b"]
    task = Task.objects.create(client=acme, title="Offerte van de drukker nakijken", status=Status.NEW)
    task.assignees.set([anna])
    today = timezone.localdate()

    # Anna asks for ten days off; her open task is to be covered.
    as_user(page, live_server, anna, language)
    page.goto(f"{live_server.url}/team/absences/")
    page.select_option("select[name=kind]", "holiday")
    page.fill("input[name=start_date]", today.isoformat())
    page.fill("input[name=end_date]", (today + timedelta(days=10)).isoformat())
    page.select_option("select[name=open_work]", "cover")
    with page.expect_navigation():
        page.click("form:has(input[name=start_date]) button.btn-primary")
    absence = Absence.objects.get(person=anna)
    assert absence.status == Absence.Status.REQUESTED
    assert not page.is_visible("button[name=decision]")  # she cannot approve her own

    # The owner approves it; the worker's next round moves the open work to the backup.
    as_user(page, live_server, owner, language)
    page.goto(f"{live_server.url}/team/absences/")
    with page.expect_navigation():
        page.click("button[name=decision][value=approve]")
    absence.refresh_from_db()
    assert absence.status == Absence.Status.APPROVED
    JobWorker(worker_id="browser-test", schedule=False, batch=True).run()
    assert sorted(p.pk for p in task.assignees.all()) == sorted([anna.pk, bram.pk])
    note = HandoverNote.objects.get(absence=absence, client=acme)
    assert note.backup == bram

    # Anna adds her own lines to the generated note.
    as_user(page, live_server, anna, language)
    page.goto(f"{live_server.url}/team/absences/")
    page.click(f"a[href='/team/handovers/{note.pk}/']")
    assert page.is_visible(".handover-tasks >> text=Offerte van de drukker nakijken")
    page.fill("textarea[name=own_lines]", "Bel de drukker vóór donderdag.")
    with page.expect_navigation():
        page.click("button[name=action][value=write]")

    # Bram sees the cover and the note on his today page, reads it and acknowledges it.
    as_user(page, live_server, bram, language)
    card = page.locator("[data-testid=covering]")
    assert "Acme" in card.inner_text() and "Anna" in card.inner_text()
    page.screenshot(path=str(ARTIFACTS / f"team-covering-today-{language}.png"), full_page=True)
    card.locator(f"a[href='/team/handovers/{note.pk}/']").click()
    assert page.is_visible("text=Bel de drukker vóór donderdag.")
    assert page.is_visible(".handover-tasks >> text=Offerte van de drukker nakijken")
    page.click("button[name=action][value=acknowledge]")
    page.wait_for_selector(".handover-acknowledged")
    assert "Bram Backup" in page.inner_text(".handover-acknowledged")
    page.screenshot(path=str(ARTIFACTS / f"team-handover-{language}.png"), full_page=True)
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    with translation.override(language):
        reason = describe(task.routing_notes.get().reason)  # "Anna afwezig tot … → Bram Backup …"
    assert reason in page.inner_text("body")

    # The owner states what a new client needs and sees the candidates ranked, with the points per criterion.
    newcomer = Client.objects.create(organisation=org, name="Praxis Sommer", preferred_language="de", country="DE")
    as_user(page, live_server, owner, language)
    page.goto(f"{live_server.url}/team/clients/{newcomer.pk}/candidates/")
    page.fill("input[name=needs]", "agenda 3")
    page.fill("input[name=sector]", "zorg")
    page.fill("input[name=hours_per_week]", "6")
    page.fill("input[name=team_size]", "1")
    with page.expect_navigation():
        page.click("form:has(input[name=needs]) button.btn-primary")
    assert page.is_visible(f"text={RANKED[language]}")
    ranked = page.locator("tr.candidate:not(.muted)")
    assert ranked.count() == 2
    first, second = (ranked.nth(i).inner_text() for i in range(2))
    assert "Bram Backup" in first and "Cora Second" in second
    assert NATIVE[language] not in second  # Cora speaks German at working level: no "native"
    scores = [int(ranked.nth(i).locator(".score").inner_text()) for i in range(2)]
    assert scores[0] > scores[1]
    reasons = ranked.nth(0).locator(".reasons").inner_text()
    assert reasons.startswith("+20") and "agenda" in reasons  # German fluent +20, agenda 4 for 3 needed +15
    assert sum(int(part.split()[0].replace("−", "-")) for part in reasons.split(" · ")) == scores[0]
    excluded = page.locator("tr.candidate.muted")
    assert excluded.count() == 2  # Anna and the owner have no profile yet: no German on record
    page.screenshot(path=str(ARTIFACTS / f"team-candidates-{language}.png"), full_page=True)
    phone_fits(page, f"team-candidates-{language}")

    page.goto(f"{live_server.url}/team/calendar/")
    assert page.locator(".team-calendar .absence").count() >= 1
    page.screenshot(path=str(ARTIFACTS / f"team-calendar-{language}.png"), full_page=True)
    phone_fits(page, f"team-calendar-{language}")


PROPOSED = {"nl": "Voorgestelde teams", "de": "Vorgeschlagene Teams"}
SAVED = {"nl": "De teams van 2 klanten zijn opgeslagen.", "de": "Die Teams von 2 Kunden sind gespeichert."}


def fits_the_phone(page, name: str) -> None:
    """As phone_fits, without a reload: the page on screen is the answer to a POST."""
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    hidden = page.eval_on_selector_all(
        ".card:not(.scroll-x)",
        "cards => cards.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.innerText.slice(0, 40))",
    )
    assert hidden == [], hidden
    page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 860})


@pytest.mark.parametrize("language", ["nl", "de"])
def test_the_owner_proposes_teams_for_two_new_clients_and_assigns_them(
    page, live_server, org, owner, staffed, language
):
    from vadesk.team.services import client_needs_set

    bram, cora = staffed["b"], staffed["c"]
    sommer = Client.objects.create(organisation=org, name="Praxis Sommer", preferred_language="de", country="DE")
    vos = Client.objects.create(organisation=org, name="Kantoor Vos", preferred_language="nl", country="NL")
    client_needs_set(by=owner, client=sommer, needs={"agenda": 3}, hours_per_week=6, team_size=1)
    client_needs_set(by=owner, client=vos, needs={"email": 3}, hours_per_week=4, team_size=1)

    as_user(page, live_server, owner, language)
    page.goto(f"{live_server.url}/team/calendar/")
    with page.expect_navigation():
        page.click("a[href='/team/match/']")
    page.check(f"input[name=client][value='{sommer.pk}']")
    page.check(f"input[name=client][value='{vos.pk}']")
    with page.expect_navigation():
        page.click("[data-testid=match-propose]")
    proposal = page.locator("[data-testid=match-proposal]")
    assert PROPOSED[language] in proposal.inner_text()
    teams = proposal.locator("h3[data-testid=match-team]")
    assert [teams.nth(i).inner_text() for i in range(teams.count())] == ["Kantoor Vos", "Praxis Sommer"]
    rows = proposal.locator("tr.candidate")
    assert "Cora Second" in rows.nth(0).inner_text() and "Bram Backup" in rows.nth(1).inner_text()
    reasons = rows.nth(1).locator(".reasons").inner_text()
    assert sum(int(p.split()[0].replace("−", "-")) for p in reasons.split(" · ")) == int(
        rows.nth(1).locator(".score").inner_text()
    )
    page.screenshot(path=str(ARTIFACTS / f"team-match-{language}.png"), full_page=True)
    fits_the_phone(page, f"team-match-{language}")

    with page.expect_navigation():
        page.click("[data-testid=match-assign]")
    assert SAVED[language] in page.inner_text("body")
    assert list(sommer.assignments.values_list("person_id", "role")) == [(bram.pk, "lead")]
    assert list(vos.assignments.values_list("person_id", "role")) == [(cora.pk, "lead")]
    assert Task.objects.filter(client=vos, assignees=cora).exists()  # Cora's onboarding checklist
    assert "Praxis Sommer" not in page.inner_text("[data-testid=match-waiting]")  # matched: no longer waiting
    page.screenshot(path=str(ARTIFACTS / f"team-match-assigned-{language}.png"), full_page=True)
