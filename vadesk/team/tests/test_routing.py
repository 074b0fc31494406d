"""Absence-aware routing: channel × who is away, the chain A → B → C, nobody present, half days, skills."""

from __future__ import annotations

from datetime import date, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from zoneinfo import ZoneInfo

import pytest
import time_machine

from vadesk.accounts.models import Membership
from vadesk.clients.models import Contact
from vadesk.comms.addresses import organisation_address
from vadesk.comms.inbound import inbound_receive
from vadesk.tasks.models import RoutingNote, Task
from vadesk.tasks.recurrence import recurring_task_create, recurring_tasks_spawn
from vadesk.tasks.routing import describe
from vadesk.tasks.services import task_request
from vadesk.team.models import Absence, ClientNeeds, Profile, WorkPattern
from vadesk.team.services import absence_request

AMS = ZoneInfo("Europe/Amsterdam")
# Thursday 3 December 2026, 10:00 in Amsterdam.
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=AMS)
BASE = "desk@vadesk.localhost"


def away(org, owner, person, start=date(2026, 12, 1), end=date(2026, 12, 14), part="whole", kind="sick"):
    return absence_request(
        by=owner, organisation=org, person=person, kind=kind, start_date=start, end_date=end, part=part
    )


def by_portal(acme, acme_user, **_):
    return task_request(by=acme_user, client=acme, title="Portal request", description="")


def by_mail(acme, org, **_):
    Contact.objects.get_or_create(client=acme, email="ceo@acme.example", defaults={"name": "Cees Acme"})
    message = EmailMessage()
    message["From"] = "Cees Acme <ceo@acme.example>"
    message["To"] = organisation_address(BASE, org.pk)
    message["Subject"] = "Mail request"
    message["Message-ID"] = make_msgid(domain="acme.example")
    message.set_content("Kun je dit regelen?")
    inbound = inbound_receive(raw=message.as_bytes(), envelope_recipients=[organisation_address(BASE, org.pk)])
    assert inbound.outcome == "task", inbound.note
    return Task.objects.get(pk=inbound.task_id)


def by_recurrence(acme, owner, team, **_):
    recurring_task_create(
        by=owner,
        client=acme,
        title="Weekly report",
        rrule="FREQ=WEEKLY",
        first_due_at=NOW.replace(hour=11),
        assignees=[team["a"]],
        lead_days=1,
    )
    assert recurring_tasks_spawn(now=NOW) >= 1
    return Task.objects.filter(title="Weekly report").order_by("due_at").first()


CHANNELS = {"portal": by_portal, "mail": by_mail, "recurring": by_recurrence}


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize(
    ("absent", "expected"),
    [((), "a"), (("a",), "b"), (("a", "b"), "c"), (("a", "b", "c"), "owner")],
    ids=["all-present", "lead-away", "lead-and-backup-away", "nobody-present"],
)
def test_work_goes_to_the_first_present_member_in_the_order_of_cover(
    channel, absent, expected, org, acme, owner, acme_user, team
):
    for key in absent:
        away(org, owner, team[key])
    with time_machine.travel(NOW, tick=False):
        task = CHANNELS[channel](acme=acme, org=org, owner=owner, acme_user=acme_user, team=team)
    who = owner if expected == "owner" else team[expected]
    assert list(task.assignees.all()) == [who]
    [note] = RoutingNote.objects.filter(task=task)
    line = describe(note.reason)
    for key in absent:
        assert f"{team[key].first_name} away until 14/12/2026" in line or f"{team[key].first_name} away until" in line
    assert str(who) in line


def test_a_requested_absence_does_not_reroute_until_it_is_approved(org, acme, owner, acme_user, team):
    absence = absence_request(
        by=team["a"],
        organisation=org,
        person=team["a"],
        kind="holiday",
        start_date=date(2026, 12, 1),
        end_date=date(2026, 12, 4),
    )
    assert absence.status == Absence.Status.REQUESTED
    with time_machine.travel(NOW, tick=False):
        task = by_portal(acme, acme_user)
    assert list(task.assignees.all()) == [team["a"]]


@pytest.mark.parametrize(("hour", "expected"), [(10, "b"), (14, "a")])
def test_a_morning_off_sends_morning_work_to_the_backup(hour, expected, org, acme, owner, acme_user, team):
    away(org, owner, team["a"], start=date(2026, 12, 3), end=date(2026, 12, 3), part="morning", kind="other")
    with time_machine.travel(NOW.replace(hour=hour), tick=False):
        task = by_portal(acme, acme_user)
    assert list(task.assignees.all()) == [team[expected]]


def test_a_day_off_in_the_work_pattern_and_a_public_holiday_count_as_away(org, acme, owner, acme_user, team):
    # Anna works Mondays only; Bram has the Dutch holidays, Cora the Bavarian ones.
    profile = Profile.objects.create(organisation=org, person=team["a"])
    WorkPattern.objects.create(profile=profile, valid_from=date(2026, 1, 1), days={"mon": ["09:00", "15:00"]})
    Profile.objects.create(organisation=org, person=team["b"], holiday_country="NL")
    Profile.objects.create(organisation=org, person=team["c"], holiday_country="DE", holiday_subdivision="BY")
    with time_machine.travel(NOW, tick=False):  # a Thursday: Anna is off, Bram works
        assert list(by_portal(acme, acme_user).assignees.all()) == [team["b"]]
    # Tuesday 27 April 2027, King's Day: a holiday in the Netherlands, not in Bavaria.
    with time_machine.travel(datetime(2027, 4, 27, 10, 0, tzinfo=AMS), tick=False):
        task = by_portal(acme, acme_user)
    assert list(task.assignees.all()) == [team["c"]]
    assert describe(task.routing_notes.get().reason).startswith("Anna not working · Bram not working · → Cora")


def test_a_category_that_needs_a_skill_skips_members_without_it(org, acme, owner, team):
    ClientNeeds.objects.create(client=acme, needs={"agenda": 3})
    Profile.objects.create(organisation=org, person=team["a"], skills={"agenda": 2})
    Profile.objects.create(organisation=org, person=team["b"], skills={"agenda": 4})
    from vadesk.tasks import routing

    route = routing.route(client=acme, category="agenda", at=NOW)
    assert route.people == [team["b"]] and route.skill == "agenda"
    # Another category needs nothing: the lead gets it.
    assert routing.route(client=acme, category="travel", at=NOW).people == [team["a"]]


def test_a_recurring_task_keeps_its_named_people_who_are_present(org, acme, owner, team):
    from vadesk.tasks import routing

    route = routing.route(client=acme, category="other", at=NOW, preferred=[team["a"], team["c"]])
    assert route.people == [team["a"], team["c"]] and route.rule == routing.Rule.KEPT
    away(org, owner, team["a"])
    route = routing.route(client=acme, category="other", at=NOW, preferred=[team["a"], team["c"]])
    assert route.people == [team["c"]]


def test_a_former_colleague_on_the_team_is_skipped(org, acme, owner, acme_user, team):
    Membership.objects.filter(person=team["a"]).update(is_active=False)
    with time_machine.travel(NOW, tick=False):
        task = by_portal(acme, acme_user)
    assert list(task.assignees.all()) == [team["b"]]


def test_routing_reads_the_whole_team_in_one_query(org, acme, owner, team, django_assert_num_queries):
    from vadesk.tasks import routing

    for key in "ab":
        away(org, owner, team[key])
    with django_assert_num_queries(1):
        route = routing.route(client=acme, category="other", at=NOW)
    assert route.people == [team["c"]]


def test_the_task_page_shows_the_routing_decision(client, org, acme, owner, acme_user, team):
    from vadesk.conftest import login

    away(org, owner, team["a"])
    with time_machine.travel(NOW, tick=False):
        task = by_portal(acme, acme_user)
    login(client, owner)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "Anna away until" in page and "Bram Backup" in page
    assert "sick" not in page.lower().split("routed")[1][:200]  # the type of an absence is for owners' pages only
