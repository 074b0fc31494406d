"""The query-parameter helper: nonsense gives the default (or a 400 when asked), values stay inside their bounds."""

from datetime import date

import pytest
from django.core.exceptions import BadRequest
from django.http import QueryDict

from vadesk.lib.params import (
    MAX_DATE,
    param_choice,
    param_date,
    param_id,
    param_ids,
    param_int,
    param_month,
    param_text,
)

TODAY = date(2026, 12, 2)


def q(text: str) -> QueryDict:
    return QueryDict(text)


@pytest.mark.parametrize("raw", ["0001-01-01", "9999-12-31", "2026-02-30", "²", "", "%00", "2026-12-02x", "x" * 5000])
def test_a_date_outside_the_calendar_or_unreadable_is_the_default(raw):
    assert param_date(q(f"on={raw}"), "on", TODAY) == TODAY


def test_a_readable_date_inside_the_bounds_is_taken():
    assert param_date(q("on=2027-03-04"), "on", TODAY) == date(2027, 3, 4)
    assert param_date(q("on=2999-12-31"), "on", TODAY) == MAX_DATE
    assert param_date(q("on=2027-03-04"), "on", TODAY, hi=date(2027, 1, 1)) == TODAY


def test_strict_refuses_with_a_400_naming_the_parameter():
    with pytest.raises(BadRequest, match="on"):
        param_date(q("on=9999-12-31"), "on", TODAY, strict=True)
    with pytest.raises(BadRequest, match="days"):
        param_int(q("days=²"), "days", 14, lo=1, hi=92, strict=True)


@pytest.mark.parametrize(
    ("raw", "expected"), [("2", 2), ("²", 14), ("-1", 1), (str(10**30), 14), ("1000", 92), ("", 14)]
)
def test_a_whole_number_is_ascii_digits_brought_inside_its_bounds(raw, expected):
    assert param_int(q(f"days={raw}"), "days", 14, lo=1, hi=92) == expected


def test_without_clamp_a_number_out_of_bounds_is_the_default():
    assert param_int(q("days=1000"), "days", 14, lo=1, hi=92, clamp=False) == 14


@pytest.mark.parametrize("raw", ["²", "0", "-1", str(10**30), "1.5", "", "%00"])
def test_an_id_is_a_positive_bigint_or_none(raw):
    assert param_id(q(f"client={raw}"), "client") is None


def test_ids_keep_the_readable_ones():
    assert param_ids(q("party=1&party=²&party=3&party=" + str(10**30)), "party") == [1, 3]


def test_a_month_is_its_first_day():
    assert param_month(q("month=2026-11"), "month", TODAY) == date(2026, 11, 1)
    for raw in ("9999-12", "0000-00", "2026-13", "2026-11-01", "²"):
        assert param_month(q(f"month={raw}"), "month", TODAY) == TODAY


def test_a_choice_is_one_of_the_words():
    assert param_choice(q("show=all"), "show", ["all", "unread"], "unread") == "all"
    assert param_choice(q("show=%00"), "show", ["all", "unread"], "unread") == "unread"


def test_text_loses_control_characters_and_is_cut():
    assert param_text(q("q=a%00b%09c"), "q") == "abc"
    assert len(param_text(q("q=" + "x" * 5000), "q")) == 200
