"""The owner keeps the organisation's details and brings people in."""

import re

from django.urls import reverse

from vadesk.accounts.models import Membership, Organisation, Person
from vadesk.comms.models import OutboxMessage


def test_the_owner_saves_valid_details_and_bad_ids_are_refused(client, owner, org):
    client.force_login(owner)
    data = {
        "name": "Assist & Co",
        "kind": "agency",
        "country": "NL",
        "default_hourly_rate": "62.50",
        "time_zone": "Europe/Amsterdam",
        "vat_id": "NL 1234.56.782.B01",
        "iban": "nl91 abna 0417 1643 00",
    }
    assert client.post(reverse("organisation"), data).status_code == 302
    org.refresh_from_db()
    assert (org.vat_id, org.iban, str(org.default_hourly_rate)) == ("NL123456782B01", "NL91ABNA0417164300", "62.50")
    response = client.post(reverse("organisation"), data | {"iban": "NL00ABNA0000000000", "time_zone": "Mars/Olympus"})
    body = response.content.decode()
    assert "not a valid IBAN" in body and "not a known time zone" in body
    org.refresh_from_db()
    assert org.iban == "NL91ABNA0417164300"


def test_an_invited_assistant_chooses_a_password_through_the_emailed_link_and_logs_in(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("member_new"),
        {"email": "Nina@Assist.example", "full_name": "Nina Nieuw", "role": "assistant", "language": "de"},
    )
    assert response.status_code == 302
    nina = Person.objects.get(email="nina@assist.example")
    assert not nina.has_usable_password()
    message = OutboxMessage.objects.get(kind="account")  # queued; the outbox worker delivers it
    assert (message.recipient, message.person) == ("nina@assist.example", nina) and "Assist & Co" in message.subject
    link = re.search(r"http://testserver(/password/reset/\S+)", message.body_text)[1]
    client.logout()
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-new-secret-42", "new_password2": "a-long-new-secret-42"},
    )
    assert client.login(username="nina@assist.example", password="a-long-new-secret-42")


def test_a_person_of_another_organisation_is_invited_not_silently_made_a_member(client, owner, outsider, org):
    client.force_login(owner)
    client.post(
        reverse("member_new"), {"email": outsider.email, "full_name": "", "role": "assistant", "language": "en"}
    )
    assert set(outsider.memberships.values_list("organisation__name", flat=True)) == {"Büro Schmidt"}
    assert Person.objects.filter(email=outsider.email).count() == 1
    assert OutboxMessage.objects.filter(recipient=outsider.email, kind="account").exists()


def test_a_client_user_needs_a_client_and_a_duplicate_is_refused(client, owner, assistant):
    client.force_login(owner)
    response = client.post(
        reverse("member_new"), {"email": "ceo@acme.example", "full_name": "Cees", "role": "client", "language": "nl"}
    )
    assert "Choose the client this person may see." in response.content.decode()
    response = client.post(
        reverse("member_new"), {"email": assistant.email, "full_name": "x", "role": "assistant", "language": "nl"}
    )
    assert "already belongs to this organisation" in response.content.decode()
    assert not Person.objects.filter(email="ceo@acme.example").exists()
    assert Membership.objects.filter(person=assistant).count() == 1


def test_assistants_cannot_change_the_organisation_or_add_people(client, assistant):
    client.force_login(assistant)
    assert client.get(reverse("organisation")).status_code == 403
    assert (
        client.post(
            reverse("member_new"), {"email": "x@y.example", "full_name": "X", "role": "owner", "language": "nl"}
        ).status_code
        == 403
    )
    assert not Person.objects.filter(email="x@y.example").exists()


def test_switching_organisation_changes_what_a_member_of_two_sees(client, owner, outsider, other_client, acme):
    Membership.objects.create(
        person=owner, organisation=Organisation.objects.get(name="Büro Schmidt"), role="assistant"
    )
    client.force_login(owner)
    assert "Acme" in client.get(reverse("clients")).content.decode()
    other = owner.memberships.get(organisation__name="Büro Schmidt")
    client.post(reverse("switch_organisation"), {"membership": other.pk})
    body = client.get(reverse("clients")).content.decode()
    assert "Acme" not in body and "Geheim GmbH" not in body  # an unassigned assistant there sees no client
