"""A client's reply (portal or mail) moves a waiting task back in progress and tells its assignees; a new
request tells the client's leads. Nobody else hears of it: not a colleague off the team, not an outsider,
not the client's own user."""

from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from vadesk.comms.addresses import organisation_address, task_reply_address
from vadesk.comms.inbound import inbound_receive
from vadesk.comms.models import InboundMessage
from vadesk.notifications.models import Kind, MailState
from vadesk.notifications.tests.conftest import mails_to, told
from vadesk.tasks.models import Status, Task, Transition
from vadesk.tasks.services import comment_add, task_request

BASE = "desk@vadesk.localhost"


def mail(*, to: str, sender="ceo@acme.example", subject="Re: Plan board meeting", body="Dinsdag past prima.") -> bytes:
    message = EmailMessage()
    message["From"] = f"Cees Acme <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="acme.example")
    message.set_content(body)
    return message.as_bytes()


@pytest.fixture(autouse=True)
def _inbound_base(settings):
    settings.INBOUND_ADDRESS = BASE


def test_a_portal_reply_moves_a_waiting_task_back_in_progress_and_tells_its_assignee(
    waiting, assistant, acme_user, colleague, outsider, owner
):
    comment_add(by=acme_user, task=waiting, body="Dinsdag past prima.", visibility="client")

    waiting.refresh_from_db()
    assert waiting.status == Status.IN_PROGRESS
    step = Transition.objects.filter(task=waiting).last()
    assert (step.from_status, step.to_status, step.by) == (Status.WAITING, Status.IN_PROGRESS, acme_user)
    [notification] = told(assistant)
    assert notification.kind == Kind.CLIENT_MESSAGE
    assert notification.task == waiting and "Dinsdag past prima." in notification.body
    assert told(colleague) == told(outsider) == told(acme_user) == told(owner) == []
    [message] = mails_to(assistant)  # client replies are mailed at once by default
    assert "Acme B.V." in message.subject and notification.mail_state == MailState.SENT


def test_a_reply_by_mail_moves_a_waiting_task_back_in_progress_and_tells_its_assignee(
    waiting, assistant, cees, colleague, outsider
):
    inbound = inbound_receive(raw=mail(to=task_reply_address(BASE, waiting.pk)))

    assert inbound.outcome == InboundMessage.Outcome.COMMENT
    waiting.refresh_from_db()
    assert waiting.status == Status.IN_PROGRESS
    assert Transition.objects.filter(task=waiting).last().to_status == Status.IN_PROGRESS
    [notification] = told(assistant, Kind.CLIENT_MESSAGE)
    assert "Dinsdag past prima." in notification.body
    assert told(colleague) == told(outsider) == []


def test_a_reply_to_a_task_in_progress_tells_without_moving_it(task, assistant, acme_user):
    comment_add(by=acme_user, task=task, body="Nog een vraag", visibility="client")

    task.refresh_from_db()
    assert task.status == Status.NEW
    assert len(told(assistant, Kind.CLIENT_MESSAGE)) == 1


def test_a_team_comment_is_no_client_reply(waiting, assistant, owner):
    comment_add(by=owner, task=waiting, body="Ik bel ze even", visibility="client")

    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING
    assert told(assistant) == []


def test_a_new_portal_request_tells_the_clients_leads_only(acme, assistant, acme_user, colleague, outsider, owner):
    task = task_request(by=acme_user, client=acme, title="Nieuwe flyer", description="Voor de beurs")

    [notification] = told(assistant)
    assert notification.kind == Kind.CLIENT_MESSAGE and notification.task == task
    assert "Nieuwe flyer" in notification.title
    assert told(colleague) == told(outsider) == told(acme_user) == told(owner) == []


def test_a_new_request_by_mail_tells_the_clients_leads(org, acme, assistant, cees, colleague):
    inbound = inbound_receive(raw=mail(to=organisation_address(BASE, org.pk), subject="Offerte aanvragen"))

    assert inbound.outcome == InboundMessage.Outcome.TASK
    [notification] = told(assistant)
    assert notification.task == Task.objects.get(title="Offerte aanvragen")
    assert told(colleague) == []


def test_the_assignee_is_told_in_their_own_language(waiting, assistant, acme_user):
    assistant.language = "de"
    assistant.save(update_fields=["language"])

    comment_add(by=acme_user, task=waiting, body="Ja", visibility="client")

    [notification] = told(assistant)
    assert notification.title == "Acme B.V. hat geantwortet: Plan board meeting"
    [message] = mails_to(assistant)
    assert "Hallo Anna" in message.body_text
