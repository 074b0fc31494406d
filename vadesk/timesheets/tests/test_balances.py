"""Balances read from real time entries: balance_of and balances_of."""

from datetime import date
from decimal import Decimal

import pytest

from vadesk.engagements.models import Engagement
from vadesk.engagements.tests.factories import make_engagement, make_entry
from vadesk.timesheets.balances import balance_of, balances_of

JAN, FEB, MAR, APR = (date(2026, m, 1) for m in (1, 2, 3, 4))
Kind = Engagement.Kind
Rollover = Engagement.Rollover


@pytest.fixture
def hourly(acme):
    return make_engagement(acme, Kind.HOURLY, starts_on=JAN)


@pytest.fixture
def bundle10(acme):
    return make_engagement(acme, Kind.BUNDLE, starts_on=JAN, bundle_hours=Decimal("10"))


def retainer_with(acme, rollover: str, **terms) -> Engagement:
    return make_engagement(
        acme, Kind.RETAINER, starts_on=JAN, monthly_hours=Decimal("10"), rollover_policy=rollover, **terms
    )


def test_an_hourly_engagement_shows_usage_per_calendar_month_without_an_allowance(hourly, assistant):
    make_entry(hourly, assistant, date(2026, 1, 31), 60)
    make_entry(hourly, assistant, date(2026, 2, 1), 30)
    make_entry(hourly, assistant, date(2026, 2, 28), 15)

    january, february = balance_of(hourly, date(2026, 1, 15)), balance_of(hourly, date(2026, 2, 10))

    assert (january.period_start, january.period_end, january.used) == (JAN, date(2026, 1, 31), 60)
    assert (february.period_start, february.period_end, february.used) == (FEB, date(2026, 2, 28), 45)
    assert (february.allowance, february.available, february.remaining, february.excess) == (None, None, None, 0)
    assert (february.percent_used, february.level) == (None, "ok")


def test_a_bundle_spends_one_allowance_over_every_month_of_its_life(bundle10, assistant):
    make_entry(bundle10, assistant, date(2026, 1, 31), 120)
    make_entry(bundle10, assistant, date(2026, 2, 1), 180)
    make_entry(bundle10, assistant, date(2026, 4, 20), 60)

    balance = balance_of(bundle10, date(2026, 2, 1))

    assert (balance.allowance, balance.used, balance.remaining, balance.excess) == (600, 360, 240, 0)
    assert balance.percent_used == 60


def test_a_bundle_period_ends_on_its_expiry_date(acme):
    bundle = make_engagement(acme, Kind.BUNDLE, starts_on=JAN, expires_on=date(2026, 6, 30))

    assert (balance_of(bundle, MAR).period_start, balance_of(bundle, MAR).period_end) == (JAN, date(2026, 6, 30))


def test_a_bundle_that_bills_overdraft_shows_what_is_beyond_it_as_excess(acme, assistant):
    bundle = make_engagement(
        acme,
        Kind.BUNDLE,
        starts_on=JAN,
        bundle_hours=Decimal("2"),
        overdraft_policy=Engagement.Overdraft.BILL,
        excess_rate=Decimal("60"),
    )
    make_entry(bundle, assistant, JAN, 90)
    make_entry(bundle, assistant, FEB, 60)

    balance = balance_of(bundle, FEB)

    assert (balance.used, balance.remaining, balance.excess, balance.level) == (150, 0, 30, "exhausted")


def test_entries_that_are_not_billable_or_still_running_do_not_draw_on_a_balance(bundle10, assistant, colleague):
    make_entry(bundle10, assistant, JAN, 60)
    make_entry(bundle10, assistant, JAN, 240, billable=False)
    make_entry(bundle10, colleague, JAN, 120, running=True)

    assert balance_of(bundle10, JAN).used == 60


def test_a_retainer_without_rollover_offers_its_hours_afresh_each_calendar_month(acme, assistant):
    retainer = retainer_with(acme, Rollover.NONE)
    make_entry(retainer, assistant, date(2026, 1, 31), 120)
    make_entry(retainer, assistant, date(2026, 2, 1), 30)

    january, february = balance_of(retainer, JAN), balance_of(retainer, date(2026, 2, 28))

    assert (january.used, january.rolled_over, january.remaining) == (120, 0, 480)
    assert (february.used, february.rolled_over, february.available, february.remaining) == (30, 0, 600, 570)


def test_a_capped_rollover_carries_the_months_own_unused_hours_up_to_the_cap_for_one_month(acme, assistant):
    retainer = retainer_with(acme, Rollover.CAPPED, rollover_cap_hours=Decimal("2"))
    make_entry(retainer, assistant, date(2026, 1, 10), 300)  # 5 of 10 hours unused: 2 carry over
    make_entry(retainer, assistant, date(2026, 2, 27), 660)  # 11 hours: the 2 carried, then 9 of February's own

    february, march = balance_of(retainer, FEB), balance_of(retainer, MAR)

    assert (february.rolled_over, february.available, february.used, february.excess) == (120, 720, 660, 0)
    assert (march.rolled_over, march.available) == (60, 660)  # February's own 1 unused hour; January's 2 expired


def test_a_month_spends_the_hours_carried_into_it_first_since_they_expire_first(acme, assistant):
    retainer = retainer_with(acme, Rollover.CAPPED, rollover_cap_hours=Decimal("2"))
    make_entry(retainer, assistant, date(2026, 2, 14), 600)  # January unused: 2 hours carried into February

    # February's 10 hours: the 2 carried, then 8 of its own, so 2 of its own carry into March.
    assert (balance_of(retainer, FEB).rolled_over, balance_of(retainer, MAR).rolled_over) == (120, 120)


def test_a_full_rollover_accumulates_everything_left(acme, assistant):
    retainer = retainer_with(acme, Rollover.ALL)
    make_entry(retainer, assistant, date(2026, 1, 31), 480)
    make_entry(retainer, assistant, date(2026, 2, 1), 300)

    assert balance_of(retainer, FEB).rolled_over == 120
    assert (balance_of(retainer, MAR).rolled_over, balance_of(retainer, MAR).available) == (420, 1020)


def test_a_retainer_month_beyond_its_hours_shows_the_excess_for_that_month_only(acme, assistant):
    retainer = retainer_with(acme, Rollover.NONE)
    make_entry(retainer, assistant, date(2026, 2, 3), 500)
    make_entry(retainer, assistant, date(2026, 2, 20), 190)

    february, march = balance_of(retainer, FEB), balance_of(retainer, MAR)

    assert (february.used, february.remaining, february.excess, february.level) == (690, 0, 90, "exhausted")
    assert (march.used, march.excess, march.level) == (0, 0, "ok")


def test_a_project_spends_its_budget_and_shows_an_overrun_as_excess(acme, assistant):
    project = make_engagement(acme, Kind.PROJECT, starts_on=JAN, budget_hours=Decimal("3"))
    make_entry(project, assistant, JAN, 120)
    make_entry(project, assistant, MAR, 90)

    balance = balance_of(project, FEB)

    assert (balance.allowance, balance.used, balance.remaining, balance.excess) == (180, 210, 0, 30)


@pytest.mark.parametrize(
    ("used", "level"),
    [(0, "ok"), (479, "ok"), (480, "warning"), (599, "warning"), (600, "exhausted"), (700, "exhausted")],
)
def test_the_balance_warns_at_eighty_and_at_a_hundred_percent(bundle10, assistant, used, level):
    if used:
        make_entry(bundle10, assistant, JAN, used)

    assert balance_of(bundle10, JAN).level == level


def test_balance_of_can_leave_out_the_entry_being_corrected(bundle10, assistant):
    make_entry(bundle10, assistant, JAN, 60)
    corrected = make_entry(bundle10, assistant, JAN, 120)

    assert balance_of(bundle10, JAN, exclude_entry=corrected.pk).used == 60


def test_balances_of_gives_each_engagement_the_same_balance_as_balance_of(acme, other_client, assistant, outsider):
    engagements = [
        make_engagement(acme, Kind.HOURLY, starts_on=JAN),
        make_engagement(acme, Kind.BUNDLE, starts_on=JAN),
        retainer_with(acme, Rollover.CAPPED, rollover_cap_hours=Decimal("2")),
        retainer_with(acme, Rollover.ALL),
        make_engagement(acme, Kind.PROJECT, starts_on=JAN),
        make_engagement(other_client, Kind.BUNDLE, starts_on=JAN),
    ]
    for n, engagement in enumerate(engagements, start=1):
        person = outsider if engagement.client == other_client else assistant
        make_entry(engagement, person, date(2026, 1, 31), 30 * n)
        make_entry(engagement, person, date(2026, 2, 1), 45 * n)
        make_entry(engagement, person, date(2026, 3, 2), 60 * n)

    balances = balances_of(engagements, FEB)

    assert balances == {e.pk: balance_of(e, FEB) for e in engagements}
    assert balances[engagements[0].pk].used == 45  # hourly: February only
    assert balances[engagements[1].pk].used == 2 * (30 + 45 + 60)  # bundle: its whole life


def test_balances_of_reads_any_number_of_engagements_in_one_query(acme, assistant, django_assert_num_queries):
    engagements = [make_engagement(acme, kind, starts_on=JAN) for kind in Kind.values for _ in range(5)]
    for engagement in engagements:
        make_entry(engagement, assistant, date(2026, 1, 20), 30)
        make_entry(engagement, assistant, date(2026, 2, 2), 30)

    with django_assert_num_queries(1):
        balances = balances_of(engagements, FEB)

    assert len(balances) == 20
    assert all(b.used in (30, 60) for b in balances.values())
