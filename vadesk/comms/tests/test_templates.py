"""Message templates: the organisation's own wording with $placeholders, and no way to inject anything."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from vadesk.comms.models import MessageTemplate, OutboxMessage
from vadesk.comms.placeholders import fill, unknown_placeholders
from vadesk.comms.services import phone_message_take, template_save
from vadesk.conftest import login


def test_only_whitelisted_placeholders_are_filled():
    assert fill("Beste $contact, ${caller} belde.", {"contact": "Cees", "caller": "Jan"}) == "Beste Cees, Jan belde."


@pytest.mark.parametrize(
    "text",
    [
        "{{ request.user.password }}",
        "{% load log %}{% get_admin_log 10 as x %}",
        "{{ settings.SECRET_KEY }}",
    ],
)
def test_django_template_syntax_stays_literal_text(text):
    assert fill(text, {"contact": "Cees"}) == text
    assert unknown_placeholders(text, "phone") == []


def test_attribute_access_is_impossible():
    # string.Template identifiers have no dots: "$client.organisation" is the client's name followed by ".organisation".
    assert fill("$client.organisation.iban", {"client": "Acme"}) == "Acme.organisation.iban"


def test_a_value_that_looks_like_a_placeholder_is_not_expanded_again():
    assert fill("$caller: $reason", {"caller": "$reason", "reason": "x"}) == "$reason: x"


def test_saving_refuses_unknown_placeholders_and_a_lone_dollar(org, owner):
    with pytest.raises(ValidationError) as refused:
        template_save(
            by=owner,
            organisation_id=org.pk,
            kind="phone",
            language="nl",
            subject="Bericht van $caler",
            body="Kosten: 5 $",
        )
    assert "$caler" in str(refused.value.message_dict["subject"]) and "lone $" in str(
        refused.value.message_dict["body"]
    )
    assert not MessageTemplate.objects.exists()


def test_an_organisations_own_template_is_used_in_the_contacts_language(org, owner, acme, assistant, cees):
    template_save(
        by=owner,
        organisation_id=org.pk,
        kind="phone",
        language="nl",
        subject="☎ $caller voor $client",
        body="Hoi $contact, bel $caller terug op $number. {{ secret }}",
    )
    phone_message_take(by=assistant, client=acme, caller_name="Jan", number="+31201234567", reason="x")
    message = OutboxMessage.objects.get()
    assert message.subject == "☎ Jan voor Acme B.V."
    assert message.body_text == "Hoi Cees Acme, bel Jan terug op +31 20 123 4567. {{ secret }}"


def test_another_organisations_template_is_never_used(org, other_org, outsider, acme, assistant, cees):
    template_save(
        by=outsider, organisation_id=other_org.pk, kind="phone", language="nl", subject="FREMD $caller", body="fremd"
    )
    phone_message_take(by=assistant, client=acme, caller_name="Jan", reason="x")
    assert "FREMD" not in OutboxMessage.objects.get().subject


def test_the_owner_edits_a_template_in_the_ui_and_an_assistant_cannot(client, owner, assistant):
    login(client, owner)
    response = client.post(
        reverse("comms:template_edit", args=["question", "de"]),
        {"subject": "Frage: $task", "body": "Guten Tag $contact,\n$question"},
    )
    assert response.status_code == 302 and MessageTemplate.objects.get().subject == "Frage: $task"
    bad = client.post(reverse("comms:template_edit", args=["question", "de"]), {"subject": "$nope", "body": "x"})
    assert "Unknown placeholder" in bad.content.decode()
    client.force_login(assistant)
    assert client.get(reverse("comms:templates")).status_code == 403
    assert (
        client.post(reverse("comms:template_edit", args=["question", "de"]), {"subject": "x", "body": "y"}).status_code
        == 403
    )
