"""Digest moments and quiet hours in the contact's own time zone, across daylight-saving changes."""

from datetime import UTC, datetime, time

from vadesk.comms.schedule import Quiet, is_quiet, next_digest, quiet_begins, quiet_ends, timebound_moment

AMS = "Europe/Amsterdam"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_17_00_amsterdam_digest_is_at_17_00_local_in_summer_and_in_winter():
    summer = next_digest(utc(2026, 7, 1, 8), cadence="daily", at=time(17), weekday=0, zone=AMS)
    winter = next_digest(utc(2026, 12, 1, 8), cadence="daily", at=time(17), weekday=0, zone=AMS)
    assert summer == utc(2026, 7, 1, 15)  # CEST, UTC+2
    assert winter == utc(2026, 12, 1, 16)  # CET, UTC+1


def test_the_daily_digest_across_the_autumn_change_keeps_local_time():
    # 2026-10-25: clocks go back in Europe. The day before at 17:00 is 15:00 UTC, that day 16:00 UTC.
    before = next_digest(utc(2026, 10, 24, 12), cadence="daily", at=time(17), weekday=0, zone=AMS)
    after = next_digest(before, cadence="daily", at=time(17), weekday=0, zone=AMS)
    assert (before, after) == (utc(2026, 10, 24, 15), utc(2026, 10, 25, 16))


def test_a_digest_time_in_the_spring_gap_goes_right_after_the_gap():
    # 2026-03-29 02:30 does not exist in Amsterdam; it lands at 03:30 CEST = 01:30 UTC.
    moment = next_digest(utc(2026, 3, 28, 12), cadence="daily", at=time(2, 30), weekday=0, zone=AMS)
    assert moment == utc(2026, 3, 29, 1, 30)


def test_a_weekly_digest_is_on_the_chosen_day_and_past_moments_move_a_week_on():
    # Friday 2026-11-27 17:00 CET
    assert next_digest(utc(2026, 11, 25, 9), cadence="weekly", at=time(17), weekday=4, zone=AMS) == utc(
        2026, 11, 27, 16
    )
    assert next_digest(utc(2026, 11, 27, 16), cadence="weekly", at=time(17), weekday=4, zone=AMS) == utc(
        2026, 12, 4, 16
    )


def test_an_immediate_contact_has_no_digest():
    assert next_digest(utc(2026, 11, 25, 9), cadence="immediate", at=time(17), weekday=4, zone=AMS) is None


def test_another_zone_uses_its_own_wall_clock():
    assert next_digest(utc(2026, 7, 1, 8), cadence="daily", at=time(9), weekday=0, zone="America/New_York") == utc(
        2026, 7, 1, 13
    )


NIGHT = Quiet(zone=AMS, start=time(21), end=time(8), days=frozenset({6}))


def test_quiet_hours_span_midnight_and_end_in_the_morning():
    assert is_quiet(utc(2026, 11, 25, 22), NIGHT)  # 23:00 Wednesday
    assert not is_quiet(utc(2026, 11, 25, 12), NIGHT)
    assert quiet_ends(utc(2026, 11, 25, 22), NIGHT) == utc(2026, 11, 26, 7)  # Thursday 08:00 CET
    assert quiet_ends(utc(2026, 11, 25, 12), NIGHT) is None


def test_a_quiet_day_waits_until_the_next_morning_after_it():
    # Saturday 23:00 → Sunday is quiet all day → Monday 08:00
    assert quiet_ends(utc(2026, 11, 28, 22), NIGHT) == utc(2026, 11, 30, 7)


def test_a_quiet_period_begins_at_the_last_boundary_into_quiet_also_across_summer_time():
    assert quiet_begins(utc(2026, 11, 26, 5), NIGHT) == utc(2026, 11, 25, 20)  # Thursday 06:00 → Wednesday 21:00 CET
    assert quiet_begins(utc(2026, 11, 25, 12), NIGHT) is None
    # Sunday 29 March 2026 (quiet day, clocks go forward): began Saturday 21:00 CET = 20:00 UTC.
    assert quiet_begins(utc(2026, 3, 29, 12), NIGHT) == utc(2026, 3, 28, 20)


def test_a_time_bound_message_waits_for_the_end_of_quiet_only_if_that_is_before_its_deadline():
    wednesday_night = utc(2026, 11, 25, 22)
    early = utc(2026, 11, 25, 10)
    assert timebound_moment(utc(2026, 11, 25, 12), utc(2026, 11, 26, 12), NIGHT, now=early) == utc(2026, 11, 25, 12)
    assert timebound_moment(wednesday_night, utc(2026, 11, 26, 10), NIGHT, now=early) == utc(2026, 11, 26, 7)
    # The appointment is at 07:30 CET, still quiet: 15 minutes before the quiet evening began.
    assert timebound_moment(wednesday_night, utc(2026, 11, 26, 6, 30), NIGHT, now=early) == datetime(
        2026, 11, 25, 19, 45, tzinfo=UTC
    )
    # Already quiet now and until the appointment: at once rather than after the fact.
    assert timebound_moment(wednesday_night, utc(2026, 11, 26, 6, 30), NIGHT, now=utc(2026, 11, 25, 21)) == utc(
        2026, 11, 25, 21
    )
    # An ideal moment in the past is never used.
    assert timebound_moment(early, utc(2026, 11, 26, 12), NIGHT, now=utc(2026, 11, 25, 11)) == utc(2026, 11, 25, 11)
