"""client_team_set: the owner decides who serves a client, and only the organisation's staff can."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from vadesk.clients.services import client_team_set


def _team(acme) -> dict[int, str]:
    return dict(acme.assignments.values_list("person_id", "role"))


def test_the_owner_sets_the_team(owner, assistant, colleague, acme):
    client_team_set(by=owner, client=acme, roles={colleague.pk: "lead"})

    assert _team(acme) == {colleague.pk: "lead"}


def test_an_assistant_on_the_team_may_not_change_it_on_the_page_or_through_the_service(
    client, assistant, colleague, acme
):
    before = _team(acme)
    with pytest.raises(PermissionDenied):
        client_team_set(by=assistant, client=acme, roles={colleague.pk: "lead"})
    client.force_login(assistant)

    assert client.post(reverse("client_team", args=[acme.pk]), {f"role-{colleague.pk}": "lead"}).status_code == 403
    assert _team(acme) == before


def test_someone_outside_the_organisation_cannot_join_the_team(owner, assistant, outsider, acme_user, acme):
    before = _team(acme)
    for person in (outsider, acme_user):
        with pytest.raises(ValidationError):
            client_team_set(by=owner, client=acme, roles={assistant.pk: "lead", person.pk: "backup"})

    assert _team(acme) == before


def test_the_team_page_sets_the_order_of_cover(client, owner, assistant, colleague, acme):
    client.force_login(owner)
    response = client.post(
        reverse("client_team", args=[acme.pk]),
        {
            f"role-{assistant.pk}": "backup",
            f"order-{assistant.pk}": "3",
            f"role-{colleague.pk}": "backup",
            f"order-{colleague.pk}": "2",
        },
    )
    assert response.status_code == 302
    assert [a.person_id for a in acme.assignments.in_cover_order()] == [colleague.pk, assistant.pk]
    page = client.get(reverse("client_team", args=[acme.pk])).content.decode()
    assert page.index(str(colleague)) < page.index(str(assistant))  # shown in the order of cover


def test_a_lead_comes_first_whatever_its_number_and_nonsense_numbers_are_refused(owner, assistant, colleague, acme):
    client_team_set(
        by=owner,
        client=acme,
        roles={assistant.pk: "backup", colleague.pk: "lead"},
        order={assistant.pk: 1, colleague.pk: 5},
    )
    assert [a.person_id for a in acme.assignments.in_cover_order()] == [colleague.pk, assistant.pk]
    with pytest.raises(ValidationError):
        client_team_set(by=owner, client=acme, roles={assistant.pk: "backup"}, order={assistant.pk: 0})


def test_a_team_without_members_is_refused_on_the_page_and_through_the_service(client, owner, assistant, acme):
    before = _team(acme)
    with pytest.raises(ValidationError, match="at least one member"):
        client_team_set(by=owner, client=acme, roles={})
    client.force_login(owner)
    page = client.post(reverse("client_team", args=[acme.pk]), {}, follow=True).content.decode()
    assert "at least one member" in page
    assert _team(acme) == before
