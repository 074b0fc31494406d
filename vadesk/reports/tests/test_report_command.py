"""`vadesk report CLIENT_ID YYYY-MM --json`: the month's figures, equal to what the API lists."""

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from vadesk.accounts.services import api_token_create
from vadesk.agenda.models import Calendar, Event, Occurrence, Party
from vadesk.api.tests.conftest import Api
from vadesk.comms.models import PhoneMessage
from vadesk.engagements.models import Engagement
from vadesk.tasks.services import task_create, task_transition
from vadesk.timesheets.services import time_entry_log, timer_start

AMS = ZoneInfo("Europe/Amsterdam")
pytestmark = pytest.mark.django_db


def report(*args: str) -> dict:
    out = StringIO()
    call_command("report", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def engagement(acme, kind: str, **terms) -> Engagement:
    return Engagement.objects.create(
        client=acme,
        name=kind,
        kind=kind,
        billing_increment_minutes=15,
        overdraft_policy=Engagement.Overdraft.BILL,
        hourly_rate=Decimal("50"),
        excess_rate=Decimal("55"),
        **terms,
    )


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=AMS), tick=False)


@pytest.fixture
def october(acme, other_client, assistant, outsider):
    """A client's October 2026, with everything around it that must not count."""
    with at(date(2026, 8, 1)):  # entered when they started: a back-dated retainer rolls nothing over
        retainer = engagement(
            acme, "retainer", starts_on=date(2026, 9, 1), monthly_hours=Decimal("10"), rollover_policy="all"
        )
        bundle = engagement(acme, "bundle", starts_on=date(2026, 8, 1), bundle_hours=Decimal("5"))
        hourly = engagement(acme, "hourly", starts_on=date(2026, 1, 1))
        engagement(acme, "project", starts_on=date(2026, 12, 1), budget_hours=Decimal("8"))  # after October
    with at(date(2026, 9, 2)):
        agenda = task_create(by=assistant, client=acme, engagement=retainer, title="Agenda", category="agenda")
        mail = task_create(by=assistant, client=acme, engagement=retainer, title="Inbox", category="email")
        twice = task_create(by=assistant, client=acme, engagement=hourly, title="Twice done", category="other")
        later = task_create(by=assistant, client=acme, engagement=hourly, title="Done in November", category="other")

    def log(e, day, minutes, **kw):
        with at(day):
            return time_entry_log(by=assistant, engagement=e, work_date=day, minutes=minutes, **kw)

    log(retainer, date(2026, 9, 10), 480, task=agenda)  # September: 8 of 10 hours, 2 roll over
    log(retainer, date(2026, 10, 1), 300, task=agenda)
    log(retainer, date(2026, 10, 31), 360, task=mail)  # October: 11 hours of 12 available
    log(retainer, date(2026, 10, 15), 600, billable=False)  # not billable: not counted
    log(retainer, date(2026, 11, 1), 60, task=agenda)  # November
    log(bundle, date(2026, 9, 5), 240)
    log(bundle, date(2026, 10, 20), 120)  # 6 of 5 hours: 1 hour over, made in October
    log(hourly, date(2026, 10, 8), 90)
    with at(date(2026, 10, 30)):
        timer_start(by=assistant, engagement=hourly)  # running: not counted

    with at(date(2026, 10, 5)):
        task_transition(by=assistant, task=twice, to="done")
        task_transition(by=assistant, task=twice, to="in_progress")
    with at(date(2026, 10, 6)):
        task_transition(by=assistant, task=twice, to="done")
        task_transition(by=assistant, task=agenda, to="done")
    with at(date(2026, 11, 2)):
        task_transition(by=assistant, task=later, to="done")

    def call(moment: datetime, client=acme):
        PhoneMessage.objects.create(client=client, caller_name="Beller", reason="Terugbellen", taken_at=moment)

    call(datetime(2026, 10, 1, 0, 30, tzinfo=AMS))  # 30 September 22:30 UTC, 1 October where the practice is
    call(datetime(2026, 10, 31, 23, 30, tzinfo=AMS))
    call(datetime(2026, 11, 1, 0, 30, tzinfo=AMS))  # November
    call(datetime(2026, 10, 12, 9, 0, tzinfo=AMS), client=other_client)

    party = Party.objects.create(organisation=acme.organisation, client=acme, kind=Party.Kind.CLIENT, name="Acme")
    calendar = Calendar.objects.create(party=party, name="Acme")
    own = Party.objects.create(organisation=acme.organisation, person=assistant, kind=Party.Kind.ASSISTANT, name="A")
    own_calendar = Calendar.objects.create(party=own, name="Anna")

    def appointment(uid, day, *, booked=True, cancelled=False, deleted=False, cal=calendar, task=None):
        event = Event.objects.create(
            calendar=cal, uid=uid, ics="", booked_by=assistant if booked else None, deleted=deleted, task=task
        )
        start = datetime(day.year, day.month, day.day, 10, tzinfo=AMS)
        Occurrence.objects.create(
            calendar=cal,
            event=event,
            recurrence_id="",
            start=start,
            end=start + timedelta(hours=1),
            status="CANCELLED" if cancelled else "CONFIRMED",
        )

    appointment("booked", date(2026, 10, 3))
    appointment("on-the-assistants-calendar", date(2026, 10, 4), cal=own_calendar, task=agenda)
    appointment("not-booked-in-vadesk", date(2026, 10, 5), booked=False)
    appointment("cancelled", date(2026, 10, 6), cancelled=True)
    appointment("deleted", date(2026, 10, 7), deleted=True)
    appointment("november", date(2026, 11, 3))
    return {"retainer": retainer, "bundle": bundle, "hourly": hourly}


def test_it_prints_the_figures_of_the_month(acme, october):
    figures = report(str(acme.pk), "2026-10")

    assert figures == {
        "client": acme.pk,
        "month": "2026-10",
        "engagements": [
            {
                "id": october["retainer"].pk,
                "used_minutes": 660,
                "left_minutes": 60,
                "rolled_over_minutes": 120,
                "excess_minutes": 0,
                "minutes_by_category": {"agenda": 300, "email": 360},
            },
            {
                "id": october["bundle"].pk,
                "used_minutes": 120,
                "left_minutes": 0,
                "rolled_over_minutes": 0,
                "excess_minutes": 60,
                "minutes_by_category": {"other": 120},
            },
            {
                "id": october["hourly"].pk,
                "used_minutes": 90,
                "left_minutes": None,
                "rolled_over_minutes": 0,
                "excess_minutes": 0,
                "minutes_by_category": {"other": 90},
            },
        ],
        "tasks_done": 2,
        "calls": 2,
        "appointments": 2,
    }


def test_used_minutes_equal_what_the_api_lists(acme, october, assistant):
    _, secret = api_token_create(person=assistant, name="check")
    api = Api(secret)
    figures = report(str(acme.pk), "2026-10")
    for row in figures["engagements"]:
        listed = api.get(
            "/time-entries", {"engagement": row["id"], "from": "2026-10-01", "to": "2026-10-31", "limit": 200}
        ).json()["items"]
        counted = [e for e in listed if e["billable"] and not e["is_running"]]
        assert row["used_minutes"] == sum(e["billed_minutes"] for e in counted)
        assert sum(row["minutes_by_category"].values()) == row["used_minutes"]


def test_a_bundle_month_after_the_overdraft_shows_no_new_excess(acme, october):
    """The hour over the bundle was made in October; November's own hours are nil, so is its excess."""
    bundle = next(e for e in report(str(acme.pk), "2026-11")["engagements"] if e["id"] == october["bundle"].pk)

    assert bundle["used_minutes"] == 0
    assert bundle["excess_minutes"] == 0
    assert bundle["left_minutes"] == 0


def test_the_text_form_names_the_engagements(acme, october):
    out = StringIO()
    call_command("report", str(acme.pk), "2026-10", stdout=out)

    assert "retainer: 11:00 used, 1:00 left, 2:00 rolled over, 0:00 excess" in out.getvalue()
    assert "Tasks done: 2 · calls: 2 · appointments: 2" in out.getvalue()


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "11-2026", "2026-1", "2026", "", "²026-10"])
def test_it_refuses_what_is_not_a_month(acme, month):
    with pytest.raises(CommandError, match="is not a month"):
        report(str(acme.pk), month)


@pytest.mark.parametrize("client_id", ["999999", "abc", "-1"])
def test_it_refuses_an_unknown_client(db, client_id):
    with pytest.raises(CommandError, match="no client with id"):
        report(client_id, "2026-10")
