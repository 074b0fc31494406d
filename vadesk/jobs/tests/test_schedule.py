"""The schedule fires each slot once, however many workers tick, in the right zone, across DST changes."""

import threading
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from vadesk.accounts.models import Organisation
from vadesk.jobs.models import ScheduleSlot
from vadesk.jobs.schedule import SCHEDULE, Periodic, schedule_tick

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NIGHTLY = Periodic("test.nightly", "vadesk.jobs.tests.probe.noop", at=time(2, 30))


def tick_through_the_day(day: datetime, schedule: list[Periodic], step=timedelta(minutes=5)) -> list[datetime]:
    """Tick every `step` of real (UTC) time from the local midnight of `day` to the next, like a worker."""
    start = day.replace(tzinfo=AMSTERDAM).astimezone(UTC)
    end = (day + timedelta(days=1)).replace(tzinfo=AMSTERDAM).astimezone(UTC)
    fired = []
    with time_machine.travel(start, tick=False) as clock:
        while (now := datetime.now(UTC)) < end:
            fired += [slot.slot for slot in schedule_tick(schedule=schedule) if slot.slot >= start]
            clock.shift(step)
            assert now < datetime.now(UTC)
    return fired


@pytest.mark.django_db
def test_a_daily_0230_job_fires_once_on_the_spring_forward_day_which_has_no_0230(settings):
    settings.JOBS_TIME_ZONE = "Europe/Amsterdam"
    fired = tick_through_the_day(datetime(2026, 3, 29), [NIGHTLY])
    # 02:00 CET jumps to 03:00 CEST: the missing 02:30 fires at 01:30 UTC (03:30 summer time), once.
    assert fired == [datetime(2026, 3, 29, 1, 30, tzinfo=UTC)]


@pytest.mark.django_db
def test_a_daily_0230_job_fires_once_on_the_fall_back_day_which_has_two(settings):
    settings.JOBS_TIME_ZONE = "Europe/Amsterdam"
    fired = tick_through_the_day(datetime(2026, 10, 25), [NIGHTLY])
    # 03:00 CEST falls back to 02:00 CET: 02:30 happens twice; the first one (00:30 UTC) fires, the second doesn't.
    assert fired == [datetime(2026, 10, 25, 0, 30, tzinfo=UTC)]


@pytest.mark.django_db
def test_a_periodic_job_fires_once_per_slot_through_a_dst_day(settings):
    every_hour = Periodic("test.hourly", "vadesk.jobs.tests.probe.noop", every=timedelta(hours=1))
    fired = tick_through_the_day(datetime(2026, 10, 25), [every_hour], step=timedelta(minutes=7))
    assert len(fired) == len(set(fired)) == 25  # the fall-back day has 25 hours
    assert all(slot.minute == 0 and slot.second == 0 for slot in fired)


@pytest.mark.django_db
def test_per_organisation_jobs_fire_at_each_organisations_local_time(settings):
    amsterdam = Organisation.objects.create(name="NL", country="NL", time_zone="Europe/Amsterdam")
    new_york = Organisation.objects.create(name="US", country="NL", time_zone="America/New_York")
    morning = Periodic("test.morning", "vadesk.jobs.tests.probe.noop", at=time(8, 0), per_organisation=True)
    fired = {}
    with time_machine.travel(datetime(2026, 5, 4, 0, 0, tzinfo=UTC), tick=False) as clock:
        schedule_tick(schedule=[morning])  # yesterday's slots, fired late on a fresh database
        for _ in range(24 * 4):
            clock.shift(timedelta(minutes=15))
            for slot in schedule_tick(schedule=[morning]):
                fired[slot.key] = (slot.slot, datetime.now(UTC))
    assert fired[f"test.morning:{amsterdam.pk}"][0] == datetime(2026, 5, 4, 6, 0, tzinfo=UTC)  # 08:00 CEST
    assert fired[f"test.morning:{new_york.pk}"][0] == datetime(2026, 5, 4, 12, 0, tzinfo=UTC)  # 08:00 EDT
    assert all(slot <= at < slot + timedelta(minutes=15) for slot, at in fired.values())


@pytest.mark.django_db
def test_a_second_tick_in_the_same_slot_fires_nothing(settings):
    with time_machine.travel(datetime(2026, 5, 4, 9, 1, tzinfo=UTC), tick=False):
        assert len(schedule_tick(schedule=[NIGHTLY])) == 1
        assert schedule_tick(schedule=[NIGHTLY]) == []
    assert ScheduleSlot.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_workers_ticking_at_once_fire_each_slot_once(database_backend):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the in-memory SQLite test database locks whole tables across threads")
    every_minute = Periodic("test.minutely", "vadesk.jobs.tests.probe.noop", every=timedelta(minutes=1))
    start = threading.Barrier(4)
    fired: list[int] = []

    def worker() -> None:
        try:
            start.wait(timeout=10)
            for _ in range(5):
                fired.append(len(schedule_tick(schedule=[NIGHTLY, every_minute])))
        finally:
            connection.close()

    with time_machine.travel(datetime(2026, 5, 4, 9, 1, 30, tzinfo=UTC), tick=False):
        threads = [threading.Thread(target=worker) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sum(fired) == 2 and ScheduleSlot.objects.count() == 2
    assert DBTaskResult.objects.filter(task_path="vadesk.jobs.tests.probe.noop").count() == 2


def test_the_schedule_holds_the_three_former_cron_jobs_and_their_jobs_import():
    # Apps append their own entries (notifications.mail …); the three former cron jobs stay.
    assert {periodic.name for periodic in SCHEDULE} >= {"tasks.recurring", "agenda.sync", "invoicing.reminders"}
    assert "notifications.mail" in {periodic.name for periodic in SCHEDULE}
    for periodic in SCHEDULE:
        assert import_string(periodic.task).module_path == periodic.task


def test_a_periodic_needs_either_every_or_at():
    with pytest.raises(ValueError, match="either"):
        Periodic("bad", "x.y")


@pytest.mark.django_db
def test_slots_a_month_old_are_pruned_when_a_slot_fires():
    with time_machine.travel(datetime(2026, 5, 4, 9, 1, tzinfo=UTC), tick=False) as clock:
        schedule_tick(schedule=[NIGHTLY])
        clock.shift(timedelta(days=31))
        schedule_tick(schedule=[NIGHTLY])
    assert list(ScheduleSlot.objects.values_list("slot", flat=True)) == [datetime(2026, 6, 4, 0, 30, tzinfo=UTC)]
