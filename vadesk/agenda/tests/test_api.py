"""The agenda API: calendars, occurrences, slots, bookings — and nobody out of reach gets anything."""

from datetime import UTC, datetime

import pytest
from django.core import mail

from vadesk.agenda.models import Attendee, Calendar, Event, Occurrence, Party
from vadesk.agenda.parties import assistant_party, client_party
from vadesk.agenda.tests.conftest import ICS
from vadesk.api.tests.conftest import api_as, globex, globex_user  # noqa: F401 (fixtures)
from vadesk.comms.models import OutboxMessage
from vadesk.jobs.models import JobRun

NOW = datetime(2026, 3, 10, tzinfo=UTC)
WINDOW = {"start": "2026-03-16T00:00:00Z", "end": "2026-03-23T00:00:00Z"}


@pytest.fixture(autouse=True)
def _march_2026(time_machine):
    time_machine.move_to(NOW, tick=True)


@pytest.fixture
def booked(acme_calendar, assistant):
    from vadesk.agenda.services import booking_create

    return booking_create(
        by=assistant,
        calendar=acme_calendar,
        start=datetime(2026, 3, 17, 9, tzinfo=UTC),
        end=datetime(2026, 3, 17, 10, tzinfo=UTC),
        summary="Secret board meeting",
        attendees=[("x@y.example", "X")],
        send=False,
    )


# Every agenda operation, with what to send; the core tenancy matrix imports this set.
OPERATIONS = {
    "GET /api/v1/calendars/{calendar_id}/occurrences": lambda c, e: ("get", f"/calendars/{c.pk}/occurrences", WINDOW),
    "POST /api/v1/calendars/{calendar_id}/import": lambda c, e: (
        "post",
        f"/calendars/{c.pk}/import",
        {"ics": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"},
    ),
    "POST /api/v1/calendars/{calendar_id}/feed": lambda c, e: ("post", f"/calendars/{c.pk}/feed", {}),
    "DELETE /api/v1/calendars/{calendar_id}/feed": lambda c, e: ("delete", f"/calendars/{c.pk}/feed", None),
    "POST /api/v1/slots": lambda c, e: (
        "post",
        "/slots",
        {"parties": [c.party_id], "window_start": WINDOW["start"], "window_end": WINDOW["end"], "duration_minutes": 60},
    ),
    "POST /api/v1/bookings": lambda c, e: (
        "post",
        "/bookings",
        {"calendar": c.pk, "start": "2026-03-18T09:00:00Z", "end": "2026-03-18T10:00:00Z", "summary": "Planted"},
    ),
    "PATCH /api/v1/bookings/{event_id}": lambda c, e: (
        "patch",
        f"/bookings/{e.pk}",
        {"start": "2026-03-19T09:00:00Z", "end": "2026-03-19T10:00:00Z"},
    ),
    "DELETE /api/v1/bookings/{event_id}": lambda c, e: ("delete", f"/bookings/{e.pk}", None),
    "GET /api/v1/bookings/{event_id}/proposals": lambda c, e: ("get", f"/bookings/{e.pk}/proposals", {}),
    "PATCH /api/v1/parties/{party_id}": lambda c, e: (
        "patch",
        f"/parties/{c.party_id}",
        {"time_zone": "UTC", "working_hours": {}},
    ),
}
AGENDA_OPERATIONS = set(OPERATIONS) | {"GET /api/v1/calendars", "GET /api/v1/parties"}


def _call(api, method, path, body):
    if method == "get":
        return api.get(path, body or {})
    return api.delete(path) if method == "delete" else getattr(api, method)(path, body)


def _snapshot():
    return [list(m.objects.order_by("pk").values()) for m in (Calendar, Event, Occurrence, Attendee, Party, JobRun)]


@pytest.mark.parametrize("who", ["outsider", "colleague", "globex_user", "acme_user"])
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_out_of_reach_gets_404_and_nothing_changes(
    operation, who, request, acme_calendar, booked, api_as, outsider, colleague, globex_user, acme_user
):
    if who == "acme_user" and operation.startswith("GET /api/v1/calendars"):
        pytest.skip("a client user may read their own calendar")
    method, path, body = OPERATIONS[operation](acme_calendar, booked)
    before = _snapshot()
    response = _call(api_as(request.getfixturevalue(who)), method, path, body)
    assert response.status_code == 404, response.content
    assert _snapshot() == before
    assert mail.outbox == [] and not OutboxMessage.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "colleague", "globex_user"])
def test_lists_show_nothing_out_of_reach(who, request, acme_calendar, booked, api_as, outsider, colleague, globex_user):
    assert api_as(request.getfixturevalue(who)).get("/calendars").json() == []
    assert [p for p in api_as(request.getfixturevalue(who)).get("/parties").json() if p["client_id"] is not None] == []


def test_the_client_user_reads_their_own_calendar(acme_calendar, booked, api_as, acme_user):
    api = api_as(acme_user)
    assert [c["id"] for c in api.get("/calendars").json()] == [acme_calendar.pk]
    body = api.get(f"/calendars/{acme_calendar.pk}/occurrences", WINDOW).json()
    assert body[0]["summary"] == "Secret board meeting" and body[0]["start"] == "2026-03-17T09:00:00Z"


def test_slots_book_move_and_cancel_through_the_api(acme, acme_calendar, assistant, api_as):
    party = client_party(acme)
    party.working_hours = {"tue": [["09:00", "12:00"]]}
    party.preferred_hours = {"tue": [["11:00", "12:00"]]}
    party.save()
    own = assistant_party(assistant, acme.organisation)
    own.working_hours = {"tue": [["10:00", "17:00"]]}
    own.save()
    api = api_as(assistant)
    slots = api.post(
        "/slots",
        {
            "parties": [party.pk, own.pk],
            "window_start": WINDOW["start"],
            "window_end": WINDOW["end"],
            "duration_minutes": 60,
        },
    ).json()
    # Tuesday 17 March, CET: 10:00–12:00 local is 09:00–11:00Z; a 60-minute meeting starts 09:00Z … 10:00Z.
    assert slots["starts"] == [
        "2026-03-17T09:00:00Z",
        "2026-03-17T09:15:00Z",
        "2026-03-17T09:30:00Z",
        "2026-03-17T09:45:00Z",
        "2026-03-17T10:00:00Z",
    ]
    best = slots["proposals"][0]
    assert best["start"] == "2026-03-17T10:00:00Z" and any("preferred" in r for r in best["reasons"])
    response = api.post(
        "/bookings",
        {
            "calendar": acme_calendar.pk,
            "start": best["start"],
            "end": best["end"],
            "summary": "Intake",
            "attendees": [{"email": "jan@supplier.example", "name": "Jan"}],
        },
    )
    assert response.status_code == 201, response.content
    booking = response.json()
    assert booking["attendees"] == [{"email": "jan@supplier.example", "name": "Jan", "status": "NEEDS-ACTION"}]
    again = api.post(
        "/slots",
        {
            "parties": [party.pk, own.pk],
            "window_start": WINDOW["start"],
            "window_end": WINDOW["end"],
            "duration_minutes": 60,
        },
    ).json()
    assert "2026-03-17T10:00:00Z" not in again["starts"] and "2026-03-17T09:00:00Z" in again["starts"]
    moved = api.patch(
        f"/bookings/{booking['id']}", {"start": "2026-03-17T09:00:00Z", "end": "2026-03-17T10:00:00Z"}
    ).json()
    assert moved["sequence"] == 1
    assert api.delete(f"/bookings/{booking['id']}").json()["sequence"] == 2


def test_bad_input_gets_422_with_field_errors(acme_calendar, upload_calendar, assistant, api_as):
    api = api_as(assistant)
    response = api.post(
        "/bookings",
        {"calendar": acme_calendar.pk, "start": "2026-03-18T10:00:00Z", "end": "2026-03-18T09:00:00Z", "summary": "x"},
    )
    assert response.status_code == 422 and "end" in response.json()["errors"]
    response = api.post(f"/calendars/{acme_calendar.pk}/import", {"ics": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"})
    assert response.status_code == 422 and "uploaded-file calendar" in response.json()["errors"]["ics"][0]
    response = api.post(f"/calendars/{upload_calendar.pk}/import", {"ics": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413 and "at most 2.5 MB" in response.json()["detail"]
    assert not JobRun.objects.exists()
    response = api.post(
        "/slots",
        {
            "parties": [acme_calendar.party_id],
            "window_start": "2026-03-16T00:00:00Z",
            "window_end": "2026-09-16T00:00:00Z",
            "duration_minutes": 60,
        },
    )
    assert response.status_code == 422


def test_an_import_is_a_run_that_names_what_it_left_out(
    upload_calendar, assistant, api_as, django_capture_on_commit_callbacks
):
    api = api_as(assistant)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        started = api.post(f"/calendars/{upload_calendar.pk}/import", {"ics": (ICS / "hostile.ics").read_text()})
    assert started.status_code == 202 and started.json()["state"] == "queued"
    assert not upload_calendar.events.exists()  # the request only stored the file
    for job in queued:  # what a worker does once the request's transaction has committed
        job()
    run = started.json()
    assert run["title"] == "Import into Imported" and run["status_url"].endswith(f"/api/v1/runs/{run['id']}")
    read = api.get(f"/runs/{run['id']}").json()
    assert read["state"] == "done" and read["problems"] == 5
    left_out = [m["text"] for m in read["messages"] if m["level"] == "error"]
    assert len(left_out) == 5 and all(text.startswith("Left out: ") for text in left_out)
    assert "Imported 3 events." in [m["text"] for m in read["messages"]]
    assert upload_calendar.events.count() == 3


def test_a_file_that_cannot_be_read_ends_its_run_with_the_reason_and_changes_nothing(
    upload_calendar, assistant, api_as, django_capture_on_commit_callbacks
):
    api = api_as(assistant)
    with django_capture_on_commit_callbacks(execute=True):
        run = api.post(f"/calendars/{upload_calendar.pk}/import", {"ics": "garbage"}).json()
    read = api.get(f"/runs/{run['id']}").json()
    assert read["problems"] == 1 and "readable iCalendar" in read["messages"][0]["text"]
    assert not upload_calendar.events.exists()


def test_a_run_is_read_in_the_readers_language(upload_calendar, assistant, api_as):
    run = api_as(assistant).post(f"/calendars/{upload_calendar.pk}/import", {"ics": "garbage"}).json()
    assert api_as(assistant, "nl").get(f"/runs/{run['id']}").json()["title"] == "Import in Imported"


@pytest.mark.parametrize(
    ("who", "status"), [("assistant", 200), ("owner", 200), ("colleague", 404), ("outsider", 404), ("acme_user", 404)]
)
def test_a_run_is_read_only_by_who_started_it_and_the_owners(
    who, status, request, upload_calendar, assistant, owner, colleague, outsider, acme_user, api_as
):
    run = api_as(assistant).post(f"/calendars/{upload_calendar.pk}/import", {"ics": "garbage"}).json()
    assert api_as(request.getfixturevalue(who)).get(f"/runs/{run['id']}").status_code == status


def test_the_feed_is_secret_and_revocable(acme_calendar, booked, api_as, assistant, client):
    api = api_as(assistant)
    url = api.post(f"/calendars/{acme_calendar.pk}/feed", {}).json()["url"]
    path = url.split("testserver", 1)[1]
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "SUMMARY:Secret board meeting" in response.content.decode()
    assert client.get(path.replace(".ics", "x.ics")).status_code == 404
    new = api.post(f"/calendars/{acme_calendar.pk}/feed", {}).json()["url"]
    assert client.get(path).status_code == 404 and client.get(new.split("testserver", 1)[1]).status_code == 200
    api.delete(f"/calendars/{acme_calendar.pk}/feed")
    assert client.get(new.split("testserver", 1)[1]).status_code == 404
