"""Agenda pages: what the team sees and does, and that nobody out of reach sees or does anything."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from vadesk.agenda.models import Calendar, Event, Occurrence, Party
from vadesk.agenda.parties import assistant_party, client_party
from vadesk.agenda.tests.conftest import ICS
from vadesk.api.tests.conftest import globex, globex_user  # noqa: F401 (fixtures)
from vadesk.comms.models import OutboxMessage
from vadesk.conftest import login


@pytest.fixture(autouse=True)
def _march_2026(time_machine):
    time_machine.move_to(datetime(2026, 3, 10, 8, tzinfo=UTC), tick=True)


@pytest.fixture
def booked(acme_calendar, assistant):
    from vadesk.agenda.services import booking_create

    return booking_create(
        by=assistant,
        calendar=acme_calendar,
        start=datetime(2026, 3, 17, 9, tzinfo=UTC),
        end=datetime(2026, 3, 17, 10, tzinfo=UTC),
        summary="Secret board meeting",
        send=False,
    )


def pages(acme, calendar, event):
    return [
        ("get", reverse("agenda_week", args=[acme.pk]), {}),
        ("get", reverse("agenda_find", args=[acme.pk]) + "?duration=60", {}),
        ("post", reverse("agenda_calendar_add", args=[acme.pk]), {"name": "Planted", "source": "local"}),
        (
            "post",
            reverse("agenda_book", args=[acme.pk]),
            {
                "calendar": calendar.pk,
                "start": "2026-03-18T10:00:00+01:00",
                "end": "2026-03-18T11:00:00+01:00",
                "summary": "Planted",
            },
        ),
        ("post", reverse("agenda_party_add", args=[acme.pk]), {"name": "Planted", "time_zone": "UTC"}),
        ("post", reverse("agenda_calendar_action", args=[calendar.pk, "feed"]), {}),
        ("post", reverse("agenda_cancel", args=[event.pk]), {}),
    ]


@pytest.mark.parametrize("who", ["outsider", "colleague"])
def test_out_of_reach_staff_get_404_and_nothing_changes(who, request, client, acme, acme_calendar, booked):
    login(client, request.getfixturevalue(who))
    before = [list(m.objects.order_by("pk").values()) for m in (Calendar, Event, Occurrence, Party)]
    for method, url, data in pages(acme, acme_calendar, booked):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (url, response.status_code)
    assert [list(m.objects.order_by("pk").values()) for m in (Calendar, Event, Occurrence, Party)] == before


@pytest.mark.parametrize("who", ["acme_user", "globex_user"])
def test_client_users_are_sent_to_the_portal(who, request, client, acme, acme_calendar, booked):
    login(client, request.getfixturevalue(who))
    for method, url, data in pages(acme, acme_calendar, booked):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/portal/" in response["Location"]
    assert Event.objects.get(pk=booked.pk).sequence == 0


def test_the_week_overlays_the_clients_and_the_assistants_calendars(client, assistant, acme, acme_calendar, booked):
    own = Calendar.objects.create(party=assistant_party(assistant, acme.organisation), name="Mine")
    from vadesk.agenda.services import booking_create

    booking_create(
        by=assistant,
        calendar=own,
        start=datetime(2026, 3, 18, 12, tzinfo=UTC),
        end=datetime(2026, 3, 18, 13, tzinfo=UTC),
        summary="My dentist",
        send=False,
    )
    login(client, assistant)
    page = client.get(reverse("agenda_week", args=[acme.pk]) + "?on=2026-03-16").content.decode()
    assert "Secret board meeting" in page and "My dentist" in page
    assert "10:00–11:00" in page  # 09:00Z in Amsterdam
    month = client.get(reverse("agenda_week", args=[acme.pk]) + "?on=2026-03-16&view=month").content.decode()
    assert month.count('class="agenda-day') == 42 and "Secret board meeting" in month


def test_uploading_a_hostile_file_names_what_was_left_out(client, assistant, acme, django_capture_on_commit_callbacks):
    login(client, assistant)
    with open(ICS / "hostile.ics", "rb") as f, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("agenda_calendar_add", args=[acme.pk]), {"name": "Imported", "source": "upload", "file": f}
        )
    page = client.get(response.url).content.decode()  # the import's run page (the import is a job)
    assert "Missing DTSTART" in page and "Mars/Olympus_Mons" in page
    assert Calendar.objects.get(name="Imported").events.count() == 3


def test_find_a_time_and_book_it(client, assistant, acme, acme_calendar, django_capture_on_commit_callbacks):
    party = client_party(acme)
    party.working_hours = {"tue": [["10:00", "12:00"]]}
    party.save()
    login(client, assistant)
    page = client.get(
        reverse("agenda_find", args=[acme.pk]), {"duration": 60, "from": "2026-03-16", "days": 7}
    ).content.decode()
    assert page.count('data-testid="proposal"') == 5
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("agenda_book", args=[acme.pk]),
            {
                "calendar": acme_calendar.pk,
                "start": "2026-03-17T10:00:00+01:00",
                "end": "2026-03-17T11:00:00+01:00",
                "summary": "Intake",
                "attendees": "jan@supplier.example",
            },
        )
    assert response.status_code == 302
    event = Event.objects.get(summary="Intake")
    assert list(event.attendees.values_list("email", flat=True)) == ["jan@supplier.example"]
    assert Occurrence.objects.get(event=event).start == datetime(2026, 3, 17, 9, tzinfo=UTC)
    assert OutboxMessage.objects.filter(kind="invitation", recipient="jan@supplier.example").count() == 1
