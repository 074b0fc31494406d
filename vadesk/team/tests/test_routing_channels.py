"""Routing for the channels that are not a new request: phone messages, follow-ups that fall due, appointments.

The same rule as portal, mail and recurring tasks (test_routing.py): the first present member of the client's
team in the order of cover, the owners' queue when nobody fits, never silently someone away, the decision in
the task's history with its reason.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from vadesk.agenda.models import Calendar, Event
from vadesk.agenda.parties import client_party
from vadesk.agenda.services import booking_create, reminders_send
from vadesk.comms.models import FollowUp
from vadesk.comms.services import phone_message_take
from vadesk.notifications.mailing import follow_ups_due
from vadesk.notifications.models import Kind, Notification
from vadesk.tasks.models import Category, RoutingNote, Source, Task
from vadesk.tasks.routing import describe
from vadesk.tasks.services import task_create
from vadesk.team.tests.test_routing import NOW, away


def by_phone(acme, owner, **_):
    message, _rows = phone_message_take(
        by=owner, client=acme, caller_name="Piet Jansen", reason="Wil een afspraak verzetten", as_task=True
    )
    task = message.routed_task
    assert task is not None and task.source == Source.PHONE and task.category == Category.PHONE
    [note] = RoutingNote.objects.filter(task=task)
    return list(task.assignees.all()), describe(note.reason)


def by_follow_up(acme, team, **_):
    task = task_create(by=team["a"], client=acme, title="Offerte", assignees=[team["a"]])
    FollowUp.objects.create(client=acme, text="Vraag naar de offerte", due_at=NOW, created_by=team["a"], task=task)
    assert follow_ups_due(now=NOW) == 1
    assert follow_ups_due(now=NOW + timedelta(minutes=5)) == 0  # once, however often the job runs
    told = Notification.objects.filter(kind=Kind.FOLLOW_UP)
    people = [n.recipient for n in told]
    notes = list(RoutingNote.objects.filter(task=task))
    if not notes:  # the writer is there: told as before, nothing to explain
        assert [n.body for n in told] == ["Vraag naar de offerte"]
        return people, None
    [note] = notes
    line = describe(note.reason)
    assert all(line in n.body for n in told), "the notification says why it came to them"
    return people, line


def by_appointment(acme, team, **_):
    acme.email = "office@acme.example"
    acme.save(update_fields=["email"])
    calendar = Calendar.objects.create(party=client_party(acme), name="Work", source=Calendar.Source.LOCAL)
    start = NOW + timedelta(days=1)  # Friday 4 December, 10:00
    booking_create(
        by=team["a"], calendar=calendar, start=start, end=start + timedelta(hours=1), summary="Kick-off", send=False
    )
    assert Event.objects.get().booked_by == team["a"]
    assert reminders_send(now=NOW) == 1
    assert reminders_send(now=NOW + timedelta(minutes=5)) == 0
    tasks = list(Task.objects.filter(category=Category.AGENDA))
    if not tasks:  # the booker is there on the day: the appointment stays hers
        return [team["a"]], None
    [task] = tasks
    assert task.due_at == start and "Kick-off" in task.title and "Anna" in task.title
    [note] = RoutingNote.objects.filter(task=task)
    return list(task.assignees.all()), describe(note.reason)


CHANNELS = {"phone": by_phone, "follow-up": by_follow_up, "appointment": by_appointment}


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize(
    ("absent", "expected"),
    [((), "a"), (("a",), "b"), (("a", "b"), "c"), (("a", "b", "c"), "owner")],
    ids=["all-present", "lead-away", "chain-A-B-C", "nobody-present"],
)
def test_the_work_goes_to_the_first_present_member_in_the_order_of_cover(
    channel, absent, expected, org, acme, owner, team
):
    for key in absent:
        away(org, owner, team[key])
    with time_machine.travel(NOW, tick=False):
        people, line = CHANNELS[channel](acme=acme, owner=owner, team=team)
    who = owner if expected == "owner" else team[expected]
    assert people == [who]
    for key in ("a", "b", "c"):
        assert team[key] not in people or key not in absent, "never to someone away"
    if channel != "phone" and not absent:  # the writer / booker is there: nothing to pass on, nothing to explain
        assert line is None
        return
    assert line is not None
    for key in absent:
        assert f"{team[key].first_name} away until 12/14/2026" in line
    assert str(who) in line
    if expected == "owner":
        assert "owners' queue" in line
    assert "sick" not in line  # the history says "away", never the type


def test_a_follow_up_of_a_writer_who_is_there_tells_only_them(org, acme, owner, team):
    FollowUp.objects.create(client=acme, text="Bel terug", due_at=NOW, created_by=team["b"])
    follow_ups_due(now=NOW)
    assert [n.recipient for n in Notification.objects.all()] == [team["b"]]


def test_a_follow_up_without_a_task_still_says_why_it_came(org, acme, owner, team):
    away(org, owner, team["a"])
    FollowUp.objects.create(client=acme, text="Vraag naar de verhuizing", due_at=NOW, created_by=team["a"])
    follow_ups_due(now=NOW)
    [notification] = Notification.objects.all()
    assert notification.recipient == team["b"]
    assert notification.body.startswith("Vraag naar de verhuizing\n")
    assert "Anna away until 12/14/2026" in notification.body and "first present" in notification.body


def test_the_routing_line_is_in_the_readers_language(org, acme, owner, team):
    from django.utils import translation

    away(org, owner, team["a"])
    with time_machine.travel(NOW, tick=False):
        _people, line = by_phone(acme=acme, owner=owner)
        note = RoutingNote.objects.get()
    with translation.override("nl"):
        assert describe(note.reason).startswith("Anna afwezig tot")
    with translation.override("de"):
        assert describe(note.reason).startswith("Anna abwesend bis")
    assert line.startswith("Anna away until")


def test_a_call_that_is_only_a_message_makes_no_task(org, acme, owner, team):
    message, _rows = phone_message_take(by=owner, client=acme, caller_name="Piet", reason="Groeten")
    assert message.routed_task is None and not Task.objects.exists()


def test_a_call_taken_as_a_task_over_the_api_names_the_task(org, acme, owner, team):
    from vadesk.accounts.services import api_token_create
    from vadesk.api.tests.conftest import Api

    away(org, owner, team["a"])
    _token, secret = api_token_create(person=owner, name="tests")
    with time_machine.travel(NOW, tick=False):
        response = Api(secret).post(
            f"/clients/{acme.pk}/phone-messages", {"caller_name": "Piet", "reason": "Nieuwe offerte", "as_task": True}
        )
    assert response.status_code == 201, response.content
    task = Task.objects.get(pk=response.json()["task_id"])
    assert list(task.assignees.all()) == [team["b"]] and task.source == Source.PHONE
