"""Time entries: logged, corrected and deleted through the timesheet services; read by the team and the client."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vadesk.accounts.models import Membership
from vadesk.clients.models import Assignment
from vadesk.conftest import make_person
from vadesk.engagements.models import Engagement
from vadesk.tasks.services import task_create
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.services import time_entries_lock, time_entry_log


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def backup(org, acme):
    """A second assistant on acme's team."""
    person = make_person("bea@assist.example", "Bea Backup")
    Membership.objects.create(person=person, organisation=org, role=Membership.Role.ASSISTANT)
    Assignment.objects.create(client=acme, person=person, role="backup")
    return person


def _notes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [e["note"] for e in response.json()["items"]]


def test_it_logs_time_rounded_by_the_engagement(api_as, assistant, bundle, task, today):
    response = api_as(assistant).post(
        "/time-entries",
        {
            "engagement": bundle.pk,
            "work_date": today.isoformat(),
            "minutes": 20,
            "task": task.pk,
            "note": "Called venue",
        },
    )
    assert response.status_code == 201, response.content
    entry = TimeEntry.objects.get()
    assert (entry.person, entry.engagement, entry.task, entry.worked_minutes, entry.billed_minutes) == (
        assistant,
        bundle,
        task,
        20,
        30,
    )
    body = response.json()
    assert (body["client"]["name"], body["task"]["title"], body["billed_minutes"], body["work_date"]) == (
        "Acme B.V.",
        "Plan board meeting",
        30,
        today.isoformat(),
    )


def test_it_refuses_zero_minutes_and_more_than_the_bundle_holds(api_as, assistant, bundle, today):
    api = api_as(assistant)
    response = api.post("/time-entries", {"engagement": bundle.pk, "work_date": today.isoformat(), "minutes": 0})
    assert response.status_code == 422
    assert response.json()["errors"] == {"minutes": ["Enter the time worked, more than zero minutes."]}
    response = api.post("/time-entries", {"engagement": bundle.pk, "work_date": today.isoformat(), "minutes": 601})
    assert response.status_code == 422
    assert response.json()["errors"]["__all__"][0].startswith("Only 10:00 left on this bundle")
    response = api.post("/time-entries", {"engagement": bundle.pk, "work_date": "yesterday", "minutes": 30})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["work_date"]
    assert not TimeEntry.objects.exists()


def test_it_refuses_a_date_the_engagement_does_not_cover(api_as, assistant, bundle):
    response = api_as(assistant).post(
        "/time-entries",
        {"engagement": bundle.pk, "work_date": (bundle.starts_on - timedelta(days=1)).isoformat(), "minutes": 30},
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["work_date"]
    assert not TimeEntry.objects.exists()


def test_it_refuses_a_task_of_another_client(api_as, owner, bundle, globex, today):
    other = task_create(by=owner, client=globex, title="Globex work")
    response = api_as(owner).post(
        "/time-entries", {"engagement": bundle.pk, "work_date": today.isoformat(), "minutes": 30, "task": other.pk}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["task"]
    assert not TimeEntry.objects.exists()


def test_a_client_user_may_not_log_time(api_as, acme_user, bundle, today):
    response = api_as(acme_user).post(
        "/time-entries", {"engagement": bundle.pk, "work_date": today.isoformat(), "minutes": 30}
    )
    assert response.status_code == 403
    assert not TimeEntry.objects.exists()


def test_it_lists_entries_newest_first_with_filters(api_as, owner, assistant, backup, bundle, retainer, today):
    time_entry_log(by=assistant, engagement=bundle, work_date=today - timedelta(days=3), minutes=30, note="old")
    time_entry_log(by=assistant, engagement=retainer, work_date=today - timedelta(days=1), minutes=30, note="retainer")
    time_entry_log(by=backup, engagement=bundle, work_date=today, minutes=30, note="backup's")
    api = api_as(owner)
    assert _notes(api.get("/time-entries")) == ["backup's", "retainer", "old"]
    assert _notes(api.get("/time-entries", {"engagement": bundle.pk})) == ["backup's", "old"]
    assert _notes(api.get("/time-entries", {"person": backup.pk})) == ["backup's"]
    assert _notes(api_as(assistant).get("/time-entries", {"person": "me"})) == ["retainer", "old"]
    assert _notes(
        api.get(
            "/time-entries",
            {"from": (today - timedelta(days=2)).isoformat(), "to": (today - timedelta(days=1)).isoformat()},
        )
    ) == ["retainer"]
    assert _notes(api.get("/time-entries", {"client": bundle.client_id, "limit": 1, "offset": 1})) == ["retainer"]
    assert api.get("/time-entries", {"limit": 1}).json()["count"] == 3


def test_a_client_user_sees_their_clients_entries_only(api_as, assistant, owner, acme_user, bundle, globex, today):
    globex_hours = Engagement.objects.create(
        client=globex, name="Globex", kind="hourly", starts_on=today, hourly_rate=50
    )
    time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=30, note="for acme", client_note="acme")
    time_entry_log(by=owner, engagement=globex_hours, work_date=today, minutes=30, note="for globex")
    mine = api_as(acme_user).get("/time-entries").json()["items"]
    # Issue 11: the client reads the note meant for them; the internal note is the team's only.
    assert [(e["note"], e["client_note"]) for e in mine] == [("", "acme")]
    assert _notes(api_as(assistant).get("/time-entries")) == ["for acme"]


def test_the_list_does_not_query_per_entry(api_as, assistant, bundle, task, today):
    api = api_as(assistant)

    def queries(n: int) -> int:
        TimeEntry.objects.all().delete()
        TimeEntry.objects.bulk_create(
            [
                TimeEntry(engagement=bundle, task=task, person=assistant, work_date=today, worked_minutes=5)
                for _ in range(n)
            ]
        )
        with CaptureQueriesContext(connection) as captured:
            assert len(api.get("/time-entries", {"limit": 100}).json()["items"]) == n
        return len(captured)

    assert queries(3) == queries(40)


def test_the_author_corrects_an_entry(api_as, assistant, bundle, task, today):
    entry = time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=20, task=task, note="first")
    response = api_as(assistant).patch(f"/time-entries/{entry.pk}", {"minutes": 50, "note": "fixed"})
    assert response.status_code == 200, response.content
    entry.refresh_from_db()
    assert (entry.worked_minutes, entry.billed_minutes, entry.note, entry.task, entry.billable) == (
        50,
        60,
        "fixed",
        task,
        True,
    )


def test_a_correction_may_clear_the_task_by_sending_null(api_as, assistant, bundle, task, today):
    entry = time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=20, task=task)
    assert api_as(assistant).patch(f"/time-entries/{entry.pk}", {"task": None}).status_code == 200
    entry.refresh_from_db()
    assert (entry.task, entry.worked_minutes) == (None, 20)


def test_an_owner_corrects_an_assistants_entry_but_a_teammate_may_not(api_as, owner, assistant, backup, bundle, today):
    entry = time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=20)
    response = api_as(backup).patch(f"/time-entries/{entry.pk}", {"minutes": 200})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.worked_minutes == 20
    assert api_as(owner).patch(f"/time-entries/{entry.pk}", {"minutes": 25, "billable": False}).status_code == 200
    entry.refresh_from_db()
    assert (entry.worked_minutes, entry.billable, entry.billed_minutes, entry.person) == (25, False, 0, assistant)


def test_a_bad_correction_changes_nothing(api_as, assistant, bundle, today):
    entry = time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=20, note="first")
    response = api_as(assistant).patch(f"/time-entries/{entry.pk}", {"minutes": 5000, "note": "changed"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["minutes"]
    entry.refresh_from_db()
    assert (entry.worked_minutes, entry.note) == (20, "first")


def test_an_invoiced_entry_can_no_longer_change_or_go(api_as, owner, assistant, bundle, today):
    entry = time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=20)
    time_entries_lock(entries=TimeEntry.objects.filter(pk=entry.pk), reference="2026-0001")
    api = api_as(owner)
    response = api.patch(f"/time-entries/{entry.pk}", {"minutes": 10})
    assert response.status_code == 422
    assert "2026-0001" in response.json()["errors"]["__all__"][0]
    assert api.delete(f"/time-entries/{entry.pk}").status_code == 422
    entry.refresh_from_db()
    assert entry.worked_minutes == 20


def test_the_author_deletes_an_entry(api_as, assistant, bundle, today):
    entry = time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=20)
    response = api_as(assistant).delete(f"/time-entries/{entry.pk}")
    assert response.status_code == 204
    assert not TimeEntry.objects.exists()


def test_a_client_user_reads_but_may_not_change_or_delete_an_entry(api_as, assistant, acme_user, bundle, today):
    entry = time_entry_log(
        by=assistant, engagement=bundle, work_date=today, minutes=20, note="call", client_note="Belde"
    )
    api = api_as(acme_user)
    assert api.get(f"/time-entries/{entry.pk}").json()["client_note"] == "Belde"
    assert api.patch(f"/time-entries/{entry.pk}", {"minutes": 1}).status_code == 403
    assert api.delete(f"/time-entries/{entry.pk}").status_code == 403
    entry.refresh_from_db()
    assert entry.worked_minutes == 20
