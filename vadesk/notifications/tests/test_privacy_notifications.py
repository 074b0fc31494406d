"""Notifications never carry a client's data to someone who may not see that client: not in the app, not by
mail (at once, held, or in the summary), not through the API. A day of events for acme is played through;
then every row and every mail that reached the colleague off acme's team, the outsider and acme's own
client user is read for anything of acme's."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from vadesk.comms.models import FollowUp, OutboxMessage
from vadesk.invoicing.services import invoice_draft_create, invoice_finalise, payment_record
from vadesk.invoicing.tests.conftest import PERIOD, billable_acme, hourly, october_hours, seller  # noqa: F401
from vadesk.notifications.mailing import follow_ups_due, held_mails_send, summaries_send
from vadesk.notifications.models import Delivery, Kind, Notification
from vadesk.notifications.services import notification_preferences_save
from vadesk.tasks.services import comment_add, task_create, task_request, task_update

ACME_WORDS = ["Acme", "Plan board meeting", "ZQX", "Geheime overname", "Vraag naar"]


def _everything_for(person) -> str:
    rows = Notification.objects.filter(recipient=person).values_list("title", "body", "url")
    mails = OutboxMessage.objects.filter(recipient=person.email).values_list("subject", "body_text")
    return " ".join(str(v) for row in [*rows, *mails] for v in row)


@pytest.fixture
def a_day_of_acme(task, internal_notes, owner, assistant, colleague, outsider, acme_user, seller, october_hours):
    for person in (colleague, outsider, acme_user):  # whatever they chose, nothing of acme's may reach them
        notification_preferences_save(
            by=person,
            deliveries=dict.fromkeys(Kind.values, Delivery.MAIL),
            quiet_from=None,
            quiet_until=None,
            summary_time=None,
        )
    comment_add(by=assistant, task=task, body="@carl @otto @cees @olga Geheime overname", visibility="internal")
    comment_add(by=acme_user, task=task, body="@carl Geheime overname, dinsdag?", visibility="client")
    task_request(by=acme_user, client=task.client, title="Geheime overname", description="ZQX")
    task_update(by=owner, task=task, title="Plan board meeting")
    task_create(by=owner, client=task.client, title="Plan board meeting 2", assignees=[assistant])
    FollowUp.objects.create(
        client=task.client, text="Vraag naar de overname", due_at=timezone.now(), created_by=colleague
    )
    draft = invoice_draft_create(by=owner, client=task.client, period_start=PERIOD[0], period_end=PERIOD[1])
    final = invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))
    payment_record(by=owner, invoice=final, amount=Decimal("10.00"), paid_on=date(2026, 11, 3))
    later = timezone.now() + timedelta(days=1, hours=12)
    follow_ups_due(now=timezone.now())
    held_mails_send(now=later)
    summaries_send(now=later)


def test_nothing_of_acme_reaches_anyone_off_its_team(a_day_of_acme, colleague, outsider, acme_user):
    for person in (colleague, outsider, acme_user):
        found = _everything_for(person)
        assert not [word for word in ACME_WORDS if word in found], (person, found)


def test_the_team_did_hear_of_it(a_day_of_acme, assistant, owner):
    """The positive control: the same day reached acme's team, by mail too."""
    assert {n.kind for n in Notification.objects.filter(recipient=assistant)} >= {
        Kind.CLIENT_MESSAGE,
        Kind.ASSIGNED,
        Kind.FOLLOW_UP,
        Kind.PAYMENT,
    }
    assert Notification.objects.filter(recipient=owner, kind=Kind.MENTION).exists()
    assert "Acme" in _everything_for(assistant)
