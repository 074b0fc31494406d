"""The fast slot finder gives exactly what a word-by-word, minute-by-minute reading of the contract gives."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vadesk.agenda import slots
from vadesk.agenda.slots import Case, Participant, feasible_starts, intersect, merge, subtract
from vadesk.agenda.tests.reference import brute_force_starts

ZONES = [
    "Europe/Amsterdam",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "UTC",
]
# Windows that straddle DST changes: EU spring/autumn 2026, US spring 2026, Lord Howe's 30-minute change.
STARTS = [
    datetime(2026, 3, 28, 0, tzinfo=UTC),
    datetime(2026, 10, 24, 12, tzinfo=UTC),
    datetime(2026, 3, 7, 18, tzinfo=UTC),
    datetime(2026, 4, 4, 6, tzinfo=UTC),
    datetime(2026, 6, 1, tzinfo=UTC),
]


def epoch(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())


@st.composite
def working_hours(draw):
    hours = {}
    for day in draw(st.sets(st.integers(0, 6), max_size=7)):
        cuts = sorted(draw(st.sets(st.integers(0, 96), min_size=2, max_size=6)))
        pairs = [(cuts[i] * 15, cuts[i + 1] * 15) for i in range(0, len(cuts) - 1, 2)]
        hours[day] = pairs
    return hours


@st.composite
def cases(draw):
    origin = int(draw(st.sampled_from(STARTS)).timestamp()) + draw(st.integers(0, 8)) * 900
    length = draw(st.integers(1, 48)) * 3600
    participants = []
    for i in range(draw(st.integers(1, 3))):
        busy = []
        grain = draw(st.sampled_from([60, 900]))  # coarse grains make touching edges common
        for _ in range(draw(st.integers(0, 8))):
            s = origin + draw(st.integers(-6 * 60, length // 60 + 6 * 60)) * 60 // grain * grain
            busy.append((s, s + draw(st.integers(0, 6 * 60)) * 60 // grain * grain))
        participants.append(Participant(f"p{i}", ZoneInfo(draw(st.sampled_from(ZONES))), draw(working_hours()), busy))
    return Case(
        (origin, origin + length),
        draw(st.sampled_from([15, 30, 45, 60, 90, 7, 1])) * 60,
        draw(st.sampled_from([5, 15, 30, 60, 7])) * 60,
        draw(st.sampled_from([0, 5, 10, 15, 30])) * 60,
        participants,
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_it_agrees_with_the_brute_force_reading_of_the_contract(case):
    assert feasible_starts(case) == brute_force_starts(case)


def _anna(**kwargs) -> Participant:
    return Participant(
        "anna", ZoneInfo("Europe/Amsterdam"), kwargs.pop("hours", {0: [(540, 1020)]}), kwargs.pop("busy", [])
    )


def test_touching_a_widened_busy_interval_is_fine():
    # Monday 16 March 2026, Amsterdam is UTC+1: working 08:00–16:00 UTC. Busy 10:00–11:00, buffer 10.
    busy = [(epoch(2026, 3, 16, 10), epoch(2026, 3, 16, 11))]
    case = Case((epoch(2026, 3, 16, 8), epoch(2026, 3, 16, 16)), 3000, 60, 600, [_anna(busy=busy)])
    starts = [slots.iso_z(t) for t in feasible_starts(case)]
    assert "2026-03-16T09:00:00Z" in starts  # 09:00 + 50 min = 09:50 = 10:00 − buffer: touching
    assert "2026-03-16T09:01:00Z" not in starts
    assert "2026-03-16T11:10:00Z" in starts and "2026-03-16T11:09:00Z" not in starts


def test_a_range_may_end_at_24_00_and_continue_into_the_next_day():
    hours = {0: [(1320, 1440)], 1: [(0, 120)]}  # Mon 22:00–24:00, Tue 00:00–02:00 local
    case = Case((epoch(2026, 3, 16, 20), epoch(2026, 3, 17, 2)), 4 * 3600, 3600, 0, [_anna(hours=hours)])
    assert [slots.iso_z(t) for t in feasible_starts(case)] == ["2026-03-16T21:00:00Z"]


def test_working_hours_follow_the_local_clock_across_dst():
    # Europe/Amsterdam springs forward on Sunday 29 March 2026: 09:00 local is 08:00 UTC before, 07:00 UTC after.
    hours = {d: [(540, 600)] for d in range(7)}
    case = Case((epoch(2026, 3, 28), epoch(2026, 3, 31)), 3600, 900, 0, [_anna(hours=hours)])
    assert [slots.iso_z(t) for t in feasible_starts(case)] == [
        "2026-03-28T08:00:00Z",
        "2026-03-29T07:00:00Z",
        "2026-03-30T07:00:00Z",
    ]


def test_a_missing_weekday_means_not_working():
    case = Case((epoch(2026, 3, 17), epoch(2026, 3, 18)), 3600, 900, 0, [_anna(hours={0: [(0, 1440)]})])
    assert feasible_starts(case) == []


def test_interval_helpers():
    assert merge([(5, 7), (1, 3), (3, 4), (9, 9)]) == [(1, 4), (5, 7)]
    assert subtract([(0, 10), (20, 30)], [(2, 3), (8, 22), (29, 40)]) == [(0, 2), (3, 8), (22, 29)]
    assert intersect([(0, 10), (20, 30)], [(5, 25)]) == [(5, 10), (20, 25)]
