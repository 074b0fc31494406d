"""Digests: at the contact's own time, one e-mail in their language with only their client's news, or nothing."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from vadesk.comms.channels import SmtpAdapter
from vadesk.comms.digests import digests_build_due
from vadesk.comms.models import OutboxMessage, Preference
from vadesk.comms.outbox import outbox_run
from vadesk.comms.services import phone_message_take, preference_set, question_ask
from vadesk.tasks.models import Status
from vadesk.tasks.services import task_create, task_transition

pytestmark = pytest.mark.django_db(transaction=True)

# Wednesday 25 November 2026, 10:00 in Amsterdam (CET, UTC+1)
MORNING = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
def daily(cees, assistant):
    with time_machine.travel(MORNING, tick=False):
        return preference_set(
            by=assistant,
            contact=cees,
            cadence="daily",
            digest_time=time(17),
            time_zone="Europe/Amsterdam",
            language="nl",
        )


def news_for(acme, bundle, assistant, cees):
    with time_machine.travel(MORNING + timedelta(hours=1), tick=False):
        asked = task_create(by=assistant, client=acme, title="Hotel Berlijn boeken", assignees=[assistant])
        question_ask(by=assistant, task=asked, question="Wil je een kamer met ontbijt?")
        finished = task_create(by=assistant, client=acme, title="Facturen verstuurd", assignees=[assistant])
        task_transition(by=assistant, task=finished, to=Status.DONE)
        phone_message_take(
            by=assistant,
            client=acme,
            caller_name="Jan de Vries",
            company="Bakkerij",
            number="020 123 4567",
            reason="Offerte taarten",
            callback=True,
            callback_when="vanmiddag",
        )


def secrets_of_the_other_client(other_client, outsider):
    with time_machine.travel(MORNING + timedelta(hours=1), tick=False):
        secret = task_create(by=outsider, client=other_client, title="Geheime fusie Geheim GmbH")
        question_ask(by=outsider, task=secret, question="Geheime Frage?")
        phone_message_take(
            by=outsider, client=other_client, caller_name="Spion", number="+49 30 1234567", reason="Geheimnis"
        )


def test_a_daily_digest_goes_at_17_00_local_with_questions_work_done_calls_and_hours(
    daily, acme, bundle, assistant, cees, smtp_server
):
    news_for(acme, bundle, assistant, cees)
    # A digest contact is not disturbed per item: the question and the call wait, held, for the digest.
    held = OutboxMessage.objects.filter(contact=cees)
    assert sorted(held.values_list("kind", "state")) == [("phone", "held"), ("question", "held")]

    with time_machine.travel(datetime(2026, 11, 25, 15, 59, tzinfo=UTC), tick=False):  # 16:59 in Amsterdam
        assert digests_build_due() == 0
    with time_machine.travel(datetime(2026, 11, 25, 16, 0, tzinfo=UTC), tick=False):  # 17:00
        assert digests_build_due() == 1
        assert digests_build_due() == 0  # claimed: never built twice
        outbox_run(adapters={"email": SmtpAdapter()})
    assert set(held.exclude(kind="digest").values_list("state", flat=True)) == {"in_digest"}

    [mail] = smtp_server.mailbox.parsed()
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert mail["To"] == "ceo@acme.example" and mail["Auto-Submitted"] == "auto-generated"
    assert "Beste Cees Acme" in text  # Dutch, addressed to the contact
    for expected in (
        "Hotel Berlijn boeken",
        "Wil je een kamer met ontbijt?",
        "Facturen verstuurd",
        "Jan de Vries",
        "+31 20 123 4567",
        "Strippenkaart 10 uur",
    ):
        assert expected in text and expected in html
    assert "Vragen die op je antwoord wachten" in text or "Vragen die op uw antwoord wachten" in text
    preference = Preference.objects.get(contact=cees)
    assert preference.next_digest_at == datetime(2026, 11, 26, 16, 0, tzinfo=UTC)


def test_a_digest_never_shows_another_clients_data(
    daily, acme, bundle, assistant, cees, other_client, outsider, gerda, smtp_server
):
    news_for(acme, bundle, assistant, cees)
    secrets_of_the_other_client(other_client, outsider)
    with time_machine.travel(datetime(2026, 11, 25, 16, 0, tzinfo=UTC), tick=False):
        digests_build_due()
    digest = OutboxMessage.objects.get(kind="digest")
    for secret in ("Geheim", "Geheime", "Spion", "Geheimnis", "+49301234567", "+49 30 1234567", "Büro Schmidt"):
        assert secret not in digest.body_text and secret not in digest.body_html and secret not in digest.subject


def test_nothing_is_sent_when_there_is_nothing_to_say(daily, bundle, cees):
    with time_machine.travel(datetime(2026, 11, 25, 16, 0, tzinfo=UTC), tick=False):
        assert digests_build_due() == 0
    assert OutboxMessage.objects.count() == 0
    assert Preference.objects.get(contact=cees).next_digest_at == datetime(
        2026, 11, 26, 16, 0, tzinfo=UTC
    )  # but the next one is planned


def test_work_done_is_reported_once_and_not_again_in_the_next_digest(daily, acme, bundle, assistant, cees):
    news_for(acme, bundle, assistant, cees)
    with time_machine.travel(datetime(2026, 11, 25, 16, 0, tzinfo=UTC), tick=False):
        digests_build_due()
    with time_machine.travel(datetime(2026, 11, 26, 16, 0, tzinfo=UTC), tick=False):
        digests_build_due()
    first, second = OutboxMessage.objects.filter(kind="digest").order_by("id")
    assert "Facturen verstuurd" in first.body_text and "Facturen verstuurd" not in second.body_text
    assert "Hotel Berlijn boeken" in second.body_text  # the question still waits for an answer


def test_an_urgent_phone_message_skips_the_digest_and_goes_now(daily, acme, assistant, cees):
    with time_machine.travel(MORNING, tick=False):
        _, rows = phone_message_take(
            by=assistant, client=acme, caller_name="Politie", reason="Alarm op kantoor", urgency="urgent"
        )
    assert [(r.kind, r.urgent, r.recipient) for r in rows] == [("phone", True, "ceo@acme.example")]
    assert rows[0].not_before == MORNING


def test_a_reply_to_a_digest_with_one_question_lands_on_that_questions_task(daily, acme, bundle, assistant, cees):
    from email.message import EmailMessage

    from vadesk.comms.inbound import inbound_receive
    from vadesk.tasks.models import Comment, Task

    with time_machine.travel(MORNING, tick=False):
        asked = task_create(by=assistant, client=acme, title="Cadeau voor de jubilaris", assignees=[assistant])
        question_ask(by=assistant, task=asked, question="Welk budget?")
    with time_machine.travel(datetime(2026, 11, 25, 16, 0, tzinfo=UTC), tick=False):
        digests_build_due()
    digest = OutboxMessage.objects.get(kind="digest")
    reply = EmailMessage()
    reply["From"], reply["To"], reply["Subject"] = "ceo@acme.example", digest.reply_to, "Re: " + digest.subject
    reply["In-Reply-To"], reply["Message-ID"] = digest.message_id, "<reply-1@acme.example>"
    reply.set_content("Maximaal 50 euro.")

    inbound_receive(raw=reply.as_bytes(), envelope_recipients=[digest.reply_to])

    assert Comment.objects.filter(task=asked, body__contains="Maximaal 50 euro").exists()
    assert Task.objects.filter(client=acme).count() == 1  # no new task


def test_each_question_in_a_digest_has_its_own_reply_link(daily, acme, bundle, assistant, cees):
    from vadesk.comms.addresses import task_reply_address

    with time_machine.travel(MORNING, tick=False):
        first = task_create(by=assistant, client=acme, title="Eerste vraag")
        second = task_create(by=assistant, client=acme, title="Tweede vraag")
        question_ask(by=assistant, task=first, question="A?")
        question_ask(by=assistant, task=second, question="B?")
    with time_machine.travel(datetime(2026, 11, 25, 16, 0, tzinfo=UTC), tick=False):
        digests_build_due()
    digest = OutboxMessage.objects.get(kind="digest")
    assert digest.task_id is None  # two questions: a plain reply cannot know which one it answers
    for task in (first, second):
        assert f"mailto:{task_reply_address('desk@vadesk.localhost', task.pk)}" in digest.body_html
