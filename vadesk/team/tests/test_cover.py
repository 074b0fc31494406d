"""Open work at the start of an absence: cover or hand over, idempotent, back at the end, chains, the owners."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils.module_loading import import_string

from vadesk.clients.models import Assignment
from vadesk.jobs.schedule import SCHEDULE
from vadesk.tasks.models import RoutingNote, Status, Task
from vadesk.tasks.routing import describe
from vadesk.tasks.services import comment_add
from vadesk.team.cover import covering_for, covers_refresh, help_lines_for_client
from vadesk.team.jobs import covers_refresh_job
from vadesk.team.models import Absence, Cover, CoverChange
from vadesk.team.services import absence_cancel, absence_request

# Thursday 3 December 2026; Anna is away from Tuesday 1 to Monday 14 December.
TODAY = date(2026, 12, 3)
START, END = date(2026, 12, 1), date(2026, 12, 14)


def away(org, owner, person, *, open_work="cover", start=START, end=END):
    return absence_request(
        by=owner,
        organisation=org,
        person=person,
        kind="sick",
        start_date=start,
        end_date=end,
        open_work=open_work,
    )


def task_of(acme, *people, title="Open task", status=Status.NEW):
    task = Task.objects.create(client=acme, title=title, status=status)
    task.assignees.set(people)
    return task


def assignees(task):
    return sorted(p.full_name for p in task.assignees.all())


def snapshot():
    return (
        sorted((t.pk, p) for t in Task.objects.all() for p in t.assignees.values_list("pk", flat=True)),
        Cover.objects.count(),
        CoverChange.objects.count(),
        RoutingNote.objects.count(),
    )


def test_cover_adds_the_first_present_backup_and_the_original_stays(org, acme, owner, team):
    task = task_of(acme, team["a"])
    away(org, owner, team["a"])
    assert covers_refresh(organisation=org, today=TODAY) == 1
    assert assignees(task) == ["Anna Lead", "Bram Backup"]
    line = describe(task.routing_notes.get().reason)
    assert "Anna away until" in line and "Bram Backup added to cover" in line
    assert "sick" not in line.lower()


def test_hand_over_reassigns_to_the_backup(org, acme, owner, team):
    task = task_of(acme, team["a"])
    away(org, owner, team["a"], open_work="hand_over")
    covers_refresh(organisation=org, today=TODAY)
    assert assignees(task) == ["Bram Backup"]
    assert "handed over to Bram Backup" in describe(task.routing_notes.get().reason)


@pytest.mark.parametrize("open_work", ["cover", "hand_over"])
def test_running_it_twice_changes_nothing(org, acme, owner, team, open_work):
    task_of(acme, team["a"])
    task_of(acme, team["a"], team["c"], title="Shared")
    away(org, owner, team["a"], open_work=open_work)
    covers_refresh(organisation=org, today=TODAY)
    before = snapshot()
    assert covers_refresh(organisation=org, today=TODAY) == 0
    assert covers_refresh(organisation=org, today=date(2026, 12, 4)) == 0
    assert snapshot() == before


def test_closed_tasks_and_other_peoples_tasks_are_left_alone(org, acme, owner, team):
    done = task_of(acme, team["a"], status=Status.DONE)
    cora = task_of(acme, team["c"])
    away(org, owner, team["a"])
    covers_refresh(organisation=org, today=TODAY)
    assert assignees(done) == ["Anna Lead"] and assignees(cora) == ["Cora Second"]
    assert not RoutingNote.objects.exists()


def test_chain_a_to_c_when_the_backup_is_away_too(org, acme, owner, team):
    task = task_of(acme, team["a"])
    away(org, owner, team["b"], start=date(2026, 12, 2), end=date(2026, 12, 10))
    away(org, owner, team["a"], open_work="hand_over")
    covers_refresh(organisation=org, today=TODAY)
    assert assignees(task) == ["Cora Second"]


def test_nobody_present_goes_to_the_owners(org, acme, owner, team):
    task = task_of(acme, team["a"])
    for key in "bc":
        away(org, owner, team[key])
    away(org, owner, team["a"], open_work="hand_over")
    covers_refresh(organisation=org, today=TODAY)
    assert assignees(task) == ["Olga Owner"]
    assert {c.person_id for c in Cover.objects.filter(absence__person=team["a"])} == {owner.pk}


def test_an_absence_starting_on_a_public_holiday_goes_to_the_backup_not_the_owners(org, acme, owner, team):
    """Christmas Day: the whole team is off, which says nothing about who covers from Monday 28 December on."""
    task = task_of(acme, team["a"])
    absence = away(org, owner, team["a"], start=date(2026, 12, 25), end=date(2027, 1, 8))
    covers_refresh(organisation=org, today=date(2026, 12, 25))
    assert assignees(task) == ["Anna Lead", "Bram Backup"]
    assert absence.handover_notes.get().backup == team["b"]


def test_a_solo_va_away_keeps_the_task_never_without_assignee(org, acme, owner):
    Assignment.objects.create(client=acme, person=owner)
    task = task_of(acme, owner)
    away(org, owner, owner, open_work="hand_over")
    covers_refresh(organisation=org, today=TODAY)
    assert assignees(task) == ["Olga Owner"]


def test_untouched_work_goes_back_when_the_absence_ends(org, acme, owner, team):
    task = task_of(acme, team["a"])
    away(org, owner, team["a"], open_work="hand_over")
    covers_refresh(organisation=org, today=TODAY)
    assert covers_refresh(organisation=org, today=date(2026, 12, 15)) == 1
    assert assignees(task) == ["Anna Lead"]
    assert "back to Anna Lead" in describe(task.routing_notes.order_by("pk").last().reason)
    assert not Cover.objects.filter(ended_at=None).exists()
    before = snapshot()
    assert covers_refresh(organisation=org, today=date(2026, 12, 16)) == 0
    assert snapshot() == before


def test_cover_added_for_the_absence_leaves_at_the_end(org, acme, owner, team):
    task = task_of(acme, team["a"])
    away(org, owner, team["a"])
    covers_refresh(organisation=org, today=TODAY)
    covers_refresh(organisation=org, today=date(2026, 12, 15))
    assert assignees(task) == ["Anna Lead"]


def test_a_cover_who_was_already_on_the_task_stays_on_it(org, acme, owner, team):
    task = task_of(acme, team["a"], team["b"])
    away(org, owner, team["a"])
    covers_refresh(organisation=org, today=TODAY)
    covers_refresh(organisation=org, today=date(2026, 12, 15))
    assert assignees(task) == ["Anna Lead", "Bram Backup"]


def test_work_touched_during_the_absence_stays_with_the_cover(org, acme, owner, team):
    commented = task_of(acme, team["a"], title="Commented")
    untouched = task_of(acme, team["a"], title="Untouched")
    away(org, owner, team["a"], open_work="hand_over")
    covers_refresh(organisation=org, today=TODAY)
    comment_add(by=team["b"], task=commented, body="Called the client", visibility="internal")
    covers_refresh(organisation=org, today=date(2026, 12, 15))
    assert assignees(commented) == ["Bram Backup"]
    assert assignees(untouched) == ["Anna Lead"]
    assert "stays with Bram Backup" in describe(commented.routing_notes.order_by("pk").last().reason)


def test_a_cancelled_absence_gives_the_work_back(org, acme, owner, team):
    task = task_of(acme, team["a"])
    absence = away(org, owner, team["a"], open_work="hand_over")
    covers_refresh(organisation=org, today=TODAY)
    absence_cancel(by=owner, absence=absence)
    covers_refresh(organisation=org, today=TODAY)
    assert assignees(task) == ["Anna Lead"]


def test_a_requested_or_half_day_absence_moves_nothing(org, acme, owner, team):
    task = task_of(acme, team["a"])
    absence_request(by=team["a"], organisation=org, person=team["a"], kind="holiday", start_date=START, end_date=END)
    absence_request(
        by=owner,
        organisation=org,
        person=team["a"],
        kind="other",
        start_date=date(2026, 12, 20),
        end_date=date(2026, 12, 20),
        part="morning",
    )
    covers_refresh(organisation=org, today=TODAY)
    covers_refresh(organisation=org, today=date(2026, 12, 20))
    assert assignees(task) == ["Anna Lead"]


def test_an_absence_that_has_not_started_moves_nothing_yet(org, acme, owner, team):
    task = task_of(acme, team["a"])
    away(org, owner, team["a"], open_work="hand_over", start=date(2026, 12, 7))
    covers_refresh(organisation=org, today=TODAY)
    assert assignees(task) == ["Anna Lead"]
    covers_refresh(organisation=org, today=date(2026, 12, 7))
    assert assignees(task) == ["Bram Backup"]


def test_the_cover_is_listed_for_the_backup_and_for_the_client(org, acme, owner, team):
    away(org, owner, team["a"])
    covers_refresh(organisation=org, today=TODAY)
    [covering] = covering_for(team["b"], org.pk, TODAY)
    assert (covering.client, covering.absent, covering.since, covering.until) == (acme, "Anna", START, END)
    assert covering_for(team["c"], org.pk, TODAY) == []
    [line] = help_lines_for_client(acme, TODAY)
    assert (line.absent, line.until, line.helpers) == ("Anna", END, ["Bram"])


def test_the_job_is_in_the_schedule():
    [entry] = [p for p in SCHEDULE if p.name == "team.cover"]
    assert entry.per_organisation and import_string(entry.task) is covers_refresh_job


def test_the_job_runs_the_refresh_in_the_organisations_day(org, acme, owner, team):
    task = task_of(acme, team["a"])
    away(org, owner, team["a"], open_work="hand_over")
    with time_machine.travel(datetime(2026, 12, 3, 5, 30, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False):
        assert covers_refresh_job.call(organisation_id=org.pk) == 1
        assert covers_refresh_job.call(organisation_id=org.pk) == 0
    assert assignees(task) == ["Bram Backup"]


def test_an_unknown_open_work_choice_is_refused_and_nothing_is_saved(org, owner, team):
    with pytest.raises(Exception, match="cover or hand over"):
        away(org, owner, team["a"], open_work="vanish")
    assert not Absence.objects.exists()
