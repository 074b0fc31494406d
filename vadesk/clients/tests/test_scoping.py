"""Deny by default: which clients each person reaches, as staff or through the portal."""

import pytest
from django.http import Http404

from vadesk.accounts.models import Membership, Person
from vadesk.clients.models import Assignment, Client
from vadesk.clients.scoping import (
    client_for,
    clients_for,
    is_staff_for,
    portal_clients,
    staff_clients,
    visible_clients,
)


@pytest.fixture
def globex(org) -> Client:
    """A second client of the agency, which the assistant does not serve."""
    return Client.objects.create(organisation=org, name="Globex")


def fresh(person: Person) -> Person:
    """The person as a new request loads them: roles are read once per request."""
    return Person.objects.get(pk=person.pk)


def test_an_owner_sees_every_client_of_their_own_organisation_only(owner, acme, globex, other_client):
    assert set(staff_clients(owner)) == {acme, globex}
    assert (is_staff_for(owner, globex), is_staff_for(owner, other_client)) == (True, False)


def test_an_assistant_sees_only_the_clients_they_are_assigned_to(assistant, acme, globex, other_client):
    assert list(staff_clients(assistant)) == [acme]
    assert [is_staff_for(assistant, c) for c in (acme, globex, other_client)] == [True, False, False]


def test_an_assistant_without_assignments_sees_no_client(colleague, acme, globex):
    assert not staff_clients(colleague).exists()
    assert not visible_clients(colleague).exists()


def test_an_assignment_in_another_organisation_gives_no_reach(assistant, acme, other_client):
    Assignment.objects.create(client=other_client, person=assistant)

    assert list(staff_clients(fresh(assistant))) == [acme]
    assert not is_staff_for(fresh(assistant), other_client)


def test_staff_clients_can_be_narrowed_to_one_organisation(owner, acme, other_org, other_client):
    Membership.objects.create(person=owner, organisation=other_org, role=Membership.Role.OWNER)
    owner = fresh(owner)

    assert set(staff_clients(owner)) == {acme, other_client}
    assert list(staff_clients(owner, organisation_id=other_org.pk)) == [other_client]


def test_an_assistant_in_one_organisation_and_client_user_in_another_has_both_roles_apart(
    assistant, acme, other_org, other_client
):
    Membership.objects.create(
        person=assistant, organisation=other_org, role=Membership.Role.CLIENT, client=other_client
    )
    Client.objects.create(organisation=other_org, name="Nachbar AG")
    person = fresh(assistant)

    assert list(staff_clients(person)) == [acme]
    assert list(portal_clients(person)) == [other_client]
    assert set(visible_clients(person)) == {acme, other_client}
    assert (is_staff_for(person, acme), is_staff_for(person, other_client)) == (True, False)


def test_a_client_user_sees_only_their_own_client_and_is_staff_for_none(acme_user, acme, globex, other_client):
    assert list(portal_clients(acme_user)) == [acme]
    assert list(visible_clients(acme_user)) == [acme]
    assert not staff_clients(acme_user).exists()
    assert not is_staff_for(acme_user, acme)


def test_an_assignment_does_not_make_a_client_user_staff(acme_user, acme):
    Assignment.objects.create(client=acme, person=acme_user)

    assert not staff_clients(fresh(acme_user)).exists()
    assert not is_staff_for(fresh(acme_user), acme)


@pytest.mark.parametrize("who", ["owner", "assistant", "acme_user"])
def test_an_inactive_membership_sees_nothing(request, acme, globex, who):
    person = request.getfixturevalue(who)
    Membership.objects.filter(person=person).update(is_active=False)
    person = fresh(person)

    assert not visible_clients(person).exists()
    assert not staff_clients(person).exists()
    assert not portal_clients(person).exists()
    assert not is_staff_for(person, acme)


def test_someone_without_any_membership_sees_nothing(db, acme):
    from vadesk.conftest import make_person

    nobody = make_person("nobody@example.com", "No Body")

    assert not visible_clients(nobody).exists()


def test_client_for_loads_a_reachable_client(assistant, acme):
    assert client_for(assistant, acme.pk) == client_for(assistant, acme.pk, write=True) == acme


@pytest.mark.parametrize("write", [False, True])
@pytest.mark.parametrize("pk", ["globex", "other_client", "missing", "not a number", None])
def test_client_for_answers_404_for_anything_out_of_reach(request, assistant, globex, other_client, pk, write):
    lookup = {"globex": globex.pk, "other_client": other_client.pk, "missing": 10**9}.get(pk, pk)

    with pytest.raises(Http404):
        client_for(assistant, lookup, write=write)


def test_a_client_user_reads_their_own_client_but_does_not_reach_it_as_the_team(acme_user, acme, globex):
    assert client_for(acme_user, acme.pk) == acme
    with pytest.raises(Http404):
        client_for(acme_user, acme.pk, write=True)
    with pytest.raises(Http404):
        client_for(acme_user, globex.pk)


def test_clients_for_narrows_to_the_organisation_worked_in(owner, acme, other_org, other_client):
    Membership.objects.create(person=owner, organisation=other_org, role=Membership.Role.OWNER)
    owner = fresh(owner)

    assert set(clients_for(owner)) == {acme, other_client}
    assert list(clients_for(owner, write=True, organisation=acme.organisation_id)) == [acme]
    with pytest.raises(Http404):
        client_for(owner, other_client.pk, organisation=acme.organisation_id)
