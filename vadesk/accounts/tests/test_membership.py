"""Membership.full_clean: a client user's client belongs to the membership's organisation."""

import pytest
from django.core.exceptions import ValidationError

from vadesk.accounts.models import Membership
from vadesk.conftest import make_person


@pytest.fixture
def person(db):
    return make_person("cees@example.com", "Cees")


def test_a_client_user_of_one_of_the_organisations_clients_is_valid(person, org, acme):
    Membership(person=person, organisation=org, role=Membership.Role.CLIENT, client=acme).full_clean()


def test_a_client_user_cannot_be_given_another_organisations_client(person, org, other_client):
    with pytest.raises(ValidationError) as refused:
        Membership(person=person, organisation=org, role=Membership.Role.CLIENT, client=other_client).full_clean()

    assert refused.value.message_dict == {"client": ["This client belongs to another organisation."]}


@pytest.mark.parametrize(
    ("role", "with_client"),
    [(Membership.Role.CLIENT, False), (Membership.Role.ASSISTANT, True), (Membership.Role.OWNER, True)],
)
def test_client_users_and_only_they_have_a_client(person, org, acme, role, with_client):
    with pytest.raises(ValidationError):
        Membership(person=person, organisation=org, role=role, client=acme if with_client else None).full_clean()
