"""Subscriptions against a real HTTP server on loopback (http.server in a thread), one that fails, and `vadesk agenda_sync`."""

import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command

from vadesk.agenda.caldav_sync import calendar_refresh
from vadesk.agenda.models import Calendar, Event, Occurrence
from vadesk.agenda.parties import client_party
from vadesk.agenda.tests.test_caldav_sync import ics
from vadesk.comms.models import OutboxMessage

NOW = datetime(2026, 3, 10, 8, tzinfo=UTC)


class Served:
    """What the server answers: a status and a body per path, changeable while it runs; every request is counted."""

    def __init__(self):
        self.pages: dict[str, tuple[int, bytes]] = {}
        self.hits: list[str] = []


@pytest.fixture
def http_server():
    served = Served()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            served.hits.append(self.path)
            status, body = served.pages.get(self.path, (404, b"not here"))
            self.send_response(status)
            self.send_header("Content-Type", "text/calendar; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    served.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield served
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(autouse=True)
def _march_2026(time_machine):
    time_machine.move_to(NOW, tick=True)


@pytest.fixture
def subscription(acme, http_server) -> Calendar:
    http_server.pages["/team.ics"] = (
        200,
        ics(uid="a", summary="Team meeting", extra="RRULE:FREQ=WEEKLY;COUNT=4\r\n").encode(),
    )
    return Calendar.objects.create(
        party=client_party(acme),
        name="Team",
        source=Calendar.Source.SUBSCRIPTION,
        url=f"{http_server.url}/team.ics",
        refresh_minutes=30,
    )


def _state(calendar):
    return (
        list(Event.objects.filter(calendar=calendar).order_by("uid").values_list("uid", "ics")),
        list(Occurrence.objects.filter(calendar=calendar).order_by("start").values_list("start", "summary")),
    )


def test_a_subscription_is_fetched_and_refreshed_over_http(subscription, http_server):
    assert calendar_refresh(calendar=subscription) is None
    subscription.refresh_from_db()
    assert subscription.last_error == "" and subscription.sync_failures == 0
    assert subscription.next_sync_at == pytest.approx(
        datetime.now(UTC) + timedelta(minutes=30), abs=timedelta(seconds=5)
    )
    # Weekly from Tuesday 17 March 10:00 in Amsterdam; the last one is after the EU switch to summer time (29 March).
    assert [o.start for o in Occurrence.objects.filter(calendar=subscription)] == [
        datetime(2026, 3, 17, 9, tzinfo=UTC),
        datetime(2026, 3, 24, 9, tzinfo=UTC),
        datetime(2026, 3, 31, 8, tzinfo=UTC),
        datetime(2026, 4, 7, 8, tzinfo=UTC),
    ]
    # The publisher moves the series and adds an event; the next fetch replaces what was there.
    http_server.pages["/team.ics"] = (
        200,
        (ics(uid="b", summary="Lunch", start="20260318T120000", end="20260318T130000")).encode(),
    )
    assert calendar_refresh(calendar=subscription) is None
    assert list(Occurrence.objects.filter(calendar=subscription).values_list("summary", flat=True)) == ["Lunch"]
    assert http_server.hits == ["/team.ics", "/team.ics"]


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ((500, b"oops"), "HTTP Error 500"),
        ((404, b"gone"), "HTTP Error 404"),
        ((200, b"<html>login page</html>"), "readable iCalendar"),
    ],
)
def test_a_failing_publisher_leaves_local_data_intact_and_is_retried_later(
    subscription, http_server, time_machine, page, message
):
    calendar_refresh(calendar=subscription)
    before = _state(subscription)
    http_server.pages["/team.ics"] = page
    error = calendar_refresh(calendar=subscription)
    assert message in error
    subscription.refresh_from_db()
    assert subscription.last_error == error and subscription.sync_failures == 1
    assert subscription.next_sync_at == pytest.approx(
        datetime.now(UTC) + timedelta(minutes=10), abs=timedelta(seconds=5)
    )
    assert _state(subscription) == before


def test_an_unreachable_server_is_retried_with_growing_waits_and_then_catches_up(
    subscription, http_server, time_machine
):
    calendar_refresh(calendar=subscription)
    before = _state(subscription)
    working_url = subscription.url
    Calendar.objects.filter(pk=subscription.pk).update(
        url="http://127.0.0.1:9/team.ics"
    )  # nothing listens on the discard port
    subscription.refresh_from_db()
    waits = []
    for _attempt in range(3):
        error = calendar_refresh(calendar=subscription)
        assert "cannot be fetched" in error
        subscription.refresh_from_db()
        waits.append(round((subscription.next_sync_at - datetime.now(UTC)).total_seconds() / 60))
        assert _state(subscription) == before
    assert waits == [10, 20, 40]
    # Not due yet: `vadesk agenda_sync` leaves it alone. Once due, and the server is back, it catches up.
    out = StringIO()
    call_command("agenda_sync", stdout=out, stderr=StringIO())
    assert "Synced 0, failed 0" in out.getvalue()
    Calendar.objects.filter(pk=subscription.pk).update(url=working_url)
    http_server.pages["/team.ics"] = (200, ics(uid="c", summary="Back again").encode())
    time_machine.move_to(NOW + timedelta(minutes=41), tick=True)
    out = StringIO()
    call_command("agenda_sync", stdout=out, stderr=StringIO())
    assert "Synced 1, failed 0" in out.getvalue()
    subscription.refresh_from_db()
    assert subscription.sync_failures == 0 and subscription.last_error == ""
    assert list(Occurrence.objects.filter(calendar=subscription).values_list("summary", flat=True)) == ["Back again"]


def test_a_file_over_the_limit_is_refused_and_nothing_changes(subscription, http_server):
    calendar_refresh(calendar=subscription)
    before = _state(subscription)
    http_server.pages["/team.ics"] = (200, b"BEGIN:VCALENDAR\r\n" + b"X" * (10 * 1024 * 1024 + 10))
    assert "too large" in calendar_refresh(calendar=subscription)
    assert _state(subscription) == before


def test_agenda_sync_syncs_what_is_due_names_failures_renews_horizons_and_reminds(
    acme, subscription, http_server, acme_calendar, assistant
):
    from vadesk.agenda.services import booking_create

    acme.email = "ceo@acme.example"
    acme.save()
    broken = Calendar.objects.create(
        party=client_party(acme),
        name="Broken",
        source=Calendar.Source.SUBSCRIPTION,
        url=f"{http_server.url}/missing.ics",
    )
    booking_create(
        by=assistant,
        calendar=acme_calendar,
        start=NOW + timedelta(hours=5),
        end=NOW + timedelta(hours=6),
        summary="Tax advisor",
        send=False,
    )
    Calendar.objects.filter(pk=acme_calendar.pk).update(
        materialised_until=NOW + timedelta(days=10)
    )  # horizon running out
    out, err = StringIO(), StringIO()
    call_command("agenda_sync", stdout=out, stderr=err)
    assert "Synced 1, failed 1" in out.getvalue() and "reminders queued 1" in out.getvalue()
    assert "Broken" in err.getvalue() and "HTTP Error 404" in err.getvalue()
    assert Occurrence.objects.filter(calendar=subscription).count() == 4
    acme_calendar.refresh_from_db()
    assert acme_calendar.materialised_until > NOW + timedelta(days=300)
    [reminder] = OutboxMessage.objects.filter(kind="reminder")
    assert reminder.recipient == "ceo@acme.example" and "Tax advisor" in reminder.subject
    # Run again at once: nothing is due, no second reminder.
    out = StringIO()
    call_command("agenda_sync", stdout=out, stderr=StringIO())
    assert "Synced 0, failed 0" in out.getvalue() and "reminders queued 0" in out.getvalue()
    assert OutboxMessage.objects.filter(kind="reminder").count() == 1
    assert Calendar.objects.get(pk=broken.pk).sync_failures == 1
