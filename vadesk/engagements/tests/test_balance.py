from datetime import date

from vadesk.engagements.balance import Terms, balance, retainer_balance
from vadesk.lib.rounding import billed_minutes


def test_it_rounds_up_per_entry_to_the_increment():
    assert billed_minutes(1, increment=15) == 15
    assert billed_minutes(15, increment=15) == 15
    assert billed_minutes(16, increment=6) == 18


def test_it_tops_up_to_the_task_minimum():
    assert billed_minutes(5, increment=6, minimum_top_up=30) == 30
    assert billed_minutes(45, increment=15, minimum_top_up=30) == 45


def test_capped_rollover_carries_own_unused_hours_for_one_month_only():
    terms = Terms(kind="retainer", starts_on=date(2026, 1, 1), allowance=600, rollover="capped", rollover_cap=120)
    usage = {date(2026, 1, 1): 300, date(2026, 2, 1): 0}
    february = retainer_balance(terms, usage, date(2026, 2, 10))
    assert (february.rolled_over, february.available) == (120, 720)
    march = retainer_balance(terms, usage, date(2026, 3, 10))
    assert march.rolled_over == 120  # February's own 600 unused, capped; January's carry-over expired


def test_full_rollover_accumulates_and_excess_is_what_exceeds_the_month():
    terms = Terms(kind="retainer", starts_on=date(2026, 1, 1), allowance=600, rollover="all")
    usage = {date(2026, 1, 1): 500, date(2026, 2, 1): 800}
    february = balance(terms, usage, date(2026, 2, 1))
    assert (february.rolled_over, february.used, february.remaining, february.excess) == (100, 800, 0, 100)
    assert february.level == "exhausted"


def test_bundle_warns_at_eighty_percent():
    terms = Terms(kind="bundle", starts_on=date(2026, 1, 1), allowance=600)
    assert balance(terms, {date(2026, 1, 1): 479}, date(2026, 3, 1)).level == "ok"
    assert balance(terms, {date(2026, 1, 1): 300, date(2026, 2, 1): 180}, date(2026, 3, 1)).level == "warning"


def test_month_helpers_cross_the_year_and_leap_days():
    from vadesk.engagements.balance import month_end, next_month

    assert (next_month(date(2026, 12, 31)), month_end(date(2026, 12, 1))) == (date(2027, 1, 1), date(2026, 12, 31))
    assert (month_end(date(2028, 2, 3)), month_end(date(2026, 2, 3))) == (date(2028, 2, 29), date(2026, 2, 28))


def test_an_allowance_of_zero_is_exhausted_by_any_use():
    terms = Terms(kind="project", starts_on=date(2026, 1, 1), allowance=0)
    assert (
        balance(terms, {}, date(2026, 1, 1)).level,
        balance(terms, {date(2026, 1, 1): 1}, date(2026, 1, 1)).level,
    ) == ("ok", "exhausted")
