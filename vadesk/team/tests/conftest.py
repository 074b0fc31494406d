"""Fixtures of the team app's tests."""

import pytest

from vadesk.accounts.models import Membership
from vadesk.clients.models import Assignment
from vadesk.conftest import make_person


@pytest.fixture
def team(org, acme, owner):
    """Acme's team in the order of cover: Anna (lead), Bram (backup 1), Cora (backup 2)."""
    people = {}
    for position, (key, name, role) in enumerate(
        [("a", "Anna Lead", "lead"), ("b", "Bram Backup", "backup"), ("c", "Cora Second", "backup")]
    ):
        person = make_person(f"{key}@assist.example", name)
        Membership.objects.create(person=person, organisation=org, role=Membership.Role.ASSISTANT)
        Assignment.objects.create(client=acme, person=person, role=role, position=position)
        people[key] = person
    return people
