"""A client user never sees an absence's type or another client's team (issue 14, "Bad input and safety")."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from vadesk.accounts.models import Membership
from vadesk.clients.models import Assignment, Client
from vadesk.conftest import make_person
from vadesk.team.cover import covers_refresh
from vadesk.team.services import absence_request

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def globex(org, team):
    """Another client of the same agency, whose team is Cora alone, with its own portal user."""
    globex = Client.objects.create(organisation=org, name="Globex B.V.", country="NL", preferred_language="nl")
    Assignment.objects.create(client=globex, person=team["c"], role="lead", position=0)
    user = make_person("ceo@globex.example", "Gerda Globex", "nl")
    Membership.objects.create(person=user, organisation=org, role=Membership.Role.CLIENT, client=globex)
    return user


@pytest.mark.parametrize("language", ["nl", "de", "en"])
def test_the_portal_shows_neither_the_type_nor_another_clients_team(
    client, org, acme, owner, team, acme_user, globex, language
):
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=AMS), tick=False):
        absence_request(
            by=owner,
            organisation=org,
            person=team["a"],
            kind="sick",
            start_date=date(2026, 12, 1),
            end_date=date(2026, 12, 14),
            note="Griep",
        )
        covers_refresh(organisation=org, today=date(2026, 12, 3))
        for user in (acme_user, globex):
            user.language = language
            user.save(update_fields=["language"])
        client.force_login(acme_user)
        acme_page = client.get(reverse("portal:home")).content.decode()
        client.force_login(globex)
        globex_page = client.get(reverse("portal:home")).content.decode()
    for word in ("sick", "ziek", "krank", "Griep", "holiday"):
        assert word.lower() not in acme_page.lower() and word.lower() not in globex_page.lower(), word
    assert "Anna" in acme_page and "Bram" in acme_page  # acme's own team and who helps
    assert "Anna" not in globex_page and "Bram" not in globex_page  # not Globex's team: nothing of them
    assert "Globex" not in acme_page and "Acme" not in globex_page


def test_a_client_user_reaches_no_team_page(client, org, acme, owner, team, acme_user):
    absence_request(
        by=owner,
        organisation=org,
        person=team["a"],
        kind="sick",
        start_date=date(2026, 12, 1),
        end_date=date(2026, 12, 14),
    )
    client.force_login(acme_user)
    for name, kwargs in [
        ("team:calendar", {}),
        ("team:absences", {}),
        ("team:profile", {"person_pk": team["a"].pk}),
        ("team:candidates", {"client_pk": acme.pk}),
        ("team:match", {}),
    ]:
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code in (302, 403, 404), name
        assert b"sick" not in response.content.lower() and b"ziek" not in response.content.lower(), name
