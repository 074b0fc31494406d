"""timer_start and timer_stop: one running timer per person, and nothing lost when a bundle refuses the time."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from vadesk.engagements.models import Engagement
from vadesk.engagements.tests.factories import make_engagement, make_entry
from vadesk.timesheets.balances import balance_of
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.services import timer_start, timer_stop

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_9AM, tick=False) as traveller:
        yield traveller


@pytest.fixture
def small_bundle(acme, owner):
    """Two hours, blocking, per 15 minutes; one hour already used."""
    bundle = make_engagement(acme, Engagement.Kind.BUNDLE, starts_on=date(2026, 1, 1), bundle_hours=Decimal("2"))
    make_entry(bundle, owner, date(2026, 2, 2), 60)
    return bundle


@pytest.fixture
def hourly(acme):
    return make_engagement(acme, Engagement.Kind.HOURLY, starts_on=date(2026, 1, 1), billing_increment_minutes=6)


def test_stopping_a_timer_records_the_started_minutes_rounded_by_the_engagement(assistant, hourly, clock):
    entry = timer_start(by=assistant, engagement=hourly, note="Inbox")
    assert (entry.is_running, entry.work_date, entry.started_at) == (True, date(2026, 3, 2), MONDAY_9AM)

    clock.shift(timedelta(minutes=50, seconds=10))
    stopped = timer_stop(by=assistant, entry=entry)

    stopped.refresh_from_db()
    assert (stopped.is_running, stopped.ended_at) == (False, MONDAY_9AM + timedelta(minutes=50, seconds=10))
    assert (stopped.worked_minutes, stopped.billed_minutes) == (51, 54)  # a started minute counts; then per 6 minutes


def test_a_timer_stopped_as_non_billable_bills_nothing(assistant, hourly, clock):
    entry = timer_start(by=assistant, engagement=hourly)
    clock.shift(timedelta(minutes=20))

    stopped = timer_stop(by=assistant, entry=entry, billable=False)

    assert (stopped.worked_minutes, stopped.billed_minutes, stopped.billable) == (20, 0, False)


def test_a_running_timer_does_not_count_towards_the_balance(assistant, small_bundle, clock):
    entry = timer_start(by=assistant, engagement=small_bundle)
    clock.shift(timedelta(minutes=30))
    assert balance_of(small_bundle, date(2026, 3, 2)).used == 60

    timer_stop(by=assistant, entry=entry)

    assert balance_of(small_bundle, date(2026, 3, 2)).used == 90


def test_starting_a_second_timer_stops_and_saves_the_first(assistant, hourly, small_bundle, clock):
    first = timer_start(by=assistant, engagement=hourly)
    clock.shift(timedelta(minutes=12))

    second = timer_start(by=assistant, engagement=small_bundle)

    first.refresh_from_db()
    assert (first.is_running, first.worked_minutes, first.billed_minutes, first.ended_at) == (
        False,
        12,
        12,
        second.started_at,
    )
    assert list(TimeEntry.objects.running()) == [second]


def test_each_person_has_their_own_timer(assistant, bea, hourly, clock):
    mine = timer_start(by=assistant, engagement=hourly)
    theirs = timer_start(by=bea, engagement=hourly)

    assert set(TimeEntry.objects.running()) == {mine, theirs}


def test_the_database_refuses_a_second_running_timer_for_one_person(assistant, hourly, clock):
    timer_start(by=assistant, engagement=hourly)

    with pytest.raises(IntegrityError), transaction.atomic():
        TimeEntry.objects.create(engagement=hourly, person=assistant, work_date=date(2026, 3, 2), started_at=MONDAY_9AM)


def test_stopping_a_timer_that_would_overdraw_a_blocking_bundle_keeps_it_running(assistant, small_bundle, clock):
    entry = timer_start(by=assistant, engagement=small_bundle)
    clock.shift(timedelta(minutes=61))

    with pytest.raises(ValidationError) as refused:
        timer_stop(by=assistant, entry=entry)

    assert refused.value.code == "bundle_exhausted"
    assert "Only 1:00 left on this bundle; this entry needs 1:15." in refused.value.messages[0]
    entry.refresh_from_db()
    assert (entry.is_running, entry.started_at, entry.worked_minutes, entry.billed_minutes) == (True, MONDAY_9AM, 0, 0)
    assert balance_of(small_bundle, date(2026, 3, 2)).used == 60


def test_a_timer_kept_running_by_a_refusal_can_still_be_stopped_as_non_billable(assistant, small_bundle, clock):
    entry = timer_start(by=assistant, engagement=small_bundle)
    clock.shift(timedelta(minutes=90))
    with pytest.raises(ValidationError):
        timer_stop(by=assistant, entry=entry)

    stopped = timer_stop(by=assistant, entry=entry, billable=False)

    assert (stopped.is_running, stopped.worked_minutes, stopped.billed_minutes) == (False, 90, 0)


def test_starting_a_timer_that_cannot_stop_the_running_one_changes_nothing(assistant, hourly, small_bundle, clock):
    running = timer_start(by=assistant, engagement=small_bundle)
    clock.shift(timedelta(minutes=75))

    with pytest.raises(ValidationError):
        timer_start(by=assistant, engagement=hourly)

    assert list(TimeEntry.objects.running()) == [running]


def test_it_refuses_to_start_a_timer_on_a_used_up_blocking_bundle(assistant, small_bundle, owner, clock):
    make_entry(small_bundle, owner, date(2026, 3, 1), 60)

    with pytest.raises(ValidationError, match="This bundle is used up."):
        timer_start(by=assistant, engagement=small_bundle)

    assert not TimeEntry.objects.running().exists()


@pytest.mark.parametrize("who", ["colleague", "outsider", "acme_user"])
def test_it_refuses_a_timer_for_a_client_the_person_does_not_serve(request, hourly, clock, who):
    person = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        timer_start(by=person, engagement=hourly)

    assert not TimeEntry.objects.exists()


def test_a_refused_timer_leaves_the_running_one_running(assistant, hourly, other_client, clock):
    running = timer_start(by=assistant, engagement=hourly)
    elsewhere = make_engagement(other_client, Engagement.Kind.HOURLY, starts_on=date(2026, 1, 1))
    clock.shift(timedelta(minutes=5))

    with pytest.raises(PermissionDenied):
        timer_start(by=assistant, engagement=elsewhere)

    running.refresh_from_db()
    assert running.is_running


def test_it_refuses_a_timer_on_an_engagement_that_has_ended(assistant, hourly, clock):
    hourly.ends_on = date(2026, 3, 1)
    hourly.save()

    with pytest.raises(ValidationError):
        timer_start(by=assistant, engagement=hourly)


def test_only_the_person_who_started_a_timer_can_stop_it(assistant, owner, hourly, clock):
    entry = timer_start(by=assistant, engagement=hourly)

    with pytest.raises(PermissionDenied, match="You can only stop your own timer."):
        timer_stop(by=owner, entry=entry)

    entry.refresh_from_db()
    assert entry.is_running


def test_it_refuses_to_stop_a_timer_twice(assistant, hourly, clock):
    entry = timer_start(by=assistant, engagement=hourly)
    clock.shift(timedelta(minutes=10))
    timer_stop(by=assistant, entry=entry)
    clock.shift(timedelta(minutes=10))

    with pytest.raises(ValidationError, match="This timer is not running."):
        timer_stop(by=assistant, entry=entry)

    entry.refresh_from_db()
    assert entry.worked_minutes == 10


def test_a_timer_left_running_for_days_records_at_most_a_day(assistant, hourly, clock):
    entry = timer_start(by=assistant, engagement=hourly)
    clock.shift(timedelta(days=3))

    assert timer_stop(by=assistant, entry=entry).worked_minutes == 24 * 60


def test_a_double_click_on_start_gives_a_clear_message_not_a_crash(assistant, bundle, task, monkeypatch):
    from django.core.exceptions import ValidationError as DjangoValidationError

    from vadesk.timesheets.models import TimeEntry as Entry
    from vadesk.timesheets.services import timer_start as start

    start(by=assistant, engagement=bundle, task=task)
    # The second request did not see the first one's timer (it was not committed yet when it looked).
    monkeypatch.setattr(Entry.objects, "select_for_update", lambda: Entry.objects.none())
    with pytest.raises(DjangoValidationError, match="already running"):
        start(by=assistant, engagement=bundle, task=task)
    assert Entry.objects.filter(person=assistant).count() == 1


def test_a_timer_counts_for_the_day_in_the_organisations_time_zone(assistant, bundle, task, org):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from vadesk.timesheets.services import timer_start as start

    org.time_zone = "America/New_York"  # an agency abroad: 02:00 in Amsterdam is still yesterday there
    org.save()
    day = bundle.starts_on + timedelta(days=10)  # inside the bundle's life, whatever today is
    entry = start(
        by=assistant,
        engagement=bundle,
        task=task,
        now=datetime(day.year, day.month, day.day, 2, 0, tzinfo=ZoneInfo("Europe/Amsterdam")),
    )
    assert entry.work_date == day - timedelta(days=1)
