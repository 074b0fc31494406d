"""Each kind reaches who must act and nobody else: outsider, a colleague off the client's team, the client's user."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from vadesk.accounts.models import Membership
from vadesk.agenda.models import Calendar, Conflict, Event, Party
from vadesk.agenda.parties import client_party
from vadesk.agenda.upkeep import agenda_upkeep
from vadesk.clients.models import Assignment
from vadesk.comms.models import FollowUp, OutboxMessage
from vadesk.comms.outbox import outbox_enqueue
from vadesk.comms.tests.delivery import deliver
from vadesk.conftest import make_person
from vadesk.invoicing.services import invoice_draft_create, invoice_finalise, payment_record
from vadesk.invoicing.tests.conftest import PERIOD, billable_acme, hourly, october_hours, seller  # noqa: F401
from vadesk.notifications.mailing import follow_ups_due
from vadesk.notifications.models import Kind
from vadesk.notifications.tests.conftest import mails_to, told
from vadesk.tasks.services import comment_add, task_create, task_update


def test_a_task_assigned_to_you_tells_you_and_not_who_assigned_it(task, owner, assistant, colleague, outsider):
    other = task_create(by=owner, client=task.client, title="Jaarafsluiting", assignees=[assistant, owner])

    [notification] = told(assistant)
    assert notification.kind == Kind.ASSIGNED and notification.task == other
    assert "Olga" in notification.title and "Jaarafsluiting" in notification.title
    assert told(owner) == told(colleague) == told(outsider) == []


def test_only_newly_added_assignees_are_told_on_an_update(task, owner, assistant):
    second = make_person("bea@assist.example", "Bea Backup")
    Membership.objects.create(person=second, organisation=task.client.organisation, role="assistant")
    Assignment.objects.create(client=task.client, person=second, role="backup")

    task_update(by=owner, task=task, assignees=[assistant, second])

    assert told(assistant) == []  # she was on it already
    assert [n.kind for n in told(second)] == [Kind.ASSIGNED]


def test_assigning_yourself_tells_nobody(acme, assistant):
    task_create(by=assistant, client=acme, title="Zelf doen", assignees=[assistant])

    assert told(assistant) == []


def test_a_mention_tells_the_colleague_on_the_team_and_not_one_off_it(task, assistant, owner, colleague, outsider):
    comment_add(by=assistant, task=task, body="@olga kun jij dit zien? En @carl, @otto.", visibility="internal")

    [notification] = told(owner)
    assert notification.kind == Kind.MENTION and "Anna" in notification.title
    assert told(colleague) == []  # Carl is in the agency, but not on acme's team: he may not see the task
    assert told(outsider) == []  # Otto is of another organisation altogether
    assert not any("Plan board meeting" in m.subject + m.body_text for m in mails_to(colleague))


def test_a_mention_by_the_address_local_part_works_too(task, assistant, owner):
    comment_add(by=assistant, task=task, body="cc @OLGA en mail naar anna@assist.example", visibility="internal")

    assert len(told(owner, Kind.MENTION)) == 1
    assert told(assistant) == []  # an address is no mention, and nobody is told of their own words


@pytest.fixture
def final_invoice(owner, assistant, acme, seller, october_hours):
    draft = invoice_draft_create(by=owner, client=acme, period_start=PERIOD[0], period_end=PERIOD[1])
    return invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))


def test_a_payment_tells_the_other_owners_and_the_clients_team(final_invoice, owner, assistant, colleague, outsider):
    partner = make_person("piet@assist.example", "Piet Partner", "nl")
    Membership.objects.create(person=partner, organisation=final_invoice.organisation, role="owner")

    payment_record(by=owner, invoice=final_invoice, amount=Decimal("10.00"), paid_on=date(2026, 11, 3))

    [for_partner] = told(partner)
    assert for_partner.kind == Kind.PAYMENT and "€" in for_partner.title
    assert for_partner.title.startswith("Betaling ontvangen van Acme B.V.")
    assert [n.kind for n in told(assistant)] == [Kind.PAYMENT]
    assert told(owner) == told(colleague) == told(outsider) == []


def test_a_follow_up_that_falls_due_tells_its_writer_once(acme, assistant, colleague):
    FollowUp.objects.create(client=acme, text="Vraag naar de verhuizing", due_at=timezone.now(), created_by=assistant)
    FollowUp.objects.create(client=acme, text="Later", due_at=timezone.now() + timedelta(days=1), created_by=assistant)

    assert follow_ups_due(now=timezone.now()) == 1
    assert follow_ups_due(now=timezone.now()) == 0
    [notification] = told(assistant)
    assert notification.kind == Kind.FOLLOW_UP and notification.body == "Vraag naar de verhuizing"
    assert told(colleague) == []


def test_a_follow_up_of_a_writer_taken_off_the_team_goes_to_the_team(acme, assistant, colleague, owner):
    FollowUp.objects.create(client=acme, text="Bel terug", due_at=timezone.now(), created_by=colleague)

    follow_ups_due(now=timezone.now())

    assert told(colleague) == []
    assert len(told(assistant)) == 1


ICS = """BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:c@t\r\nDTSTAMP:20261001T080000Z\r
DTSTART:20261201T090000Z\r\nDTEND:20261201T100000Z\r\nSUMMARY:Board meeting\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"""


def test_a_conflict_found_by_the_sync_tells_the_clients_team(acme, assistant, colleague, outsider, monkeypatch):
    calendar = Calendar.objects.create(
        party=client_party(acme), name="Werk", source=Calendar.Source.CALDAV, url="https://dav.example/w/"
    )
    event = Event.objects.create(calendar=calendar, uid="c@t", ics=ICS, summary="Board meeting")

    def sync_with_a_conflict(*, calendar):  # what caldav_sync._conflict records when both sides changed, once
        if not Conflict.objects.exists():
            Conflict.objects.create(event=event, local_ics=ICS, remote_ics=ICS)

    monkeypatch.setattr("vadesk.agenda.upkeep.calendar_refresh", sync_with_a_conflict)
    agenda_upkeep(now=timezone.now())

    [notification] = told(assistant)
    assert notification.kind == Kind.CALENDAR_CONFLICT and "Board meeting" in notification.body
    assert told(colleague) == told(outsider) == []

    agenda_upkeep(now=timezone.now())  # the same conflict is not news at the next upkeep
    assert len(told(assistant)) == 1


def test_a_conflict_in_an_assistants_own_calendar_tells_only_them(org, assistant, colleague):
    party = Party.objects.create(organisation=org, person=colleague, kind=Party.Kind.ASSISTANT, name="Carl")
    calendar = Calendar.objects.create(party=party, name="Carl privé")
    conflict = Conflict.objects.create(
        event=Event.objects.create(calendar=calendar, uid="x@t", ics=ICS, summary="Tandarts"), local_ics=ICS
    )
    from vadesk.agenda.upkeep import conflicts_found

    conflicts_found.fire(conflicts=[conflict])

    assert len(told(colleague)) == 1 and told(assistant) == []


@pytest.mark.django_db(transaction=True)
def test_a_bounce_tells_the_tasks_assignees(task, assistant, cees, colleague, smtp_server):
    from django.db import transaction

    with transaction.atomic():
        outbox_enqueue(
            organisation_id=task.client.organisation_id,
            kind=OutboxMessage.Kind.UPDATE,
            recipient="ceo@acme.example",
            subject="Uw vergadering",
            body_text="Dinsdag?",
            client_id=task.client_id,
            task_id=task.pk,
        )
    smtp_server.mailbox.rcpt_reply = "550 5.1.1 No such user"

    deliver()

    [notification] = told(assistant)
    assert notification.kind == Kind.BOUNCE and "ceo@acme.example" in notification.title
    assert "550" in notification.body
    assert told(colleague) == []
    # The notice is mailed at once by default (it failed too in this round: the test server refuses everyone);
    # a person's own mail failing tells nobody, or a bounce would breed bounces.
    [notice] = mails_to(assistant)
    assert "ceo@acme.example" in notice.subject
    assert len(told(assistant)) == 1
