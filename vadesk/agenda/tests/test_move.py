"""Moving from the week page with the next best times for everyone invited; keep-mine / take-theirs on sync conflicts."""

from datetime import UTC, datetime

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from vadesk.agenda.models import Conflict, Event, Occurrence, Party
from vadesk.agenda.parties import client_party
from vadesk.agenda.services import booking_create
from vadesk.agenda.tests.test_bookings import calendar_part, queued
from vadesk.agenda.tests.test_caldav_sync import ics
from vadesk.api.tests.conftest import api_as, globex, globex_user  # noqa: F401 (fixtures)
from vadesk.conftest import login


@pytest.fixture(autouse=True)
def _march_2026(time_machine):
    # Tuesday 10 March 2026, 09:00 in Amsterdam.
    time_machine.move_to(datetime(2026, 3, 10, 8, tzinfo=UTC), tick=True)


@pytest.fixture
def meeting(acme, acme_calendar, assistant):
    party = client_party(acme)
    party.working_hours = {"tue": [["10:00", "12:00"]]}
    party.save()
    Party.objects.create(
        organisation=acme.organisation,
        client=acme,
        kind=Party.Kind.EXTERNAL,
        name="Jan",
        email="jan@supplier.example",
        working_hours={"tue": [["10:30", "12:00"]]},
    )
    # Tuesday 17 March 10:00–11:00 in Amsterdam; Jan is known as a party, Piet only by address.
    return booking_create(
        by=assistant,
        calendar=acme_calendar,
        start=datetime(2026, 3, 17, 9, tzinfo=UTC),
        end=datetime(2026, 3, 17, 10, tzinfo=UTC),
        summary="Review",
        attendees=[("jan@supplier.example", "Jan"), ("piet@elsewhere.example", "Piet")],
        send=False,
    )


def test_moving_offers_the_next_best_times_for_everyone_and_sends_a_higher_sequence(
    client, assistant, acme, meeting, django_capture_on_commit_callbacks
):
    login(client, assistant)
    week = client.get(reverse("agenda_week", args=[acme.pk]) + "?on=2026-03-16").content.decode()
    assert reverse("agenda_move", args=[meeting.pk]) in week
    page = client.get(reverse("agenda_move", args=[meeting.pk])).content.decode()
    starts = [line.split('value="')[1].split('"')[0] for line in page.splitlines() if 'name="start"' in line]
    # Everyone: client 10:00–12:00, Jan 10:30–12:00, on Tuesdays; the meeting's own hour does not block its new time,
    # and its current time is not offered again. The window is 14 days from today (up to, not including, 24 March).
    assert starts == [
        "2026-03-10T10:30:00+01:00",
        "2026-03-10T10:45:00+01:00",
        "2026-03-10T11:00:00+01:00",
        "2026-03-17T10:30:00+01:00",
        "2026-03-17T10:45:00+01:00",
        "2026-03-17T11:00:00+01:00",
    ]
    assert "piet@elsewhere.example" in page  # named as not checked
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("agenda_move", args=[meeting.pk]),
            {"start": "2026-03-17T10:30:00+01:00", "end": "2026-03-17T11:30:00+01:00"},
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert list(Occurrence.objects.filter(event=meeting).values_list("start", flat=True)) == [
        datetime(2026, 3, 17, 9, 30, tzinfo=UTC)
    ]
    assert [m["To"] for m in queued()] == ["jan@supplier.example", "piet@elsewhere.example"]
    parts, _ = calendar_part(queued()[0])
    body = icalendar.Calendar.from_ical(parts["text/calendar"].get_payload(decode=True))
    vevent = body.walk("VEVENT")[0]
    assert (
        body["METHOD"] == "REQUEST"
        and vevent["SEQUENCE"] == 1
        and vevent["DTSTART"].dt == datetime(2026, 3, 17, 9, 30, tzinfo=UTC)
    )


def test_the_api_offers_the_same_next_best_times(api_as, assistant, meeting):
    body = api_as(assistant).get(f"/bookings/{meeting.pk}/proposals").json()
    assert [p["start"] for p in body["proposals"]] == [
        "2026-03-10T09:30:00Z",
        "2026-03-10T09:45:00Z",
        "2026-03-10T10:00:00Z",
        "2026-03-17T09:30:00Z",
        "2026-03-17T09:45:00Z",
        "2026-03-17T10:00:00Z",
    ]
    assert body["not_checked"] == ["piet@elsewhere.example"] and len(body["parties"]) == 3
    assert [
        p["start"] for p in api_as(assistant).get(f"/bookings/{meeting.pk}/proposals", {"days": 1}).json()["proposals"]
    ][-1] == "2026-03-10T10:00:00Z"
    assert api_as(assistant).get(f"/bookings/{meeting.pk}/proposals", {"days": 0}).status_code == 422


def test_a_bad_move_changes_nothing(client, assistant, meeting):
    login(client, assistant)
    response = client.post(
        reverse("agenda_move", args=[meeting.pk]),
        {"start": "2026-03-17T11:00:00+01:00", "end": "2026-03-17T10:00:00+01:00"},
        follow=True,
    )
    assert "must end after it starts" in response.content.decode()
    response = client.post(reverse("agenda_move", args=[meeting.pk]), {"start": "soon"}, follow=True)
    assert "could not be read" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.sequence == 0 and mail.outbox == [] and queued() == []


@pytest.mark.parametrize("who", ["outsider", "colleague"])
def test_out_of_reach_staff_cannot_move_or_resolve(who, request, client, meeting):
    Conflict.objects.create(event=meeting, local_ics=meeting.ics, remote_ics="")
    login(client, request.getfixturevalue(who))
    before = Event.objects.filter(pk=meeting.pk).values().get()
    assert client.get(reverse("agenda_move", args=[meeting.pk])).status_code == 404
    assert (
        client.post(
            reverse("agenda_move", args=[meeting.pk]),
            {"start": "2026-03-10T10:30:00+01:00", "end": "2026-03-10T11:30:00+01:00"},
        ).status_code
        == 404
    )
    for choice in ("mine", "theirs"):
        assert client.post(reverse("agenda_conflict", args=[meeting.pk, choice])).status_code == 404
    assert Event.objects.filter(pk=meeting.pk).values().get() == before
    assert Conflict.objects.get(event=meeting).resolved_at is None and mail.outbox == [] and queued() == []


@pytest.mark.parametrize("who", ["acme_user", "globex_user"])
def test_client_users_cannot_move(who, request, client, meeting):
    login(client, request.getfixturevalue(who))
    response = client.post(
        reverse("agenda_move", args=[meeting.pk]),
        {"start": "2026-03-10T10:30:00+01:00", "end": "2026-03-10T11:30:00+01:00"},
    )
    assert response.status_code == 302 and "/portal/" in response["Location"]
    assert Event.objects.get(pk=meeting.pk).sequence == 0


def _conflict(synced_calendar, dav_calendar):
    from vadesk.agenda.caldav_sync import calendar_sync

    remote = dav_calendar.save_event(ics())
    calendar_sync(calendar=synced_calendar)
    remote.data = ics(summary="Changed on the phone")
    remote.save()
    event = Event.objects.get(uid="remote-1")
    event.ics, event.pending_push = ics(summary="Changed in vadesk"), True
    event.save()
    assert calendar_sync(calendar=synced_calendar).conflicts == 1
    return event


def test_keep_mine_sends_our_version_to_the_server(
    client, assistant, acme, synced_calendar, dav_calendar, django_capture_on_commit_callbacks
):
    event = _conflict(synced_calendar, dav_calendar)
    login(client, assistant)
    page = client.get(reverse("agenda_week", args=[acme.pk])).content.decode()
    assert "Keep mine" in page and "Take theirs" in page
    with django_capture_on_commit_callbacks(execute=True):  # the sync that sends it up is a job
        response = client.post(reverse("agenda_conflict", args=[event.pk, "mine"]))
    assert response.url.startswith("/jobs/runs/")
    event.refresh_from_db()
    assert event.summary == "Changed in vadesk" and not event.pending_push
    assert "Changed in vadesk" in dav_calendar.event_by_uid("remote-1").data
    assert Conflict.objects.get(event=event).resolution == "ours"
    assert "Keep mine" not in client.get(reverse("agenda_week", args=[acme.pk])).content.decode()


def test_take_theirs_keeps_the_servers_version(client, assistant, synced_calendar, dav_calendar):
    event = _conflict(synced_calendar, dav_calendar)
    login(client, assistant)
    client.post(reverse("agenda_conflict", args=[event.pk, "theirs"]))
    event.refresh_from_db()
    assert event.summary == "Changed on the phone" and not event.pending_push
    assert "Changed on the phone" in dav_calendar.event_by_uid("remote-1").data
    assert Conflict.objects.get(event=event).resolution == "theirs"
    response = client.post(reverse("agenda_conflict", args=[event.pk, "theirs"]), follow=True)
    assert "no open conflict" in response.content.decode()
