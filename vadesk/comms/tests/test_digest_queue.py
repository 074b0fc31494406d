"""Issue 9.3: what waits for a contact's digest is visible on the client's Messages page, with the time it goes,
and the assistant can edit it, remove it or send it at once; confirmations of a request never wait for a digest."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from vadesk.comms.channels import SmtpAdapter
from vadesk.comms.digests import digests_build_due
from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import outbox_run
from vadesk.comms.services import digest_item_change, phone_message_take, preference_set, question_ask, request_confirm
from vadesk.tasks.services import task_create

MORNING = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam
DIGEST = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)  # 17:00 in Amsterdam


@pytest.fixture
def daily(cees, assistant):
    with time_machine.travel(MORNING, tick=False):
        return preference_set(
            by=assistant, contact=cees, cadence="daily", digest_time=time(17), time_zone="Europe/Amsterdam"
        )


@pytest.fixture
def asked(daily, acme, assistant):
    with time_machine.travel(MORNING + timedelta(hours=1), tick=False):
        task = task_create(by=assistant, client=acme, title="Hotel Berlijn boeken", assignees=[assistant])
        _comment, [row] = question_ask(by=assistant, task=task, question="Wil je een kamer met ontbijt?")
    return row


def digest_text() -> str:
    with time_machine.travel(DIGEST, tick=False):
        assert digests_build_due() == 1
    return OutboxMessage.objects.get(kind="digest").body_text


def test_a_question_to_a_digest_contact_waits_for_the_digest_with_its_time(asked, cees):
    assert (asked.state, asked.contact, asked.not_before) == ("held", cees, DIGEST)
    assert "Wil je een kamer met ontbijt?" in digest_text()
    asked.refresh_from_db()
    assert asked.state == "in_digest"  # told in the digest; no longer waiting, no longer editable


@pytest.mark.django_db
def test_the_clients_messages_page_shows_the_queue_and_when_it_goes(asked, acme, assistant, client):
    client.force_login(assistant)
    page = client.get(reverse("comms:people", args=[acme.pk])).content.decode()
    assert 'data-testid="digest-queue"' in page and f'data-testid="digest-item-{asked.pk}"' in page
    assert "Wed 25 Nov, 17:00 (Europe/Amsterdam)" in page  # the contact's own time
    assert "Wil je een kamer met ontbijt?" in page


def test_an_edited_text_is_what_the_digest_says(asked, acme, assistant, client):
    client.force_login(assistant)
    response = client.post(
        reverse("comms:digest_item", args=[asked.pk]),
        {"action": "save", "subject": asked.subject, "text": "Liever een kamer aan de achterkant, met ontbijt?"},
    )
    assert response.status_code == 302
    text = digest_text()
    assert "Liever een kamer aan de achterkant" in text and "Wil je een kamer met ontbijt?" not in text


def test_a_removed_item_is_not_in_the_digest(asked, acme, assistant, client):
    with time_machine.travel(MORNING + timedelta(hours=2), tick=False):
        phone_message_take(by=assistant, client=acme, caller_name="Jan de Vries", reason="Offerte taarten")
    client.force_login(assistant)
    client.post(reverse("comms:digest_item", args=[asked.pk]), {"action": "remove"})
    asked.refresh_from_db()
    assert asked.state == "removed"
    text = digest_text()
    assert "Hotel Berlijn boeken" not in text and "Jan de Vries" in text  # the rest still goes


def test_send_now_delivers_it_alone_and_the_digest_does_not_repeat_it(asked, acme, assistant, client, smtp_server):
    with time_machine.travel(MORNING + timedelta(hours=2), tick=False):
        phone_message_take(by=assistant, client=acme, caller_name="Jan de Vries", reason="Offerte taarten")
    client.force_login(assistant)
    client.post(reverse("comms:digest_item", args=[asked.pk]), {"action": "send"})
    assert outbox_run(adapters={"email": SmtpAdapter()})["sent"] == 1
    [mail] = smtp_server.mailbox.parsed()
    assert "Wil je een kamer met ontbijt?" in mail.get_body(("plain",)).get_content()
    assert "Hotel Berlijn boeken" not in digest_text()


def test_an_item_is_changed_once_its_digest_has_gone_no_more(asked, assistant):
    digest_text()
    assert digest_item_change(by=assistant, message=asked, action="remove") is False
    asked.refresh_from_db()
    assert asked.state == "in_digest"


def test_an_empty_text_is_refused_and_nothing_changes(asked, assistant, client):
    client.force_login(assistant)
    client.post(reverse("comms:digest_item", args=[asked.pk]), {"action": "save", "subject": "x", "text": "  "})
    asked.refresh_from_db()
    assert asked.state == "held" and "Wil je een kamer met ontbijt?" in asked.body_text


def test_another_organisation_cannot_touch_the_queue(asked, outsider, client):
    client.force_login(outsider)
    response = client.post(reverse("comms:digest_item", args=[asked.pk]), {"action": "remove"})
    assert response.status_code == 404
    asked.refresh_from_db()
    assert asked.state == "held"


def test_a_confirmation_goes_at_once_even_to_a_digest_contact(daily, task, assistant, cees):
    with time_machine.travel(MORNING, tick=False):
        [row] = request_confirm(by=assistant, task=task)
    assert (row.kind, row.state, row.not_before) == ("confirmation", "pending", MORNING)


def test_no_confirmation_when_the_contact_asked_for_none(daily, task, assistant, cees):
    preference_set(by=assistant, contact=cees, confirmations=False)
    assert request_confirm(by=assistant, task=task) == []
    assert not OutboxMessage.objects.filter(kind="confirmation").exists()
