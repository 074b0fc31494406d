from datetime import date, timedelta

import pytest

from vadesk.accounts.models import Membership
from vadesk.clients.models import Assignment
from vadesk.conftest import make_person
from vadesk.engagements.tests.factories import make_entry


@pytest.fixture
def bea(org, acme):
    """A second assistant on acme's team."""
    person = make_person("bea@assist.example", "Bea Backup")
    Membership.objects.create(person=person, organisation=org, role=Membership.Role.ASSISTANT)
    Assignment.objects.create(client=acme, person=person, role=Assignment.Role.BACKUP)
    return person


@pytest.fixture
def today() -> date:
    return date.today()


@pytest.fixture
def nearly_used_bundle(bundle, owner, today):
    """The 10-hour bundle with one hour left."""
    make_entry(bundle, owner, today - timedelta(days=3), 9 * 60)
    return bundle
