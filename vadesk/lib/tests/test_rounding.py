import pytest

from vadesk.lib.rounding import billed_minutes, task_entry_billed_minutes


@pytest.mark.parametrize(
    ("worked", "increment", "billed"),
    [(1, 6, 6), (6, 6, 6), (7, 6, 12), (1, 15, 15), (15, 15, 15), (16, 15, 30), (59, 60, 60), (61, 60, 120), (7, 1, 7)],
)
def test_it_rounds_an_entry_up_to_the_billing_increment(worked, increment, billed):
    assert billed_minutes(worked, increment=increment) == billed


def test_no_work_bills_nothing_even_with_a_minimum_to_top_up():
    assert billed_minutes(0, increment=15, minimum_top_up=30) == 0
    assert task_entry_billed_minutes(0, increment=15, minimum=30) == 0


def test_it_refuses_negative_minutes():
    with pytest.raises(ValueError):
        billed_minutes(-1, increment=15)


def test_an_increment_of_zero_bills_per_minute():
    assert billed_minutes(7, increment=0) == 7


def test_the_first_entry_of_a_task_is_topped_up_to_the_minimum():
    assert task_entry_billed_minutes(5, increment=6, minimum=30) == 30
    assert task_entry_billed_minutes(45, increment=15, minimum=30) == 45


def test_later_entries_first_use_up_what_the_minimum_already_billed():
    # A first entry of 5 minutes billed 6 rounded, topped up to 30.
    assert task_entry_billed_minutes(5, increment=6, minimum=30, rounded_before=6, billed_before=30) == 0
    assert task_entry_billed_minutes(25, increment=6, minimum=30, rounded_before=6, billed_before=30) == 6


def test_without_a_minimum_every_entry_bills_its_rounded_minutes():
    assert task_entry_billed_minutes(5, increment=6, minimum=0, rounded_before=60, billed_before=60) == 6


def test_an_entry_makes_up_a_minimum_that_is_missing_after_an_entry_was_deleted():
    # The task's topped-up first entry is gone; the one left billed 0, so the task is short of its minimum.
    assert task_entry_billed_minutes(5, increment=6, minimum=30, rounded_before=6, billed_before=0) == 30
