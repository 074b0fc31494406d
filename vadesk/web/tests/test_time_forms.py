"""Logging time on a task: a refusal keeps what was typed; a timer started by mistake can be thrown away;
the time sheet's header names the week's own Sunday."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.services import timer_discard, timer_start
from vadesk.web.tests.unchanged import browser_values


@pytest.fixture
def logged_in(client, assistant):
    client.force_login(assistant)
    return client


def _post_time(client, task, duration, note):
    return client.post(
        f"/tasks/{task.pk}/time/",
        {
            "engagement": task.engagement_id,
            "work_date": timezone.localdate().isoformat(),
            "duration": duration,
            "note": note,
            "billable": "on",
        },
    )


@pytest.mark.parametrize("duration", ["abc", "11:00"])  # not a duration; more than the 10-hour bundle holds
def test_a_refused_manual_entry_keeps_what_was_typed_on_the_open_form(logged_in, task, duration):
    response = _post_time(logged_in, task, duration, "Called the notary")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<details class="log-time" open>' in html
    values = browser_values(html, containing="duration")
    assert values["duration"] == [duration] and values["note"] == ["Called the notary"]
    assert 'role="alert"' in html
    assert not TimeEntry.objects.exists()


def test_an_accepted_manual_entry_goes_back_to_the_task(logged_in, task):
    response = _post_time(logged_in, task, "1:30", "Called the notary")
    assert response.status_code == 302
    assert TimeEntry.objects.get().worked_minutes == 90


def test_a_timer_started_by_mistake_is_discarded_and_bills_nothing(logged_in, task, assistant):
    timer_start(by=assistant, engagement=task.engagement, task=task, now=timezone.now() - timedelta(seconds=5))
    page = logged_in.get(f"/tasks/{task.pk}/").content.decode()
    assert 'formaction="/timer/discard/"' in page
    response = logged_in.post("/timer/discard/", {"next": f"/tasks/{task.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/tasks/{task.pk}/"
    assert not TimeEntry.objects.exists()


def test_only_the_person_who_runs_a_timer_discards_it(task, assistant, owner):
    entry = timer_start(by=assistant, engagement=task.engagement, task=task)
    with pytest.raises(PermissionDenied):
        timer_discard(by=owner, entry=entry)
    assert TimeEntry.objects.filter(pk=entry.pk).exists()


def test_discarding_leaves_stopped_entries_alone(logged_in, task, assistant):
    timer_start(by=assistant, engagement=task.engagement, task=task, now=timezone.now() - timedelta(minutes=20))
    logged_in.post("/timer/stop/")
    logged_in.post("/timer/discard/")
    assert TimeEntry.objects.get().worked_minutes == 20


def test_the_time_sheet_header_ends_on_the_weeks_sunday(logged_in):
    html = logged_in.get("/timesheet/?week=2026-12-02").content.decode()
    assert "30 Nov – 6 Dec 2026" in html
