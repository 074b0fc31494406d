"""Privacy: an assistant's own calendar is theirs. A colleague of the same agency may use their free/busy to find a
slot, but reaches neither the calendar nor its appointments, through the API or the pages."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from vadesk.agenda.models import Calendar, Event
from vadesk.agenda.parties import assistant_party
from vadesk.agenda.scoping import staff_calendars, visible_calendars
from vadesk.agenda.tests.test_api import OPERATIONS, WINDOW, _call, _snapshot
from vadesk.api.tests.conftest import api_as  # noqa: F401 (fixture)
from vadesk.conftest import login

PRIVATE = "ZQX-PRIVATE-APPOINTMENT"


@pytest.fixture(autouse=True)
def _march_2026(time_machine):
    time_machine.move_to(datetime(2026, 3, 10, tzinfo=UTC), tick=True)


@pytest.fixture
def own_calendar(assistant, org) -> Calendar:
    return Calendar.objects.create(party=assistant_party(assistant, org), name="Anna", source=Calendar.Source.LOCAL)


@pytest.fixture
def private_event(own_calendar, assistant) -> Event:
    from vadesk.agenda.services import booking_create

    return booking_create(
        by=assistant,
        calendar=own_calendar,
        start=datetime(2026, 3, 17, 9, tzinfo=UTC),
        end=datetime(2026, 3, 17, 10, tzinfo=UTC),
        summary=f"{PRIVATE}: dentist",
        send=False,
    )


def test_the_assistant_reads_their_own_calendar(assistant, own_calendar, private_event, api_as):
    assert own_calendar in staff_calendars(assistant)
    body = api_as(assistant).get(f"/calendars/{own_calendar.pk}/occurrences", WINDOW).content.decode()
    assert PRIVATE in body  # positive control: the marker is where it belongs


def test_a_colleagues_scoping_leaves_the_assistants_own_calendar_out(colleague, own_calendar, private_event):
    assert own_calendar not in staff_calendars(colleague)
    assert own_calendar not in visible_calendars(colleague)


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_a_colleague_gets_404_on_every_calendar_operation(
    operation, colleague, assistant, own_calendar, private_event, api_as
):
    if operation.startswith("POST /api/v1/slots"):
        pytest.skip("free/busy of a colleague is the agency's to use; summaries stay out (test below)")
    method, path, body = OPERATIONS[operation](own_calendar, private_event)
    before = _snapshot()
    response = _call(api_as(colleague), method, path, body)
    assert response.status_code == 404, (operation, response.content)
    assert PRIVATE not in response.content.decode()
    assert _snapshot() == before


def test_a_colleague_lists_no_calendar_and_finds_slots_without_summaries(
    colleague, assistant, org, own_calendar, private_event, api_as
):
    api = api_as(colleague)
    assert own_calendar.pk not in [c["id"] for c in api.get("/calendars").json()]
    slots = api.post(
        "/slots",
        {
            "parties": [assistant_party(assistant, org).pk],
            "window_start": WINDOW["start"],
            "window_end": WINDOW["end"],
            "duration_minutes": 60,
        },
    )
    assert PRIVATE not in slots.content.decode()


def test_a_colleague_gets_404_on_the_agenda_pages_of_the_assistants_calendar(
    client, colleague, own_calendar, private_event
):
    login(client, colleague)
    before = _snapshot()
    for url in [
        reverse("agenda_calendar_action", args=[own_calendar.pk, "feed"]),
        reverse("agenda_move", args=[private_event.pk]),
        reverse("agenda_cancel", args=[private_event.pk]),
    ]:
        response = client.post(url, {"start": "2026-03-19T09:00:00+01:00", "end": "2026-03-19T10:00:00+01:00"})
        assert response.status_code == 404, url
    assert PRIVATE not in client.get(reverse("agenda_home")).content.decode()
    assert _snapshot() == before
