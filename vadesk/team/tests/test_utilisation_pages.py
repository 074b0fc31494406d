"""The utilisation page and its CSV: owners only, the figures in nl/de/en, charts as SVG, a formula-safe export."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from vadesk.accounts.models import Membership
from vadesk.clients.models import Assignment, Client
from vadesk.conftest import make_person
from vadesk.engagements.models import Engagement
from vadesk.team.services import absence_request, profile_update, work_pattern_set
from vadesk.timesheets.services import time_entry_log

ZONE = ZoneInfo("Europe/Amsterdam")
FULL_WEEK = {d: ["09:00", "17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
PAGES = ["team:utilisation", "team:utilisation_csv"]


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 11, 18, 10, 0, tzinfo=ZONE), tick=False):
        yield


@pytest.fixture
def busy(org, owner, assistant, bundle):
    profile_update(by=owner, organisation=org, person=assistant, holiday_country="BE")
    work_pattern_set(by=owner, organisation=org, person=assistant, valid_from=date(2026, 1, 1), days=FULL_WEEK)
    time_entry_log(by=assistant, engagement=bundle, work_date=date(2026, 11, 10), minutes=600)
    time_entry_log(by=assistant, engagement=bundle, work_date=date(2026, 11, 12), minutes=90, billable=False)
    absence_request(
        by=owner,
        organisation=org,
        person=assistant,
        kind="sick",
        start_date=date(2026, 11, 13),
        end_date=date(2026, 11, 13),
        part="morning",
    )
    return assistant


def _csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Utilisation and capacity", "The whole team", "Forecast", "week 46"]),
        ("nl", ["Bezetting en capaciteit", "Het hele team", "Vooruitblik", "week 46"]),
        ("de", ["Auslastung und Kapazität", "Das ganze Team", "Vorschau", "Woche 46"]),
    ],
)
def test_the_owner_sees_every_person_and_the_team_in_their_language(client, owner, busy, language, words):
    owner.language = language
    owner.save()
    client.force_login(owner)
    page = client.get(reverse("team:utilisation")).content.decode()

    for word in words:
        assert word in page, (word, language)
    assert "Anna Assistent" in page and "Olga Owner" in page
    charts = page.split('<figure class="chart">')[1:]
    assert len(charts) == 3  # the team, Anna and Olga
    assert all(c.lstrip().startswith("<svg") and "style=" not in c.split("</svg>")[0] for c in charts)  # CSP


def test_the_week_with_a_holiday_and_a_half_day_shows_its_capacity_and_utilisation(client, owner, busy):
    client.force_login(owner)
    rows = _csv(client.get(reverse("team:utilisation_csv")))
    header, lines = rows[0], rows[1:]
    anna = dict(zip(header, next(r for r in lines if r[0] == "Anna Assistent" and r[1] == "2026-W46"), strict=True))

    # 40 h, less Wednesday 11 November (Armistice, Belgium) and Friday's morning: 40 − 8 − 4.
    assert anna["Capacity (h)"] == "28.00"
    assert (anna["Billable logged (h)"], anna["Non-billable logged (h)"]) == ("10.00", "1.50")
    assert anna["Utilisation (%)"] == "36"  # 10 of 28
    assert anna["Past or forecast"] == "past"
    assert anna["Target (%)"] == "80"


def test_the_csv_has_a_line_per_person_and_week_and_the_teams_lines(client, owner, busy):
    client.force_login(owner)
    response = client.get(reverse("team:utilisation_csv"))
    lines = _csv(response)[1:]

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert len(lines) == 3 * 16  # Olga, Anna, the team; 8 past weeks and 8 ahead
    assert [r[3] for r in lines if r[0] == "The whole team"] == ["past"] * 8 + ["forecast"] * 8
    assert next(r for r in lines if r[0] == "Olga Owner")[4] == ""  # no work pattern: capacity unknown


def test_a_name_that_is_a_formula_stays_text_in_the_csv(client, org, owner):
    for name in ('=HYPERLINK("http://evil.example","x")', "@SUM(1+1)", "+31 tel", "-2+3"):
        person = make_person(f"{abs(hash(name))}@assist.example", name)
        Membership.objects.create(person=person, organisation=org, role=Membership.Role.ASSISTANT)
    client.force_login(owner)
    names = {r[0] for r in _csv(client.get(reverse("team:utilisation_csv")))[1:]}

    assert {'\'=HYPERLINK("http://evil.example","x")', "'@SUM(1+1)", "'+31 tel", "'-2+3"} <= names
    assert not any(n.startswith(("=", "+", "-", "@")) for n in names)


@pytest.mark.parametrize("name", PAGES)
def test_an_assistant_and_a_client_user_are_refused(client, assistant, acme_user, name):
    for who in (assistant, acme_user):
        client.force_login(who)
        response = client.get(reverse(name))
        assert response.status_code in (302, 403), who
        assert b"utilisation-team" not in response.content and b"2026-W46" not in response.content


@pytest.mark.parametrize("name", PAGES)
def test_an_owner_of_another_organisation_sees_only_their_own(client, outsider, busy, name):
    client.force_login(outsider)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert b"Anna Assistent" not in response.content and b"Olga Owner" not in response.content
    assert "Otto Outsider" in response.content.decode("utf-8-sig")


@pytest.mark.parametrize("name", PAGES)
def test_nobody_logged_in_goes_to_the_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("login") in response.url


def _grow(org, owner, n):
    for i in range(n):
        person = make_person(f"va{i}@assist.example", f"VA {i}")
        Membership.objects.create(person=person, organisation=org, role=Membership.Role.ASSISTANT)
        work_pattern_set(by=owner, organisation=org, person=person, valid_from=date(2026, 1, 1), days=FULL_WEEK)
        customer = Client.objects.create(organisation=org, name=f"Client {i}", country="NL")
        Assignment.objects.create(client=customer, person=person)
        Engagement.objects.create(
            client=customer,
            name="Retainer",
            kind=Engagement.Kind.RETAINER,
            starts_on=date(2026, 1, 1),
            monthly_hours=Decimal("10"),
            monthly_price=Decimal("500.00"),
            excess_rate=Decimal("55.00"),
        )


@pytest.mark.parametrize("size", [2, 15])
def test_the_page_reads_the_same_queries_for_two_or_fifteen_people(
    client, org, owner, size, django_assert_max_num_queries
):
    _grow(org, owner, size)
    client.force_login(owner)
    client.get(reverse("team:utilisation"))  # the session and the membership warm up
    with django_assert_max_num_queries(16):
        page = client.get(reverse("team:utilisation")).content.decode()
    assert page.count('data-testid="utilisation-person"') == size + 1
