"""time_entry_log: rounding, the task minimum, balances and who may log where."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from vadesk.engagements.models import Engagement
from vadesk.engagements.tests.factories import make_engagement
from vadesk.tasks.services import task_create
from vadesk.timesheets.balances import balance_of
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.services import time_entry_log


@pytest.fixture
def minimum_engagement(acme, today):
    """Hourly work billed per 6 minutes with a minimum of 30 minutes per task."""
    return make_engagement(
        acme,
        Engagement.Kind.HOURLY,
        starts_on=today - timedelta(days=30),
        billing_increment_minutes=6,
        minimum_minutes_per_task=30,
    )


def new_task(assistant, engagement, title="Book flights"):
    return task_create(by=assistant, client=engagement.client, engagement=engagement, title=title)


def test_it_rounds_each_entry_up_to_the_engagements_billing_increment(assistant, bundle, retainer, today):
    assert time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=16).billed_minutes == 30
    assert time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=15).billed_minutes == 15
    assert time_entry_log(by=assistant, engagement=retainer, work_date=today, minutes=7).billed_minutes == 12

    stored = TimeEntry.objects.filter(engagement=bundle).aggregate(
        worked=Sum("worked_minutes"), billed=Sum("billed_minutes")
    )
    assert stored == {"worked": 31, "billed": 45}


def test_the_task_minimum_applies_once_per_task_not_per_entry(assistant, minimum_engagement, today):
    task = new_task(assistant, minimum_engagement)

    first = time_entry_log(by=assistant, engagement=minimum_engagement, task=task, work_date=today, minutes=5)
    second = time_entry_log(by=assistant, engagement=minimum_engagement, task=task, work_date=today, minutes=5)

    assert (first.billed_minutes, second.billed_minutes) == (30, 0)


def test_a_task_costs_its_rounded_entries_or_its_minimum_whichever_is_more(assistant, minimum_engagement, today):
    task = new_task(assistant, minimum_engagement)

    for minutes in (5, 25, 13):
        time_entry_log(by=assistant, engagement=minimum_engagement, task=task, work_date=today, minutes=minutes)

    # Rounded per entry: 6 + 30 + 18 = 54, more than the 30-minute minimum, which is not added on top.
    assert TimeEntry.objects.filter(task=task).aggregate(s=Sum("billed_minutes"))["s"] == 54


def test_each_task_has_its_own_minimum_and_time_without_a_task_has_none(assistant, minimum_engagement, today):
    book, call = new_task(assistant, minimum_engagement), new_task(assistant, minimum_engagement, "Call the notary")

    assert (
        time_entry_log(
            by=assistant, engagement=minimum_engagement, task=book, work_date=today, minutes=5
        ).billed_minutes
        == 30
    )
    assert (
        time_entry_log(
            by=assistant, engagement=minimum_engagement, task=call, work_date=today, minutes=5
        ).billed_minutes
        == 30
    )
    assert time_entry_log(by=assistant, engagement=minimum_engagement, work_date=today, minutes=5).billed_minutes == 6


def test_a_non_billable_entry_bills_nothing_and_does_not_draw_on_the_balance(assistant, bundle, today):
    entry = time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=50, billable=False)

    assert (entry.worked_minutes, entry.billed_minutes) == (50, 0)
    assert balance_of(bundle, today).used == 0


def test_a_non_billable_entry_does_not_use_up_the_task_minimum(assistant, minimum_engagement, today):
    task = new_task(assistant, minimum_engagement)

    assert (
        time_entry_log(
            by=assistant, engagement=minimum_engagement, task=task, work_date=today, minutes=5, billable=False
        ).billed_minutes
        == 0
    )
    assert (
        time_entry_log(
            by=assistant, engagement=minimum_engagement, task=task, work_date=today, minutes=5
        ).billed_minutes
        == 30
    )


def test_it_refuses_an_entry_that_would_overdraw_a_blocking_bundle_and_writes_nothing(
    assistant, nearly_used_bundle, today
):
    with pytest.raises(ValidationError) as refused:
        time_entry_log(by=assistant, engagement=nearly_used_bundle, work_date=today, minutes=61)

    assert refused.value.code == "bundle_exhausted"
    assert refused.value.messages == [
        "Only 1:00 left on this bundle; this entry needs 1:15. Log it on another engagement, make it non-billable, or ask the owner to top up the bundle."
    ]
    assert not TimeEntry.objects.filter(person=assistant).exists()
    assert balance_of(nearly_used_bundle, today).used == 540


def test_it_accepts_an_entry_that_uses_the_last_minutes_of_a_blocking_bundle(assistant, nearly_used_bundle, today):
    time_entry_log(by=assistant, engagement=nearly_used_bundle, work_date=today, minutes=60)

    balance = balance_of(nearly_used_bundle, today)
    assert (balance.remaining, balance.level) == (0, "exhausted")


def test_a_used_up_blocking_bundle_still_takes_non_billable_time(assistant, nearly_used_bundle, today):
    time_entry_log(by=assistant, engagement=nearly_used_bundle, work_date=today, minutes=60)

    assert (
        time_entry_log(
            by=assistant, engagement=nearly_used_bundle, work_date=today, minutes=30, billable=False
        ).billed_minutes
        == 0
    )


def test_the_rounded_minutes_are_what_must_fit_in_a_blocking_bundle(assistant, nearly_used_bundle, today):
    # 46 worked minutes bill 60 with a 15-minute increment: still fits; 1 more worked minute does not.
    time_entry_log(by=assistant, engagement=nearly_used_bundle, work_date=today, minutes=46)

    with pytest.raises(ValidationError):
        time_entry_log(by=assistant, engagement=nearly_used_bundle, work_date=today, minutes=1)


def test_a_bundle_that_bills_overdraft_accepts_the_entry_and_shows_the_excess(assistant, nearly_used_bundle, today):
    nearly_used_bundle.overdraft_policy = Engagement.Overdraft.BILL
    nearly_used_bundle.excess_rate = Decimal("60.00")
    nearly_used_bundle.save()

    time_entry_log(by=assistant, engagement=nearly_used_bundle, work_date=today, minutes=90)

    balance = balance_of(nearly_used_bundle, today)
    assert (balance.used, balance.remaining, balance.excess, balance.level) == (630, 0, 30, "exhausted")


def test_it_refuses_time_after_a_bundle_expired_but_takes_it_on_the_expiry_date(assistant, bundle, today):
    bundle.expires_on = today - timedelta(days=1)
    bundle.save()

    assert time_entry_log(by=assistant, engagement=bundle, work_date=today - timedelta(days=1), minutes=15).pk
    with pytest.raises(ValidationError) as refused:
        time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=15)
    assert "work_date" in refused.value.message_dict
    assert TimeEntry.objects.count() == 1


@pytest.mark.parametrize("status", [Engagement.Status.DRAFT, Engagement.Status.PAUSED, Engagement.Status.ENDED])
def test_it_refuses_time_on_an_engagement_that_is_not_active(assistant, retainer, today, status):
    retainer.status = status
    retainer.save()

    with pytest.raises(ValidationError) as refused:
        time_entry_log(by=assistant, engagement=retainer, work_date=today, minutes=30)

    assert refused.value.message_dict["work_date"] == [
        f"Retainer 20 does not accept time on {today} (not active, not started, ended or expired)."
    ]
    assert not TimeEntry.objects.exists()


def test_it_refuses_time_before_an_engagement_starts_or_after_it_ended(assistant, retainer, today):
    retainer.ends_on = today
    retainer.save()

    for day in (retainer.starts_on - timedelta(days=1), today + timedelta(days=1)):
        with pytest.raises(ValidationError):
            time_entry_log(by=assistant, engagement=retainer, work_date=day, minutes=30)
    assert time_entry_log(by=assistant, engagement=retainer, work_date=today, minutes=30).pk


@pytest.mark.parametrize("who", ["colleague", "outsider", "acme_user"])
def test_it_refuses_someone_who_does_not_serve_the_client(request, bundle, today, who):
    person = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied, match="You do not work for this client."):
        time_entry_log(by=person, engagement=bundle, work_date=today, minutes=30)

    assert not TimeEntry.objects.exists()


def test_an_owner_may_log_on_any_client_of_the_organisation(owner, bundle, today):
    assert time_entry_log(by=owner, engagement=bundle, work_date=today, minutes=30).person == owner


def test_it_refuses_an_assistant_whose_membership_ended(assistant, bundle, today):
    assistant.memberships.update(is_active=False)

    with pytest.raises(PermissionDenied):
        time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=30)


def test_it_refuses_a_task_of_another_client(assistant, owner, bundle, org, today):
    from vadesk.clients.models import Client

    globex = Client.objects.create(organisation=org, name="Globex")
    globex_task = task_create(by=owner, client=globex, title="Order toner")

    with pytest.raises(ValidationError) as refused:
        time_entry_log(by=assistant, engagement=bundle, task=globex_task, work_date=today, minutes=30)

    assert refused.value.message_dict == {"task": ["This task belongs to another client."]}


@pytest.mark.parametrize("minutes", [0, -15, 24 * 60 + 1])
def test_it_refuses_no_time_negative_time_and_more_than_a_day(assistant, bundle, today, minutes):
    with pytest.raises(ValidationError) as refused:
        time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=minutes)

    assert "minutes" in refused.value.message_dict
