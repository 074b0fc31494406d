"""The daily coverage check: days nobody of a client's team is there, teams with too little room."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from vadesk.accounts.models import Membership
from vadesk.clients.models import Assignment, Client
from vadesk.conftest import login, make_person
from vadesk.team.coverage import coverage_check, coverage_refresh
from vadesk.team.models import ClientNeeds, CoverageWarning, Profile, WorkPattern
from vadesk.team.services import absence_decide, absence_request

TODAY = date(2026, 12, 2)  # a Wednesday; the check looks up to 16 December
WEEKDAYS = {k: ["09:00", "15:00"] for k in ("mon", "tue", "wed", "thu", "fri")}


@pytest.fixture
def pair(org, acme, owner):
    people = []
    for key, name, role in [("a", "Anna Lead", "lead"), ("b", "Bram Backup", "backup")]:
        person = make_person(f"{key}@assist.example", name)
        Membership.objects.create(person=person, organisation=org, role=Membership.Role.ASSISTANT)
        Assignment.objects.create(client=acme, person=person, role=role)
        people.append(person)
    return people


def away(org, owner, person, start, end, part="whole"):
    return absence_request(
        by=owner, organisation=org, person=person, kind="holiday", start_date=start, end_date=end, part=part
    )


def nobody(warnings, client):
    return [(w.start_date, w.end_date) for w in warnings if w.client_id == client.pk and w.kind == "nobody"]


def test_the_days_nobody_of_the_team_is_there_are_one_warning_per_stretch(org, acme, owner, pair):
    anna, bram = pair
    away(org, owner, anna, date(2026, 12, 7), date(2026, 12, 11))
    away(org, owner, bram, date(2026, 12, 9), date(2026, 12, 11))
    away(org, owner, anna, date(2026, 12, 16), date(2026, 12, 16))
    away(org, owner, bram, date(2026, 12, 16), date(2026, 12, 16), part="morning")  # half a day: still there
    assert nobody(coverage_check(org, today=TODAY), acme) == [(date(2026, 12, 9), date(2026, 12, 11))]


def test_weekends_and_public_holidays_are_no_working_days(org, acme, owner, pair):
    for person in pair:
        away(org, owner, person, date(2026, 12, 24), date(2026, 12, 27))  # Thu 24 to Sun 27
    # 25 and 26 are Christmas, 26/27 the weekend: only Thursday 24 is a working day nobody covers.
    assert nobody(coverage_check(org, today=date(2026, 12, 18)), acme) == [(date(2026, 12, 24), date(2026, 12, 24))]
    for person in pair:
        away(org, owner, person, date(2026, 12, 28), date(2026, 12, 28))
    # A stretch runs on over the days that are no working days: 24 and 28 are one line.
    assert nobody(coverage_check(org, today=date(2026, 12, 18)), acme) == [(date(2026, 12, 24), date(2026, 12, 28))]


def test_a_client_without_a_team_and_a_day_off_in_the_pattern(org, acme, owner, pair):
    lonely = Client.objects.create(organisation=org, name="Lonely", country="NL")
    anna, bram = pair
    Profile.objects.create(organisation=org, person=anna)
    WorkPattern.objects.create(
        profile=anna.team_profiles.get(), valid_from=date(2026, 1, 1), days={"mon": ["09:00", "17:00"]}
    )
    away(org, owner, bram, date(2026, 12, 3), date(2026, 12, 3))  # a Thursday: Anna does not work then either
    warnings = coverage_check(org, today=TODAY)
    assert nobody(warnings, lonely) == [(TODAY, date(2026, 12, 16))]
    assert nobody(warnings, acme) == [(date(2026, 12, 3), date(2026, 12, 3))]


def test_a_team_with_too_little_room_for_the_clients_hours(org, acme, owner, pair):
    anna = pair[0]
    for person in pair:
        profile = Profile.objects.create(organisation=org, person=person)
        WorkPattern.objects.create(profile=profile, valid_from=date(2026, 1, 1), days={"mon": ["09:00", "13:00"]})
    ClientNeeds.objects.create(client=acme, hours_per_week=Decimal(10), team_size=2)
    other = Client.objects.create(organisation=org, name="Other", country="NL")
    Assignment.objects.create(client=other, person=anna)
    ClientNeeds.objects.create(client=other, hours_per_week=Decimal(3), team_size=1)
    # Each has 4 hours a week; Anna carries 3 for Other: 1 + 4 = 5 free for Acme's 10.
    [room, *_] = [w for w in coverage_check(org, today=TODAY) if w.client_id == acme.pk and w.kind == "room"]
    assert (room.needed, room.free, room.start_date) == (Decimal(10), Decimal("5.00"), date(2026, 11, 30))
    ClientNeeds.objects.filter(client=acme).update(hours_per_week=Decimal(5))
    assert not [w for w in coverage_check(org, today=TODAY) if w.client_id == acme.pk and w.kind == "room"]


def test_the_check_costs_the_same_queries_for_three_or_thirty_clients(org, owner, pair, django_assert_num_queries):
    def clients(n):
        for i in range(n):
            client = Client.objects.create(organisation=org, name=f"C{i}", country="NL")
            for person in pair:
                Assignment.objects.create(client=client, person=person)

    clients(3)
    with django_assert_num_queries(7):
        coverage_check(org, today=TODAY)
    clients(27)
    with django_assert_num_queries(7):
        coverage_check(org, today=TODAY)


def test_deciding_an_absence_checks_again_and_only_owners_see_the_warnings(
    client, org, acme, owner, pair, django_capture_on_commit_callbacks
):
    anna, bram = pair
    away(org, owner, anna, date(2026, 12, 7), date(2026, 12, 8))
    request = absence_request(
        by=bram, organisation=org, person=bram, kind="sick", start_date=date(2026, 12, 7), end_date=date(2026, 12, 7)
    )
    coverage_refresh(organisation=org, today=TODAY)
    assert not CoverageWarning.objects.filter(client=acme, kind="nobody").exists()  # a request does not count
    with (
        time_machine.travel(datetime(2026, 12, 2, 9, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        absence_decide(by=owner, absence=request, approve=True)
    assert CoverageWarning.objects.filter(client=acme, kind="nobody").exists()

    login(client, owner)
    page = client.get("/team/calendar/").content.decode()
    assert "Acme B.V." in page and "nobody of the team is there" in page
    login(client, anna)
    page = client.get("/team/calendar/").content.decode()
    assert "nobody of the team is there" not in page and "Coverage" not in page


def test_the_owners_today_page_and_dashboard_show_the_warnings(client, org, acme, owner, pair):
    for person in pair:
        away(org, owner, person, date(2026, 12, 7), date(2026, 12, 8))
    coverage_refresh(organisation=org, today=TODAY)
    login(client, owner)
    for url in (reverse("today"), reverse("dashboard")):
        page = client.get(url).content.decode()
        assert "Acme B.V.: nobody of the team is there from 7 December to 8 December" in page, url
    login(client, pair[0])
    assert "nobody of the team is there" not in client.get(reverse("today")).content.decode()
