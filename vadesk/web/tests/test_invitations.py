"""Invitations instead of silent memberships (issue 10.7): an address that already has an account is invited through
the outbox; the person accepts through a signed, single-use link that expires; until then the inviting organisation
sees only the name its owner typed; counts on the team page are per organisation."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from vadesk.accounts.models import Invitation, Membership
from vadesk.clients.models import Assignment
from vadesk.comms.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _invite(client, owner, email, name="Otto from Schmidt"):
    client.force_login(owner)
    return client.post(
        reverse("member_new"), {"email": email, "full_name": name, "role": "assistant", "language": "en"}, follow=True
    )


def _link(email: str) -> str:
    message = OutboxMessage.objects.filter(recipient=email, kind="account").latest("pk")
    return re.search(r"http://testserver(/invitations/\S+/)", message.body_text)[1]


def test_the_inviting_owner_sees_only_what_they_typed_until_the_person_accepts(client, owner, outsider, org):
    page = _invite(client, owner, outsider.email).content.decode()
    assert "Otto from Schmidt has been e-mailed an invitation" in page
    assert "Otto Outsider" not in page  # the account's own name
    assert not Membership.objects.filter(person=outsider, organisation=org).exists()
    team = client.get(reverse("team")).content.decode()
    assert "Otto from Schmidt" in team and "Otto Outsider" not in team


def test_the_person_accepts_once_through_the_signed_link(client, owner, outsider, org):
    _invite(client, owner, outsider.email)
    link = _link(outsider.email)
    client.force_login(outsider)
    assert "Assist &amp; Co invites you" in client.get(link).content.decode()
    assert client.post(link, {"answer": "accept"}).status_code == 302
    assert Membership.objects.get(person=outsider, organisation=org).role == "assistant"
    assert client.post(link, {"answer": "accept"}).status_code == 404  # single use
    assert Membership.objects.filter(person=outsider, organisation=org).count() == 1


def test_a_declined_invitation_gives_no_membership(client, owner, outsider, org):
    _invite(client, owner, outsider.email)
    link = _link(outsider.email)
    client.force_login(outsider)
    client.post(link, {"answer": "decline"})
    assert not Membership.objects.filter(person=outsider, organisation=org).exists()
    assert Invitation.objects.get().declined_at is not None


def test_the_link_expires(client, owner, outsider, org):
    _invite(client, owner, outsider.email)
    link = _link(outsider.email)
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        client.force_login(outsider)
        assert client.post(link, {"answer": "accept"}).status_code == 404
    assert not Membership.objects.filter(person=outsider, organisation=org).exists()


def test_nobody_else_can_use_the_link_or_forge_one(client, owner, outsider, colleague, org):
    _invite(client, owner, outsider.email)
    link = _link(outsider.email)
    client.force_login(colleague)  # signed in, but not the invited address
    assert client.post(link, {"answer": "accept"}).status_code == 404
    client.force_login(outsider)
    forged = link.replace(link.split("/")[2], str(Invitation.objects.get().pk))
    assert client.post(forged, {"answer": "accept"}).status_code == 404
    client.logout()
    assert client.get(link).status_code == 302  # to sign in first
    assert not Membership.objects.filter(person=outsider, organisation=org).exists()


def test_a_second_invitation_to_the_same_address_is_refused(client, owner, outsider):
    _invite(client, owner, outsider.email)
    assert "has already been invited" in _invite(client, owner, outsider.email).content.decode()
    assert Invitation.objects.count() == 1


def test_the_team_page_counts_only_this_organisations_clients(client, owner, outsider, org, other_client, acme):
    Membership.objects.create(person=outsider, organisation=org, role="assistant")
    Assignment.objects.create(client=other_client, person=outsider)  # a client of Büro Schmidt
    client.force_login(owner)
    team = client.get(reverse("team"))
    [row] = [r for r in team.context["rows"] if r[0] == outsider]
    assert row[0].client_count == 0
