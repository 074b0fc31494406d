"""The kept monthly usage always equals the sums it stands for, after any sequence of writes through the services."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db.models.functions import TruncMonth
from django.utils import timezone

from vadesk.engagements import balance as calc
from vadesk.engagements.models import Engagement
from vadesk.engagements.tests.factories import make_engagement, make_entry
from vadesk.timesheets.balances import balance_of, balances_of, terms_of
from vadesk.timesheets.models import EngagementPeriodUsage, EngagementWeekUsage, TimeEntry
from vadesk.timesheets.services import (
    time_entries_lock,
    time_entry_correct,
    time_entry_delete,
    time_entry_log,
    timer_start,
    timer_stop,
)
from vadesk.timesheets.usage import usage_from_entries, usage_rebuild, week_usage_from_entries

Kind = Engagement.Kind


def kept() -> dict:
    return {(c.engagement_id, c.month): (c.minutes, c.entries) for c in EngagementPeriodUsage.objects.all()}


def summed(engagements) -> dict:
    return usage_from_entries([e.pk for e in engagements])


def kept_weeks() -> dict:
    return {
        (c.engagement_id, c.week, c.person_id): (c.worked_minutes, c.unbilled_minutes)
        for c in EngagementWeekUsage.objects.all()
    }


def summed_weeks(engagements) -> dict:
    return week_usage_from_entries([e.pk for e in engagements])


def balance_from_entries(engagement: Engagement, on: date) -> calc.Balance:
    """The balance as it was computed before usage was kept: grouping every counted entry by month."""
    usage: dict[date, int] = {}
    rows = TimeEntry.objects.counted().filter(engagement=engagement).annotate(month=TruncMonth("work_date"))
    for row in rows.values("month", "billed_minutes"):
        if engagement.kind in (Kind.BUNDLE, Kind.PROJECT) or row["month"] <= on:
            usage[row["month"]] = usage.get(row["month"], 0) + row["billed_minutes"]
    return calc.balance(terms_of(engagement), usage, on, ends_on=engagement.ends_on)


@pytest.fixture
def engagements(acme, org):
    start = timezone.localdate() - timedelta(days=120)
    return [
        make_engagement(acme, Kind.HOURLY, starts_on=start, billing_increment_minutes=6),
        make_engagement(acme, Kind.RETAINER, starts_on=start, rollover_policy="all", billing_increment_minutes=1),
        make_engagement(
            acme,
            Kind.RETAINER,
            starts_on=start,
            rollover_policy="capped",
            rollover_cap_hours=Decimal("3"),
            minimum_minutes_per_task=15,
        ),
        make_engagement(acme, Kind.BUNDLE, starts_on=start, bundle_hours=Decimal("30"), overdraft_policy="block"),
        make_engagement(acme, Kind.PROJECT, starts_on=start),
    ]


def step(rng: random.Random, engagements, people, task) -> str:
    """One random write through the services; refusals are part of the sequence (they must change nothing)."""
    today = timezone.localdate()
    open_entries = list(TimeEntry.objects.filter(invoiced_at__isnull=True, ended_at__isnull=True, started_at=None))
    running = list(TimeEntry.objects.running())
    op = rng.choice(["log", "log", "log", "correct", "correct", "delete", "timer", "lock"])
    person = rng.choice(people)
    engagement = rng.choice(engagements)
    try:
        if op == "log":
            time_entry_log(
                by=person,
                engagement=engagement,
                work_date=today - timedelta(days=rng.randint(0, 110)),
                minutes=rng.randint(1, 300),
                billable=rng.random() < 0.8,
                task=task if rng.random() < 0.3 else None,
            )
        elif op == "correct" and open_entries:
            entry = rng.choice(open_entries)
            time_entry_correct(
                by=person,
                entry=entry,
                engagement=engagement if rng.random() < 0.3 else None,
                minutes=rng.randint(1, 300),
                work_date=entry.work_date + timedelta(days=rng.randint(-40, 40)),
                note="corrected",
                billable=rng.random() < 0.8,
            )
        elif op == "delete" and open_entries:
            time_entry_delete(by=person, entry=rng.choice(open_entries))
        elif op == "timer":
            if running and rng.random() < 0.7:
                entry = rng.choice(running)
                timer_stop(by=entry.person, entry=entry, now=entry.started_at + timedelta(minutes=rng.randint(1, 200)))
            else:
                timer_start(by=person, engagement=engagement, now=timezone.now() - timedelta(hours=5))
        elif op == "lock":
            chosen = [e.pk for e in open_entries if rng.random() < 0.3]
            time_entries_lock(entries=TimeEntry.objects.filter(pk__in=chosen), reference=f"2026-{rng.randint(1, 999)}")
    except (ValidationError, PermissionDenied):
        return f"{op} refused"
    return op


@pytest.mark.parametrize("seed", range(6))
def test_the_kept_usage_equals_the_sums_after_any_sequence_of_writes(seed, engagements, assistant, owner, task):
    rng = random.Random(seed)
    done = []
    for n in range(45):
        done.append(step(rng, engagements, [assistant, owner], task))
        if n % 5 == 4:
            assert kept() == summed(engagements), done
            assert kept_weeks() == summed_weeks(engagements), done
    assert kept() == summed(engagements), done
    assert kept_weeks() == summed_weeks(engagements), done
    assert any(unbilled for _worked, unbilled in kept_weeks().values())
    # A balance read from the kept usage is the one read from the entries themselves, in any month.
    today = timezone.localdate()
    for on in (today, today - timedelta(days=35), today - timedelta(days=80)):
        fresh = [Engagement.objects.get(pk=e.pk) for e in engagements]
        assert balances_of(fresh, on) == {e.pk: balance_from_entries(e, on) for e in fresh}
    assert {"log", "correct", "delete", "lock", "timer"} <= {d for d in done if "refused" not in d}
    # Rebuilding from scratch gives the same cells.
    before, weeks = kept(), kept_weeks()
    usage_rebuild()
    assert kept() == before
    assert kept_weeks() == weeks


def test_invoicing_locks_entries_without_changing_their_usage(engagements, assistant, today):
    hourly = engagements[0]
    for minutes in (30, 45, 60):
        time_entry_log(by=assistant, engagement=hourly, work_date=today, minutes=minutes)
    before = kept()

    monday = today - timedelta(days=today.weekday())
    assert kept_weeks() == {(hourly.pk, monday, assistant.pk): (135, 30 + 48 + 60)}

    assert time_entries_lock(entries=TimeEntry.objects.filter(engagement=hourly), reference="2026-0001") == 3
    assert kept() == before == summed([hourly])
    assert balance_of(hourly, today).used == 30 + 48 + 60
    # What was worked stays; nothing is unbilled any more.
    assert kept_weeks() == summed_weeks([hourly]) == {(hourly.pk, monday, assistant.pk): (135, 0)}


def test_a_correction_moves_the_minutes_between_months_and_engagements(engagements, assistant, today):
    hourly, retainer = engagements[0], engagements[1]
    entry = time_entry_log(by=assistant, engagement=hourly, work_date=today, minutes=60)
    last_month = today.replace(day=1) - timedelta(days=1)

    time_entry_correct(
        by=assistant, entry=entry, engagement=retainer, minutes=90, work_date=last_month, note="", billable=True
    )

    assert kept() == {(retainer.pk, last_month.replace(day=1)): (90, 1)}
    week = last_month - timedelta(days=last_month.weekday())
    assert kept_weeks() == {(retainer.pk, week, assistant.pk): (90, 90)}
    time_entry_delete(by=assistant, entry=TimeEntry.objects.get(pk=entry.pk))
    assert kept() == {}
    assert kept_weeks() == {}


def test_a_running_timer_and_unbillable_time_draw_nothing(engagements, assistant, today):
    hourly = engagements[0]
    timer_start(by=assistant, engagement=hourly)
    time_entry_log(by=assistant, engagement=hourly, work_date=today, minutes=30, billable=False)

    assert kept() == {}
    # Unbillable time was worked (the dashboard's hours per week count it) but bills nothing.
    assert kept_weeks() == {(hourly.pk, today - timedelta(days=today.weekday()), assistant.pk): (30, 0)}


def test_the_rebuild_command_repairs_usage_written_around_the_services(engagements, assistant, today):
    hourly = engagements[0]
    make_entry(hourly, assistant, today, 30)
    TimeEntry.objects.bulk_create(
        [TimeEntry(engagement=hourly, person=assistant, work_date=today, worked_minutes=5, billed_minutes=6)] * 3
    )
    assert kept() != summed([hourly])

    assert kept_weeks() != summed_weeks([hourly])

    call_command("usage_rebuild", verbosity=0)

    assert kept() == summed([hourly]) == {(hourly.pk, today.replace(day=1)): (48, 4)}
    monday = today - timedelta(days=today.weekday())
    assert kept_weeks() == summed_weeks([hourly]) == {(hourly.pk, monday, assistant.pk): (45, 48)}


def test_balances_read_a_bounded_number_of_rows_whatever_the_history(acme, assistant, django_assert_num_queries):
    start = date(2024, 1, 1)
    hourly = make_engagement(acme, Kind.HOURLY, starts_on=start)
    for day in range(0, 700, 7):
        make_entry(hourly, assistant, start + timedelta(days=day), 30)

    with django_assert_num_queries(1) as captured:
        balance = balance_of(hourly, date(2025, 6, 15))

    assert balance.used == 30 * len(
        [
            d
            for d in range(0, 700, 7)
            if (start + timedelta(days=d)).month == 6 and (start + timedelta(days=d)).year == 2025
        ]
    )
    assert "timesheets_timeentry" not in captured.captured_queries[0]["sql"]


def test_a_back_dated_retainer_rolls_nothing_over_from_before_it_was_entered(acme, owner):
    """notes-ux: a retainer entered on 2 Dec with a start on 1 Nov credited 5 h from November."""
    from vadesk.engagements.services import engagement_create

    today = timezone.localdate()
    retainer = engagement_create(
        by=owner,
        client=acme,
        name="Retainer back-dated",
        kind=Kind.RETAINER,
        starts_on=(today.replace(day=1) - timedelta(days=40)).replace(day=1),
        monthly_hours=Decimal("20"),
        monthly_price=Decimal("1000"),
        excess_rate=Decimal("55"),
        rollover_policy="capped",
        rollover_cap_hours=Decimal("5"),
        billing_increment_minutes=6,
    )

    assert balance_of(retainer, today).rolled_over == 0
    assert balance_of(retainer, today).available == 20 * 60
    # One entered when it started does roll over its unused hours.
    Engagement.objects.filter(pk=retainer.pk).update(created_at=timezone.now() - timedelta(days=80))
    retainer.refresh_from_db()
    assert balance_of(retainer, today).rolled_over == 5 * 60
