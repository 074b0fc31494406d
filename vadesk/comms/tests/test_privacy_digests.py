"""Privacy: a digest tells the contact their client's questions and news, and nothing the team keeps internal."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from vadesk.comms.digests import digest_send
from vadesk.comms.routing import preference_of
from vadesk.conftest import leaked
from vadesk.tasks.models import Status
from vadesk.tasks.services import task_transition

pytestmark = pytest.mark.django_db


def test_a_digest_asks_the_clients_question_never_the_newer_internal_comment(task, assistant, cees, internal_notes):
    # The task waits for the client; its newest comment is internal, the question before it is for the client.
    task_transition(by=assistant, task=task, to=Status.WAITING)
    now = timezone.now()
    with transaction.atomic():
        message = digest_send(preference_of(cees), slot=now + timedelta(minutes=1), since=now - timedelta(days=1))

    assert message is not None
    for part in (message.subject, message.body_text, message.body_html):
        assert leaked(part) == []
    assert "Welke datum past u het best?" in message.body_text  # positive control: the question is there
