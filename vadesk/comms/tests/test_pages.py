"""The hub's pages render for the team and refuse everyone else (outsider, unassigned colleague, client user)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vadesk.comms.models import FollowUp, InboundMessage, OutboxMessage, PhoneMessage, Preference
from vadesk.comms.services import followup_add, phone_message_take
from vadesk.conftest import login
from vadesk.tasks.models import Comment


@pytest.fixture
def call(acme, assistant, cees):
    return phone_message_take(
        by=assistant, client=acme, caller_name="Jan de Vries", number="020 123 4567", reason="Offerte", callback=True
    )[0]


@pytest.fixture
def follow_up(acme, assistant, task):
    return followup_add(
        by=assistant,
        client=acme,
        task=task,
        text="Vragen hoe het met zijn zoon gaat",
        due_at=timezone.now() - timedelta(minutes=5),
    )


def pages(acme, cees, task, call, follow_up):
    return [
        reverse("comms:hub"),
        reverse("comms:call_new"),
        reverse("comms:people", args=[acme.pk]),
        reverse("comms:call_log", args=[acme.pk]),
        reverse("comms:preference", args=[cees.pk]),
        reverse("comms:follow_up_new") + f"?task={task.pk}",
        reverse("comms:ask", args=[task.pk]),
        reverse("comms:outbox"),
        reverse("task_detail", args=[task.pk]),
        reverse("today"),
    ]


@pytest.mark.parametrize("language", ["en", "nl", "de"])
def test_every_page_renders_for_the_assistant(client, assistant, acme, cees, task, call, follow_up, language):
    login(client, assistant)
    client.cookies["vadesk_language"] = language
    for url in pages(acme, cees, task, call, follow_up):
        response = client.get(url)
        assert response.status_code == 200, url


def test_owner_pages_render_for_the_owner(client, owner):
    login(client, owner)
    for url in (
        reverse("comms:templates"),
        reverse("comms:template_edit", args=["phone", "de"]),
        reverse("comms:triage"),
    ):
        assert client.get(url).status_code == 200, url


def test_the_today_page_shows_the_follow_up_to_whoever_is_on_duty(client, assistant, colleague, follow_up):
    login(client, assistant)
    assert "Vragen hoe het met zijn zoon gaat" in client.get(reverse("today")).content.decode()
    client.force_login(colleague)
    assert "Vragen hoe het met zijn zoon gaat" not in client.get(reverse("today")).content.decode()


def test_a_follow_up_done_becomes_a_dossier_fact(client, assistant, acme, follow_up):
    login(client, assistant)
    client.post(
        reverse("comms:follow_up_done", args=[follow_up.pk]), {"outcome": "Zoon is weer beter", "to_dossier": "on"}
    )
    follow_up.refresh_from_db()
    assert (
        follow_up.done_at
        and follow_up.became_fact.text == "Zoon is weer beter"
        and follow_up.became_fact.client == acme
    )


def test_noting_a_call_normalises_the_number_and_queues_the_message(client, assistant, acme, cees):
    login(client, assistant)
    response = client.post(
        reverse("comms:call_new"),
        {"client": acme.pk, "caller_name": "Piet", "number": "06-12345678", "reason": "Terugbellen", "callback": "on"},
    )
    assert response.status_code == 302
    call = PhoneMessage.objects.get()
    assert call.number == "+31612345678" and call.callback
    assert OutboxMessage.objects.get().recipient == "ceo@acme.example"


def test_a_wrong_number_gets_a_clear_error_and_nothing_is_stored(client, assistant, acme, cees):
    login(client, assistant)
    response = client.post(
        reverse("comms:call_new"), {"client": acme.pk, "caller_name": "Piet", "number": "12", "reason": "x"}
    )
    assert response.status_code == 200 and "is not a valid phone number" in response.content.decode()
    assert not PhoneMessage.objects.exists() and not OutboxMessage.objects.exists()


def test_the_call_log_filters_and_counts(client, assistant, acme, cees):
    phone_message_take(by=assistant, client=acme, caller_name="A", reason="x", urgency="urgent")
    phone_message_take(by=assistant, client=acme, caller_name="B", reason="y", callback=True)
    login(client, assistant)
    response = client.get(reverse("comms:call_log", args=[acme.pk]))
    stats = response.context["stats"]
    assert (stats["total"], stats["urgent_percent"], stats["callbacks_open"]) == (2, 50, 1)
    filtered = client.get(reverse("comms:call_log", args=[acme.pk]), {"period": "7", "urgency": "urgent"})
    assert [c.caller_name for c in filtered.context["calls"]] == ["A"]


def test_saving_preferences(client, assistant, cees):
    login(client, assistant)
    response = client.post(
        reverse("comms:preference", args=[cees.pk]),
        {
            "by_email": "on",
            "cadence": "weekly",
            "digest_time": "16:30",
            "digest_weekday": "4",
            "time_zone": "Europe/Berlin",
            "quiet_from": "21:00",
            "quiet_until": "07:30",
            "quiet_days": ["5", "6"],
            "language": "de",
        },
    )
    assert response.status_code == 302
    preference = Preference.objects.get(contact=cees)
    assert (preference.cadence, preference.quiet_days, preference.language, preference.time_zone) == (
        "weekly",
        "56",
        "de",
        "Europe/Berlin",
    )
    assert preference.next_digest_at is not None


def test_bad_preferences_are_refused_with_a_message(client, assistant, cees):
    login(client, assistant)
    response = client.post(
        reverse("comms:preference", args=[cees.pk]),
        {
            "cadence": "daily",
            "digest_time": "17:00",
            "digest_weekday": "4",
            "time_zone": "Mars/Olympus",
            "quiet_from": "21:00",
            "language": "nl",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Mars/Olympus is not a known time zone" in body
    fixed = client.post(
        reverse("comms:preference", args=[cees.pk]),
        {
            "cadence": "daily",
            "digest_time": "17:00",
            "digest_weekday": "4",
            "time_zone": "Europe/Amsterdam",
            "quiet_from": "21:00",
            "language": "nl",
        },
    ).content.decode()
    assert "Choose at least one channel" in fixed and "Give both the start and the end of the quiet hours" in fixed
    assert not Preference.objects.exists()


def test_asking_a_question_comments_waits_and_queues_in_one_step(client, assistant, task, cees):
    login(client, assistant)
    client.post(reverse("comms:ask", args=[task.pk]), {"question": "Welke datum past?"})
    task.refresh_from_db()
    assert task.status == "waiting"
    assert Comment.objects.get(task=task).visibility == "client"
    message = OutboxMessage.objects.get()
    assert message.kind == "question" and "Welke datum past?" in message.body_text and message.task_id == task.pk


# Outsiders: another organisation's owner, the unassigned colleague, the client's own portal user.
@pytest.mark.parametrize("who", ["outsider", "colleague", "acme_user"])
def test_outsiders_cannot_reach_a_clients_communication(client, request, who, acme, cees, task, call, follow_up):
    person = request.getfixturevalue(who)
    login(client, person)
    inbound = InboundMessage.objects.create(key="<x@y>", organisation=acme.organisation, outcome="triage", raw=b"x")
    urls = [
        reverse("comms:people", args=[acme.pk]),
        reverse("comms:call_log", args=[acme.pk]),
        reverse("comms:preference", args=[cees.pk]),
        reverse("comms:follow_up_new") + f"?task={task.pk}",
        reverse("comms:follow_up_new") + f"?client={acme.pk}",
        reverse("comms:ask", args=[task.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code in (302, 403, 404), url
    for url in (
        reverse("comms:call_done", args=[call.pk]),
        reverse("comms:follow_up_done", args=[follow_up.pk]),
        reverse("comms:confirm", args=[task.pk]),
        reverse("comms:triage_settle", args=[inbound.pk]),
    ):
        assert client.post(url, {"outcome": "x"}).status_code in (302, 403, 404), url
    call.refresh_from_db()
    follow_up.refresh_from_db()
    assert (
        call.called_back_at is None
        and follow_up.done_at is None
        and OutboxMessage.objects.filter(kind="confirmation").count() == 0
    )
    inbound.refresh_from_db()
    assert inbound.outcome == "triage"


def test_an_outsider_sees_nothing_of_the_organisations_outbox_or_triage(client, outsider, acme, cees, call):
    InboundMessage.objects.create(
        key="<x@y>", organisation=acme.organisation, outcome="triage", raw=b"x", subject="Geheim onderwerp"
    )
    login(client, outsider)
    assert list(client.get(reverse("comms:outbox")).context["rows"]) == []
    assert client.get(reverse("comms:triage")).status_code in (200, 403)
    body = client.get(reverse("comms:triage")).content.decode()
    assert "Geheim onderwerp" not in body


def test_the_colleague_does_not_see_follow_ups_and_calls_of_clients_they_do_not_serve(
    client, colleague, call, follow_up
):
    login(client, colleague)
    hub = client.get(reverse("comms:hub"))
    assert list(hub.context["callbacks"]) == []
    assert FollowUp.objects.count() == 1


def test_a_call_for_a_client_nobody_can_be_reached_at_says_so(client, assistant, acme):
    login(client, assistant)
    response = client.post(
        reverse("comms:call_new"), {"client": acme.pk, "caller_name": "Piet", "reason": "x"}, follow=True
    )
    assert "Nobody at Acme B.V. can be reached yet" in response.content.decode()
    assert PhoneMessage.objects.count() == 1 and not OutboxMessage.objects.exists()  # the call is kept all the same


def test_the_owner_files_a_triage_message_as_a_task_for_a_client(client, owner, acme):
    inbound = InboundMessage.objects.create(
        key="<t@x>",
        organisation=acme.organisation,
        outcome="triage",
        raw=b"x",
        sender="new@prospect.example",
        subject="Offerte gevraagd",
        body_text="Kunt u bellen?",
    )
    login(client, owner)
    assert "Offerte gevraagd" in client.get(reverse("comms:triage")).content.decode()
    client.post(reverse("comms:triage_settle", args=[inbound.pk]), {"client": acme.pk})
    inbound.refresh_from_db()
    assert inbound.outcome == "done" and inbound.task.client == acme and inbound.task.title == "Offerte gevraagd"
    assert list(client.get(reverse("comms:triage")).context["rows"]) == []


def test_an_uncertain_message_is_settled_by_a_person(client, owner, acme, cees):
    from django.db import transaction

    from vadesk.comms.outbox import outbox_enqueue

    with transaction.atomic():
        row = outbox_enqueue(
            organisation_id=acme.organisation_id,
            client_id=acme.pk,
            kind="phone",
            recipient=cees.email,
            subject="x",
            body_text="y",
        )
    OutboxMessage.objects.filter(pk=row.pk).update(state="uncertain")
    login(client, owner)
    assert "Maybe sent: check" in client.get(reverse("comms:outbox")).content.decode()
    client.post(reverse("comms:outbox_settle", args=[row.pk]), {"action": "sent"})
    row.refresh_from_db()
    assert row.state == "sent"
    OutboxMessage.objects.filter(pk=row.pk).update(state="failed")
    client.post(reverse("comms:outbox_settle", args=[row.pk]), {"action": "resend"})
    row.refresh_from_db()
    assert row.state == "pending"


def test_an_outsider_cannot_settle_another_organisations_outbox_message(client, outsider, acme, cees):
    from django.db import transaction

    from vadesk.comms.outbox import outbox_enqueue

    with transaction.atomic():
        row = outbox_enqueue(
            organisation_id=acme.organisation_id,
            client_id=acme.pk,
            kind="phone",
            recipient=cees.email,
            subject="x",
            body_text="y",
        )
    OutboxMessage.objects.filter(pk=row.pk).update(state="uncertain")
    login(client, outsider)
    assert client.post(reverse("comms:outbox_settle", args=[row.pk]), {"action": "resend"}).status_code == 404
    row.refresh_from_db()
    assert row.state == "uncertain"


def test_a_follow_up_starts_from_a_comment_or_a_dossier_fact(client, assistant, owner, acme, task):
    from vadesk.clients.models import DossierFact
    from vadesk.tasks.services import comment_add

    comment = comment_add(by=assistant, task=task, body="Zoon moet naar de dokter", visibility="internal")
    fact = DossierFact.objects.create(client=acme, text="Heeft een zoon, Bram (8)", author=owner)
    login(client, assistant)
    page = client.get(reverse("comms:follow_up_new") + f"?comment={comment.pk}")
    assert "Zoon moet naar de dokter" in page.content.decode()
    client.post(
        reverse("comms:follow_up_new") + f"?comment={comment.pk}",
        {"text": "Vragen hoe het met Bram gaat", "due_at": "2026-12-01T10:00"},
    )
    client.post(
        reverse("comms:follow_up_new") + f"?fact={fact.pk}", {"text": "Verjaardag Bram", "due_at": "2026-12-02T10:00"}
    )
    from_comment, from_fact = FollowUp.objects.order_by("id")
    assert (from_comment.comment, from_comment.task, from_comment.client) == (comment, task, acme)
    assert (from_fact.fact, from_fact.client) == (fact, acme)
    assert "follow up" in client.get(reverse("task_detail", args=[task.pk])).content.decode()


def test_attachments_from_e_mail_show_on_the_task_and_download_only_for_the_team(
    client, assistant, outsider, colleague, task, cees
):
    from email.message import EmailMessage

    from vadesk.comms.addresses import task_reply_address
    from vadesk.comms.inbound import inbound_receive
    from vadesk.comms.models import Attachment

    message = EmailMessage()
    message["From"], message["To"], message["Subject"], message["Message-ID"] = (
        cees.email,
        task_reply_address("desk@vadesk.localhost", task.pk),
        "Re",
        "<a1@acme.example>",
    )
    message.set_content("Zie bijlage")
    message.add_attachment(b"<svg onload=alert(1)>", maintype="image", subtype="svg+xml", filename="logo.svg")
    inbound_receive(raw=message.as_bytes())
    attachment = Attachment.objects.get()

    login(client, assistant)
    assert "logo.svg" in client.get(reverse("task_detail", args=[task.pk])).content.decode()
    download = client.get(reverse("comms:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/octet-stream" and download["X-Content-Type-Options"] == "nosniff"
    for person in (outsider, colleague):
        client.force_login(person)
        assert client.get(reverse("comms:attachment", args=[attachment.pk])).status_code == 404


def _outbox(org, acme, count: int, first: int = 0) -> None:
    start = timezone.now()
    rows = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            organisation=org,
            client=acme,
            kind="phone",
            recipient="a@acme.example",
            subject=f"Message {n:04d}",
            message_id=f"<{n}@test>",
            not_before=start,
        )
        for n in range(first, first + count)
    )
    for row in rows:  # newer the higher its number
        OutboxMessage.objects.filter(pk=row.pk).update(created_at=start + timedelta(seconds=int(row.subject[-4:])))


def test_the_outbox_shows_a_page_of_fifty_in_the_same_queries_however_long_it_is(client, owner, org, acme):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vadesk.comms.views import OUTBOX_PER_PAGE

    login(client, owner)

    def shown(params: dict) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("comms:outbox"), params)
        assert response.status_code == 200
        return len(captured), response.content.decode()

    _outbox(org, acme, 3)
    few, _html = shown({})
    _outbox(org, acme, 117, first=3)
    many, html = shown({})
    last, last_html = shown({"page": 3})

    assert few == many == last
    assert html.count("Message 0") == OUTBOX_PER_PAGE and "Message 0119" in html and "Message 0069" not in html
    assert "1 / 3 · 120" in html and 'href="?page=2"' in html
    assert last_html.count("Message 0") == 20 and "Message 0000" in last_html and "Message 0020" not in last_html
    assert 'href="?page=2"' in last_html
