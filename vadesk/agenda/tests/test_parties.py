"""Editing a party's hours, zone, defaults and pasted availability — in the UI and the API — and using them."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from vadesk.agenda import proposals
from vadesk.agenda.availability import AvailabilityError, hours_text, parse_availability, parse_hours_text
from vadesk.agenda.models import Party
from vadesk.agenda.parties import assistant_party, client_party
from vadesk.api.tests.conftest import api_as, globex, globex_user  # noqa: F401 (fixtures)
from vadesk.conftest import login

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(autouse=True)
def _march_2026(time_machine):
    time_machine.move_to(datetime(2026, 3, 10, 8, tzinfo=UTC), tick=True)


@pytest.fixture
def supplier(acme) -> Party:
    return Party.objects.create(
        organisation=acme.organisation,
        client=acme,
        kind=Party.Kind.EXTERNAL,
        name="Jan (supplier)",
        email="jan@supplier.example",
        time_zone="Europe/Amsterdam",
    )


def test_weekday_lines_in_three_languages_with_several_ranges():
    hours = parse_hours_text("Mon 09:00-12:30, 13:30-17:30\ndi 9.00 – 17:00\n\nFreitag 08:00-12:00\nmon 18:00-24:00")
    assert hours == {
        "mon": [["09:00", "12:30"], ["13:30", "17:30"], ["18:00", "24:00"]],
        "tue": [["09:00", "17:00"]],
        "fri": [["08:00", "12:00"]],
    }
    assert parse_hours_text(hours_text(hours)) == hours


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Mon 09:00-12:00\nsometimes in the afternoon", "Line 2: 'sometimes in the afternoon' cannot be read"),
        ("Mon 9-12", "Line 1: '9-12' is not a time range"),
        ("Tue 17:00-09:00", "line 1.tue[0]: the range must end after it starts"),
        ("Wed 09:00-25:00", "is not a time HH:MM"),
    ],
)
def test_weekday_lines_are_read_strictly(text, message):
    with pytest.raises(AvailabilityError, match=message.replace("(", r"\(").replace("[", r"\[")):
        parse_hours_text(text)


def test_pasted_availability_takes_weekday_lines_and_iso_ranges():
    hours, ranges = parse_availability(
        "Mon 09:00-12:00\n2026-03-17T09:00/2026-03-17T12:00\n2026-03-18T14:00:00Z - 2026-03-18T15:30:00Z", AMS
    )
    assert hours == {"mon": [["09:00", "12:00"]]}
    # Without an offset the time is the party's own zone (CET in March: UTC+1).
    assert ranges == [
        (datetime(2026, 3, 17, 8, tzinfo=UTC), datetime(2026, 3, 17, 11, tzinfo=UTC)),
        (datetime(2026, 3, 18, 14, tzinfo=UTC), datetime(2026, 3, 18, 15, 30, tzinfo=UTC)),
    ]
    # Several ranges on one line, and start/duration (ISO 8601 §4.4.4.1).
    _hours, ranges = parse_availability(
        "2026-03-17T09:00/PT1H30M; 2026-03-19T14:00+00:00/2026-03-19T15:00+00:00, 2026-03-20T09:00 to 2026-03-20T10:00",
        AMS,
    )
    assert ranges == [
        (datetime(2026, 3, 17, 8, tzinfo=UTC), datetime(2026, 3, 17, 9, 30, tzinfo=UTC)),
        (datetime(2026, 3, 19, 14, tzinfo=UTC), datetime(2026, 3, 19, 15, tzinfo=UTC)),
        (datetime(2026, 3, 20, 8, tzinfo=UTC), datetime(2026, 3, 20, 9, tzinfo=UTC)),
    ]
    for bad, message in [
        ("2026-03-17T09:00/tomorrow", "Line 1: 'tomorrow' is not an ISO 8601"),
        ("2026-03-17T09:00/PT", "Line 1: 'PT' is not a duration"),
        ("2026-03-17T09:00/P1Y", "Line 1: 'P1Y' is not a duration"),
        ("2026-03-01T09:00/2026-05-01T09:00", "Line 1: a range may span at most 31 days"),
        ("2026-03-17T09:00/PT1H, whenever", "Line 1: 'whenever' cannot be read"),
        ("2026-03-17T12:00/2026-03-17T09:00", "Line 1: the range must end after it starts"),
        ("Mon 09:00-12:00\nfree on Tuesday", "Line 2: 'free on Tuesday' cannot be read"),
    ]:
        with pytest.raises(AvailabilityError, match=message):
            parse_availability(bad, AMS)


def test_the_team_edits_the_clients_hours_and_defaults_in_the_ui(client, assistant, acme):
    party = client_party(acme)
    login(client, assistant)
    url = reverse("agenda_party", args=[party.pk])
    assert "Mon 09:00-17:00" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "time_zone": "Europe/Brussels",
            "working_hours": "Mon 09:00-12:30, 13:30-17:30\nTue 09:00-17:00",
            "preferred_hours": "Tue 09:00-11:00",
            "buffer_minutes": "10",
            "travel_minutes": "30",
            "max_meetings_per_day": "3",
        },
    )
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.time_zone == "Europe/Brussels" and party.working_hours == {
        "mon": [["09:00", "12:30"], ["13:30", "17:30"]],
        "tue": [["09:00", "17:00"]],
    }
    assert (party.preferred_hours, party.buffer_minutes, party.travel_minutes, party.max_meetings_per_day) == (
        {"tue": [["09:00", "11:00"]]},
        10,
        30,
        3,
    )
    # The find page offers the new defaults.
    page = client.get(reverse("agenda_find", args=[acme.pk])).content.decode()
    assert (
        'name="buffer" type="number" min="0" max="240" value="10"' in page
        and 'name="travel" type="number" min="0" max="480" value="30"' in page
    )


def test_bad_hours_are_refused_with_the_line_named_and_nothing_saved(client, assistant, acme):
    party = client_party(acme)
    before = Party.objects.filter(pk=party.pk).values().get()
    login(client, assistant)
    response = client.post(
        reverse("agenda_party", args=[party.pk]),
        {
            "time_zone": "Mars/Olympus_Mons",
            "working_hours": "Mon 09:00-12:00\nwhenever",
            "preferred_hours": "",
            "buffer_minutes": "x",
            "travel_minutes": "0",
            "max_meetings_per_day": "",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Line 2: &#x27;whenever&#x27; cannot be read" in page and "Give a whole number of minutes." in page
    assert "whenever" in page  # what was typed is shown again, not lost
    response = client.post(
        reverse("agenda_party", args=[party.pk]),
        {
            "time_zone": "Mars/Olympus_Mons",
            "working_hours": "Mon 09:00-12:00",
            "buffer_minutes": "0",
            "travel_minutes": "0",
        },
    )
    assert response.status_code == 400 and "Mars/Olympus_Mons is not a known time zone" in response.content.decode()
    assert Party.objects.filter(pk=party.pk).values().get() == before


def test_an_outside_party_is_edited_after_adding_and_their_pasted_availability_limits_the_slots(
    client, assistant, acme, supplier
):
    login(client, assistant)
    find = client.get(reverse("agenda_find", args=[acme.pk])).content.decode()
    assert reverse("agenda_party", args=[supplier.pk]) in find
    response = client.post(
        reverse("agenda_party", args=[supplier.pk]),
        {
            "name": "Jan Smit",
            "email": "jan@smit.example",
            "time_zone": "Europe/Amsterdam",
            "working_hours": "Mon 09:00-17:00",
            "preferred_hours": "",
            "buffer_minutes": "0",
            "travel_minutes": "0",
            "max_meetings_per_day": "",
            "availability": "Tue 09:00-17:00\n2026-03-17T10:00/2026-03-17T12:00",
        },
    )
    assert response.status_code == 302, response.content.decode()
    supplier.refresh_from_db()
    assert (supplier.name, supplier.email) == ("Jan Smit", "jan@smit.example")
    # The pasted weekday line replaces the working hours; the date range limits them to that morning.
    assert supplier.working_hours == {"tue": [["09:00", "17:00"]]}
    assert supplier.availability == [["2026-03-17T09:00:00+00:00", "2026-03-17T11:00:00+00:00"]]
    request = proposals.Request(
        [supplier], datetime(2026, 3, 16, tzinfo=UTC), datetime(2026, 3, 23, tzinfo=UTC), 60, 30
    )
    assert [datetime.fromtimestamp(t, UTC).strftime("%d %H:%M") for t in proposals.feasible(request)] == [
        "17 09:00",
        "17 09:30",
        "17 10:00",
    ]
    assert (
        "2026-03-17T10:00+01:00/2026-03-17T12:00+01:00"
        in client.get(reverse("agenda_party", args=[supplier.pk])).content.decode()
    )
    # Changing the zone in the same form keeps the ranges where they were (they are shown with their offset).
    response = client.post(
        reverse("agenda_party", args=[supplier.pk]),
        {
            "name": "Jan Smit",
            "email": "jan@smit.example",
            "time_zone": "Europe/London",
            "working_hours": "Tue 09:00-17:00",
            "buffer_minutes": "0",
            "travel_minutes": "0",
            "availability": "2026-03-17T10:00+01:00/2026-03-17T12:00+01:00",
        },
    )
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert supplier.time_zone == "Europe/London" and supplier.availability == [
        ["2026-03-17T09:00:00+00:00", "2026-03-17T11:00:00+00:00"]
    ]
    response = client.post(
        reverse("agenda_party", args=[supplier.pk]),
        {
            "name": "Jan Smit",
            "time_zone": "Europe/Amsterdam",
            "working_hours": "Tue 10:00-17:00",
            "buffer_minutes": "0",
            "travel_minutes": "0",
            "availability": "2026-03-17T10:00/2026-03-17T12:00\nnext week maybe",
        },
    )
    assert response.status_code == 400 and "Line 2" in response.content.decode()
    supplier.refresh_from_db()
    assert supplier.working_hours == {"tue": [["09:00", "17:00"]]}


def test_an_assistant_edits_only_their_own_hours(client, assistant, colleague, acme):
    own = assistant_party(assistant, acme.organisation)
    login(client, colleague)
    assert (
        client.post(reverse("agenda_party", args=[own.pk]), {"time_zone": "UTC", "working_hours": ""}).status_code
        == 404
    )
    login(client, assistant)
    response = client.post(
        reverse("agenda_party", args=[own.pk]),
        {
            "time_zone": "Europe/Berlin",
            "working_hours": "Sat 10:00-14:00",
            "buffer_minutes": "5",
            "travel_minutes": "0",
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (
        own.time_zone == "Europe/Berlin"
        and own.working_hours == {"sat": [["10:00", "14:00"]]}
        and own.buffer_minutes == 5
    )


@pytest.mark.parametrize("who", ["outsider", "colleague"])
def test_out_of_reach_staff_cannot_see_or_edit_a_party(who, request, client, acme, supplier):
    login(client, request.getfixturevalue(who))
    for party in (supplier, client_party(acme)):
        before = Party.objects.filter(pk=party.pk).values().get()
        assert client.get(reverse("agenda_party", args=[party.pk])).status_code == 404
        assert (
            client.post(reverse("agenda_party", args=[party.pk]), {"time_zone": "UTC", "working_hours": ""}).status_code
            == 404
        )
        assert Party.objects.filter(pk=party.pk).values().get() == before


@pytest.mark.parametrize("who", ["acme_user", "globex_user"])
def test_client_users_cannot_reach_the_party_page(who, request, client, supplier):
    login(client, request.getfixturevalue(who))
    response = client.post(reverse("agenda_party", args=[supplier.pk]), {"time_zone": "UTC", "working_hours": ""})
    assert response.status_code == 302 and "/portal/" in response["Location"]
    assert Party.objects.get(pk=supplier.pk).time_zone == "Europe/Amsterdam"


def test_the_api_reads_and_changes_parties(api_as, assistant, acme, supplier):
    api = api_as(assistant)
    party = client_party(acme)
    listed = {p["id"]: p for p in api.get("/parties").json()}
    assert listed[supplier.pk]["kind"] == "external" and listed[party.pk]["working_hours"]["mon"] == [
        ["09:00", "17:00"]
    ]
    response = api.patch(
        f"/parties/{party.pk}",
        {
            "working_hours": {"mon": [["09:00", "12:30"], ["13:30", "17:30"]]},
            "max_meetings_per_day": 2,
            "travel_minutes": 20,
        },
    )
    assert response.status_code == 200, response.content
    assert (
        response.json()["working_hours"] == {"mon": [["09:00", "12:30"], ["13:30", "17:30"]]}
        and response.json()["max_meetings_per_day"] == 2
    )
    assert api.patch(f"/parties/{party.pk}", {"max_meetings_per_day": None}).json()["max_meetings_per_day"] is None
    response = api.patch(
        f"/parties/{supplier.pk}", {"availability": "Wed 10:00-11:00\n2026-03-18T10:00Z/2026-03-18T11:00Z"}
    )
    assert response.json()["working_hours"] == {"wed": [["10:00", "11:00"]]} and response.json()["availability"] == [
        ["2026-03-18T10:00:00+00:00", "2026-03-18T11:00:00+00:00"]
    ]
    for body, field in [
        ({"working_hours": {"mon": [["12:00", "09:00"]]}}, "working_hours"),
        ({"time_zone": "Nowhere/Land"}, "time_zone"),
        ({"availability": "Tuesday-ish"}, "availability"),
        ({"availability": "Mon 09:00-10:00"}, "availability"),
    ]:
        target = supplier if field != "availability" or body["availability"] == "Tuesday-ish" else party
        response = api.patch(f"/parties/{target.pk}", body)
        assert response.status_code == 422 and field in response.json()["errors"], (body, response.content)
    assert Party.objects.get(pk=party.pk).availability == []
