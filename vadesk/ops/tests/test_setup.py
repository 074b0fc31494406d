"""`vadesk setup`: a new installation's organisation and owner, validated, never a second account for an address."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vadesk.accounts.models import Membership, Organisation, Person

pytestmark = pytest.mark.django_db
ARGS = dict(organisation="Bureau Nieuw", email="Eigenaar@Nieuw.example", name="Eva Eigenaar")


def setup(monkeypatch, password: str = "a long enough passphrase", **args: str) -> str:
    monkeypatch.setenv("VADESK_SETUP_PASSWORD", password)
    out = io.StringIO()
    call_command("setup", **{**ARGS, **args}, stdout=out)
    return out.getvalue()


def test_it_creates_the_organisation_and_its_owner(monkeypatch, client):
    assert "eigenaar@nieuw.example is its owner" in setup(monkeypatch, country="DE", time_zone="Europe/Berlin")
    membership = Membership.objects.get(person__email="eigenaar@nieuw.example")
    assert membership.role == Membership.Role.OWNER
    assert (membership.organisation.name, membership.organisation.country) == ("Bureau Nieuw", "DE")
    assert client.login(username="eigenaar@nieuw.example", password="a long enough passphrase")


def test_it_refuses_an_address_that_has_an_account(monkeypatch, owner):
    with pytest.raises(CommandError, match="has an account already"):
        setup(monkeypatch, email=owner.email.upper())
    assert not Organisation.objects.filter(name="Bureau Nieuw").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (dict(password="kort"), "too short"),
        (dict(time_zone="Mars/Olympus"), "not a known time zone"),
        (dict(email="not-an-address"), "valid email"),
    ],
)
def test_it_refuses_bad_input_and_creates_nothing(monkeypatch, args, message):
    with pytest.raises(CommandError, match=message):
        setup(monkeypatch, **args)
    assert not Organisation.objects.exists() and not Person.objects.exists()
