"""Issue 10 item 3: subscriptions and CalDAV servers reach public addresses only, errors never carry the answer,
and one calendar that answers nonsense does not stop the upkeep of the others. Loopback servers the tests start."""

import socket
import socketserver
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command

from vadesk.agenda.caldav_sync import calendar_refresh
from vadesk.agenda.models import Calendar, Occurrence
from vadesk.agenda.parties import client_party
from vadesk.agenda.tests.test_caldav_sync import ics
from vadesk.lib.net import allowed_parse

SECRET = b'{"internal_token": "s3cr3t-from-the-inside"}'


@pytest.fixture(autouse=True)
def _march_2026(time_machine):
    time_machine.move_to(datetime(2026, 3, 10, 8, tzinfo=UTC), tick=True)


@pytest.fixture
def web():
    """A loopback HTTP server: path → (status, body, extra headers), for GET and the WebDAV methods alike."""
    pages: dict[str, tuple[int, bytes, dict[str, str]]] = {}

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, body, headers = pages.get(self.path, (404, b"not here", {}))
            self.send_response(status)
            for name, value in {"Content-Type": "text/calendar", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_PROPFIND = do_REPORT = do_PUT = do_OPTIONS = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.pages, server.url = pages, f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp_banner():
    """Something on an allowed host that is not HTTP at all: it greets like a mail server and hangs up."""

    class Banner(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.sendall(b"220 mail.internal ESMTP Postfix ready\r\n")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Banner)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def nothing_allowed(settings):
    settings.FETCH_ALLOWED = allowed_parse("")


def _calendar(acme, url, source=Calendar.Source.SUBSCRIPTION, name="Team"):
    return Calendar.objects.create(party=client_party(acme), name=name, source=source, url=url)


def _resolving_to(monkeypatch, address):
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if str(host).endswith(".example.com"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port or 80))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_subscription_at_loopback_is_refused_unless_allowed(acme, web, settings):
    web.pages["/team.ics"] = (200, ics(summary="Inside").encode(), {})
    calendar = _calendar(acme, f"{web.url}/team.ics")
    settings.FETCH_ALLOWED = allowed_parse("")
    error = calendar_refresh(calendar=calendar)
    assert "127.0.0.1" in error and "not a public address" in error
    assert not Occurrence.objects.filter(calendar=calendar).exists()
    settings.FETCH_ALLOWED = allowed_parse("127.0.0.0/8")
    assert calendar_refresh(calendar=calendar) is None
    assert list(Occurrence.objects.filter(calendar=calendar).values_list("summary", flat=True)) == ["Inside"]


def test_a_redirect_to_the_metadata_service_is_refused(acme, web):
    web.pages["/team.ics"] = (302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"})
    error = calendar_refresh(calendar=_calendar(acme, f"{web.url}/team.ics"))
    assert "169.254.169.254" in error and "not a public address" in error


def test_a_redirect_to_another_scheme_is_not_followed(acme, web):
    web.pages["/team.ics"] = (302, b"", {"Location": "file:///etc/passwd"})
    error = calendar_refresh(calendar=_calendar(acme, f"{web.url}/team.ics"))
    assert "cannot be fetched" in error and "root" not in error


def test_a_name_resolving_to_a_private_address_is_refused(acme, monkeypatch, nothing_allowed):
    _resolving_to(monkeypatch, "10.0.0.7")
    error = calendar_refresh(calendar=_calendar(acme, "https://calendar.example.com/team.ics"))
    assert "calendar.example.com resolves to 10.0.0.7" in error


def test_a_caldav_server_resolving_to_a_private_address_is_refused(acme, monkeypatch, nothing_allowed):
    _resolving_to(monkeypatch, "10.0.0.7")
    calendar = _calendar(acme, "https://dav.example.com/anna/work/", Calendar.Source.CALDAV)
    error = calendar_refresh(calendar=calendar)
    assert "dav.example.com resolves to 10.0.0.7" in error
    calendar.refresh_from_db()
    assert calendar.last_error == error and calendar.sync_failures == 1


def test_a_caldav_server_at_loopback_is_refused_unless_allowed(acme, web, nothing_allowed):
    calendar = _calendar(acme, f"{web.url}/anna/work/", Calendar.Source.CALDAV)
    assert "not a public address" in calendar_refresh(calendar=calendar)


def test_the_answer_of_an_internal_api_never_shows_in_the_error(acme, web):
    web.pages["/team.ics"] = (500, SECRET, {"Content-Type": "application/json"})
    web.pages["/anna/work/"] = (403, SECRET, {"Content-Type": "application/json"})
    web.pages["/open/"] = (200, SECRET, {"Content-Type": "application/json"})
    for url, source in [
        ("/team.ics", Calendar.Source.SUBSCRIPTION),
        ("/anna/work/", Calendar.Source.CALDAV),
        ("/open/", Calendar.Source.CALDAV),
    ]:
        error = calendar_refresh(calendar=_calendar(acme, f"{web.url}{url}", source, name=url))
        assert error and "s3cr3t" not in error and "internal_token" not in error


def test_an_smtp_banner_does_not_stop_the_upkeep_of_the_next_calendar(acme, web, smtp_banner):
    web.pages["/team.ics"] = (200, ics(summary="Still synced").encode(), {})
    mail_sub = _calendar(acme, f"{smtp_banner}/team.ics", name="Mail server (subscription)")
    mail_dav = _calendar(acme, f"{smtp_banner}/dav/", Calendar.Source.CALDAV, name="Mail server (CalDAV)")
    working = _calendar(acme, f"{web.url}/team.ics", name="Working")
    out, err = StringIO(), StringIO()
    call_command("agenda_sync", stdout=out, stderr=err)
    assert "Synced 1, failed 2" in out.getvalue()
    assert list(Occurrence.objects.filter(calendar=working).values_list("summary", flat=True)) == ["Still synced"]
    for calendar in (mail_sub, mail_dav):
        calendar.refresh_from_db()
        assert calendar.last_error and "ESMTP" not in calendar.last_error and calendar.sync_failures == 1
        assert calendar.name in err.getvalue()


def _sync_run(client, capture, path, data):
    """A sync someone asks for is a job: the request only starts it and leads to the run's page."""
    from vadesk.jobs.models import JobRun

    with capture(execute=False) as queued:
        response = client.post(path, data)
    assert response.status_code == 302 and response.url.startswith("/jobs/runs/"), response
    run = JobRun.objects.get(pk=response.url.split("/")[-2])
    assert run.state == JobRun.State.QUEUED  # nothing fetched in the request
    for job in queued:
        job()
    run.refresh_from_db()
    return run, client.get(response.url).content.decode()


def test_adding_a_subscription_syncs_it_as_a_job(client, assistant, acme, web, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from vadesk.conftest import login

    web.pages["/team.ics"] = (200, ics(summary="Standup").encode(), {})
    login(client, assistant)
    run, page = _sync_run(
        client,
        django_capture_on_commit_callbacks,
        reverse("agenda_calendar_add", args=[acme.pk]),
        {"name": "Team", "source": "subscription", "url": f"{web.url}/team.ics"},
    )
    assert run.state == "done" and run.audience == "starter"
    assert "Sync of Team" in page and "Synced (events in the calendar: 1)." in page
    assert Calendar.objects.get(name="Team").events.get().summary == "Standup"


def test_sync_now_that_fails_names_the_reason_on_the_run_and_keeps_the_calendar(
    client, assistant, acme, web, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from vadesk.conftest import login

    web.pages["/team.ics"] = (500, SECRET, {})
    calendar = _calendar(acme, f"{web.url}/team.ics")
    login(client, assistant)
    run, page = _sync_run(
        client, django_capture_on_commit_callbacks, reverse("agenda_calendar_action", args=[calendar.pk, "sync"]), {}
    )
    assert run.messages[0]["level"] == "error" and "s3cr3t" not in page
    calendar.refresh_from_db()
    assert calendar.sync_failures == 1 and calendar.last_error
