"""Importing an uploaded .ics is a job with progress: the request stores the file, the run's page tells how it went."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vadesk.agenda import ical
from vadesk.agenda.models import Calendar, Event, Party
from vadesk.agenda.tests.conftest import ICS
from vadesk.conftest import login
from vadesk.jobs.models import JobRun

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _march_2026(time_machine):
    time_machine.move_to(datetime(2026, 3, 10, 8, tzinfo=UTC), tick=True)


def upload(client, calendar, data: bytes, capture, name="team.ics"):
    with capture(execute=True):
        response = client.post(
            reverse("agenda_calendar_action", args=[calendar.pk, "upload"]), {"file": SimpleUploadedFile(name, data)}
        )
    return response


def run_of(response) -> JobRun:
    assert response.status_code == 302 and response.url.startswith("/jobs/runs/"), response.url
    return JobRun.objects.get(pk=response.url.split("/")[-2])


def test_an_upload_is_imported_by_a_job_and_the_page_says_how_it_went(
    client, assistant, upload_calendar, django_capture_on_commit_callbacks
):
    login(client, assistant)
    run = run_of(
        upload(client, upload_calendar, (ICS / "hostile.ics").read_bytes(), django_capture_on_commit_callbacks)
    )
    assert run.state == JobRun.State.DONE and run.audience == JobRun.Audience.STARTER and run.started_by == assistant
    assert upload_calendar.events.count() == 3
    page = client.get(reverse("jobs:run", args=[run.pk])).content.decode()
    assert "Import of team.ics into Imported" in page and "Imported 3 events." in page
    assert (
        "Missing DTSTART" in page
        and "Mars/Olympus_Mons" in page
        and reverse("agenda_week", args=[upload_calendar.party.client_id]) in page
    )


def test_a_file_that_cannot_be_used_changes_nothing(
    client, assistant, upload_calendar, django_capture_on_commit_callbacks
):
    login(client, assistant)
    upload(client, upload_calendar, (ICS / "google.ics").read_bytes(), django_capture_on_commit_callbacks)
    before = list(Event.objects.filter(calendar=upload_calendar).values_list("uid", "ics"))
    run = run_of(
        upload(client, upload_calendar, b"BEGIN:VCALENDAR\r\nthis is no calendar", django_capture_on_commit_callbacks)
    )
    assert run.state == JobRun.State.DONE and [m["level"] for m in run.messages] == ["error"]
    assert list(Event.objects.filter(calendar=upload_calendar).values_list("uid", "ics")) == before


def test_importing_the_same_file_again_adds_nothing(
    client, assistant, upload_calendar, django_capture_on_commit_callbacks
):
    login(client, assistant)
    data = (ICS / "google.ics").read_bytes()
    upload(client, upload_calendar, data, django_capture_on_commit_callbacks)
    count = upload_calendar.events.count()
    run_of(upload(client, upload_calendar, data, django_capture_on_commit_callbacks))
    assert upload_calendar.events.count() == count > 0


def test_a_file_over_the_limit_is_refused_before_it_is_stored(
    client, assistant, upload_calendar, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(ical, "MAX_ICS_BYTES", 100)
    login(client, assistant)
    response = upload(client, upload_calendar, b"x" * 101, django_capture_on_commit_callbacks)
    assert response.url == reverse("agenda_week", args=[upload_calendar.party.client_id])
    assert not JobRun.objects.exists()


def test_a_new_calendar_and_an_outside_partys_free_busy_are_imported_as_runs(
    client, assistant, acme, django_capture_on_commit_callbacks
):
    login(client, assistant)
    data = (ICS / "google.ics").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        added = client.post(
            reverse("agenda_calendar_add", args=[acme.pk]),
            {"name": "Team", "source": "upload", "file": SimpleUploadedFile("t.ics", data)},
        )
        party = client.post(
            reverse("agenda_party_add", args=[acme.pk]),
            {"name": "Notaris", "time_zone": "Europe/Amsterdam", "file": SimpleUploadedFile("n.ics", data)},
        )
    assert Calendar.objects.get(name="Team").events.exists() and run_of(added).state == JobRun.State.DONE
    assert Party.objects.get(name="Notaris").calendars.get().events.exists()
    assert run_of(party).back_url.startswith(reverse("agenda_find", args=[acme.pk]))


def test_the_run_is_the_assistants_and_the_owners_not_a_colleagues(
    client, assistant, owner, colleague, outsider, upload_calendar, django_capture_on_commit_callbacks
):
    login(client, assistant)
    run = run_of(upload(client, upload_calendar, (ICS / "google.ics").read_bytes(), django_capture_on_commit_callbacks))
    for who, code in ((owner, 200), (colleague, 404), (outsider, 404)):
        login(client, who)
        assert client.get(reverse("jobs:run", args=[run.pk])).status_code == code


def test_an_assistant_taken_off_the_team_before_the_job_ran_imports_nothing(
    client, assistant, upload_calendar, django_capture_on_commit_callbacks
):
    login(client, assistant)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload(client, upload_calendar, (ICS / "google.ics").read_bytes(), lambda execute: _Null())
    upload_calendar.party.client.assignments.all().delete()
    for callback in callbacks:
        callback()
    assert not upload_calendar.events.exists()
    assert JobRun.objects.get().messages[0]["text"] == "This calendar is no longer within your reach."


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
