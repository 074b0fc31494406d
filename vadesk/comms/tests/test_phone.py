"""Phone numbers normalised to E.164 with libphonenumber, and urgent calls routed by the contact's rules."""

from datetime import UTC, datetime, time

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError

from vadesk.comms.phone import normalise_number
from vadesk.comms.services import phone_message_take, preference_set


@pytest.mark.parametrize(
    ("text", "region", "e164"),
    [
        ("020 123 4567", "NL", "+31201234567"),
        ("06-12345678", "NL", "+31612345678"),
        ("+49 30 1234567", "NL", "+49301234567"),
        ("030 1234567", "DE", "+49301234567"),
        ("02 511 12 34", "BE", "+3225111234"),
        ("0031 20 123 4567", "NL", "+31201234567"),
        ("", "NL", ""),
    ],
)
def test_numbers_are_normalised_to_e164(text, region, e164):
    assert normalise_number(text, region) == e164


@pytest.mark.parametrize("text", ["12", "abc", "+31 6 123", "+999 123 456 789"])
def test_wrong_numbers_are_refused(text):
    with pytest.raises(ValidationError):
        normalise_number(text, "NL")


WEDNESDAY_2300_AMS = datetime(2026, 11, 25, 22, 0, tzinfo=UTC)


@pytest.fixture
def night_owl_rules(cees, assistant):
    return preference_set(
        by=assistant,
        contact=cees,
        cadence="daily",
        quiet_from=time(21),
        quiet_until=time(8),
        time_zone="Europe/Amsterdam",
    )


def test_an_urgent_call_at_night_waits_for_the_morning(night_owl_rules, acme, assistant):
    with time_machine.travel(WEDNESDAY_2300_AMS, tick=False):
        _, [row] = phone_message_take(by=assistant, client=acme, caller_name="Jan", reason="Lekkage", urgency="urgent")
    assert row.not_before == datetime(2026, 11, 26, 7, 0, tzinfo=UTC)  # 08:00 in Amsterdam


def test_an_urgent_call_at_night_goes_now_when_the_assistant_confirms(night_owl_rules, acme, assistant):
    with time_machine.travel(WEDNESDAY_2300_AMS, tick=False):
        _, [row] = phone_message_take(
            by=assistant, client=acme, caller_name="Jan", reason="Brand", urgency="urgent", override_quiet=True
        )
    assert row.not_before == WEDNESDAY_2300_AMS


def test_an_urgent_call_takes_whatsapp_when_the_contact_wants_it(cees, acme, assistant, monkeypatch):
    monkeypatch.setattr(settings, "WHATSAPP_PHONE_NUMBER_ID", "1")
    monkeypatch.setattr(settings, "WHATSAPP_TOKEN", "t")
    preference_set(by=assistant, contact=cees, by_whatsapp=True, cadence="daily")
    _, rows = phone_message_take(by=assistant, client=acme, caller_name="Jan", reason="Brand", urgency="urgent")
    assert [(r.channel, r.recipient) for r in rows] == [("whatsapp", "+31612345678")]


def test_without_a_whatsapp_account_it_falls_back_to_e_mail(cees, acme, assistant):
    preference_set(by=assistant, contact=cees, by_whatsapp=True, by_email=False)
    _, rows = phone_message_take(by=assistant, client=acme, caller_name="Jan", reason="Brand", urgency="urgent")
    assert [(r.channel, r.recipient) for r in rows] == [("email", "ceo@acme.example")]


def test_another_clients_contact_cannot_be_chosen(acme, assistant, gerda):
    with pytest.raises(ValidationError):
        phone_message_take(by=assistant, client=acme, contact=gerda, caller_name="Jan", reason="x")
