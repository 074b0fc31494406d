"""The pace projection: deterministic arithmetic from the last four weeks' use."""

from datetime import date

from vadesk.engagements.pace import project, window_start

TODAY = date(2026, 12, 2)


def test_the_window_is_the_last_28_days_today_included():
    assert window_start(TODAY) == date(2026, 11, 5)


def test_a_retainer_that_runs_out_before_the_month_ends():
    # 20 hours left, 32 hours in the last four weeks: 8 hours a week, 20 / (32 / 28) = 17.5 days.
    projection = project(remaining=20 * 60, recent_minutes=32 * 60, today=TODAY, period_end=date(2026, 12, 31))

    assert projection.minutes_per_week == 8 * 60
    assert projection.runs_out_on == date(2026, 12, 19)
    assert not projection.lasts_the_period


def test_hours_that_outlast_the_period():
    projection = project(remaining=20 * 60, recent_minutes=8 * 60, today=TODAY, period_end=date(2026, 12, 31))

    assert projection.runs_out_on == date(2027, 2, 10)
    assert projection.lasts_the_period


def test_the_day_the_hours_run_out_still_counts_as_within_the_period():
    projection = project(remaining=29 * 60, recent_minutes=28 * 60, today=TODAY, period_end=date(2026, 12, 31))

    assert projection.runs_out_on == date(2026, 12, 31)
    assert not projection.lasts_the_period


def test_a_bundle_left_for_about_a_week():
    # 2:30 left, 10 hours in four weeks: 2:30 a week.
    projection = project(remaining=150, recent_minutes=600, today=TODAY, period_end=None)

    assert (projection.minutes_per_week, projection.days_left) == (150, 7)
    assert projection.runs_out_on == date(2026, 12, 9)


def test_no_recent_use_projects_nothing():
    projection = project(remaining=600, recent_minutes=0, today=TODAY, period_end=date(2026, 12, 31))

    assert (projection.runs_out_on, projection.days_left, projection.minutes_per_week) == (None, None, 0)
    assert projection.lasts_the_period


def test_hourly_work_has_nothing_to_run_out():
    projection = project(remaining=None, recent_minutes=600, today=TODAY, period_end=None)

    assert (projection.runs_out_on, projection.days_left) == (None, None)
    assert projection.minutes_per_week == 150
    assert not projection.lasts_the_period
