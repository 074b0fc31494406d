"""Privacy: what the hub sends a client's contacts (questions, confirmations, phone messages) carries nothing internal."""

import json

import pytest

from vadesk.comms.models import OutboxMessage
from vadesk.comms.routing import preference_of
from vadesk.comms.services import phone_message_take, question_ask, request_confirm
from vadesk.conftest import leaked

pytestmark = pytest.mark.django_db


def test_messages_to_a_contact_never_carry_an_internal_comment_fact_or_follow_up(
    task, assistant, acme, cees, internal_notes
):
    preference = preference_of(cees)
    preference.cadence = "immediate"
    preference.save()

    request_confirm(by=assistant, task=task)
    question_ask(by=assistant, task=task, question="Mag het diner om 19:00?")
    phone_message_take(by=assistant, client=acme, caller_name="Jan de Vries", reason="Offerte", urgency="urgent")

    messages = list(OutboxMessage.objects.filter(contact=cees))
    assert {m.kind for m in messages} >= {"confirmation", "question", "phone"}, [m.kind for m in messages]
    for message in messages:
        for part in (message.subject, message.body_text, message.body_html, json.dumps(message.payload)):
            assert leaked(part) == [], message.kind
