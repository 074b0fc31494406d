"""Two large imports, a 5 MB calendar and a 20,000-line bank statement, run as jobs in a worker process while
another person signs in and logs time on `vadesk serve`: every one of their requests succeeds, and both imports
finish. On the embedded SQLite, whose write lock is the whole database's (the imports parse before one short
write), and, with DATABASE_URL, on PostgreSQL. Issue 10, point 3."""

from __future__ import annotations

import html
import json
import re
import secrets
import time
import urllib.parse
import urllib.request
import uuid
from datetime import date, timedelta
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.db import connection

from vadesk.invoicing.tests.camt_sample import statement
from vadesk.ops.tests.servers import Process, base_env, manage, serve

pytestmark = pytest.mark.slow

EVENTS = 17_000  # about 5 MB of .ics
STATEMENT_LINES = 20_000
IMPORTS_SECONDS = 900  # a bound, not an expectation

SEED = """
import json
from datetime import date, timedelta
from decimal import Decimal
from django.urls import reverse
from vadesk.accounts.models import Membership, Organisation, Person
from vadesk.agenda.models import Calendar
from vadesk.agenda.parties import client_party
from vadesk.clients.models import Assignment, Client
from vadesk.engagements.models import Engagement

org = Organisation.objects.create(name="Assist & Co", country="NL", vat_id="NL123456782B01",
                                  iban="NL91ABNA0417164300", time_zone="Europe/Amsterdam")
acme = Client.objects.create(organisation=org, name="Acme B.V.", country="NL", preferred_language="nl")
owner = Person.objects.create_user("olga@assist.example", "PASSWORD", full_name="Olga Owner")
assistant = Person.objects.create_user("anna@assist.example", "PASSWORD", full_name="Anna Assistent")
Membership.objects.create(person=owner, organisation=org, role=Membership.Role.OWNER)
Membership.objects.create(person=assistant, organisation=org, role=Membership.Role.ASSISTANT)
Assignment.objects.create(client=acme, person=assistant)
engagement = Engagement.objects.create(client=acme, name="Hours", kind=Engagement.Kind.HOURLY,
                                       starts_on=date.today() - timedelta(days=30), hourly_rate=Decimal("55"),
                                       billing_increment_minutes=1)
calendar = Calendar.objects.create(party=client_party(acme), name="Imported", source=Calendar.Source.UPLOAD)
print(json.dumps({
    "engagement": engagement.pk,
    "calendar": calendar.pk,
    "upload": reverse("agenda_calendar_action", args=[calendar.pk, "upload"]),
    "bank": reverse("invoicing:bank"),
}))
"""


def big_calendar() -> bytes:
    start = date(2027, 1, 4)
    events = [
        "BEGIN:VEVENT\r\n"
        f"UID:load-{n}@vadesk.test\r\nDTSTAMP:20261201T000000Z\r\n"
        f"DTSTART:{(start + timedelta(days=n // 8)).strftime('%Y%m%d')}T{8 + n % 8:02d}0000Z\r\n"
        f"DTEND:{(start + timedelta(days=n // 8)).strftime('%Y%m%d')}T{8 + n % 8:02d}4500Z\r\n"
        f"SUMMARY:Client call {n}\r\nDESCRIPTION:{'Agenda for the call, with the points to raise. ' * 3}\r\n"
        "END:VEVENT\r\n"
        for n in range(EVENTS)
    ]
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//load//EN\r\n" + "".join(events) + "END:VCALENDAR\r\n").encode()


def big_statement() -> bytes:
    return statement([{"ref": f"LOAD-{n}", "amount": "12.50", "text": f"Payment {n}"} for n in range(STATEMENT_LINES)])


class Browser:
    """urllib with cookies, no redirects followed, forms and file uploads."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect)

    def open(self, path: str, data: bytes | None = None, content_type: str = "") -> tuple[int, str, str]:
        request = urllib.request.Request(self.base + path, data=data)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def form(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        return self.open(path, urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def upload(self, path: str, token: str, name: str, data: bytes) -> tuple[int, str, str]:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.open(path, body, f"multipart/form-data; boundary={boundary}")

    def token(self, path: str) -> str:
        status, _, page = self.open(path)
        assert status == 200, (path, status)
        return html.unescape(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1))

    def sign_in(self, email: str) -> None:
        token = self.token("/login/")
        status, location, _ = self.form(
            "/login/", {"csrfmiddlewaretoken": token, "username": email, "password": "PASSWORD"}
        )
        assert status == 302 and not location.startswith("/login"), (email, status, location)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def database(tmp_path):
    """A database of the test's own for the server and the worker: a SQLite file, or a fresh PostgreSQL one."""
    if connection.vendor != "postgresql":
        yield {}
        return
    import psycopg

    db = connection.settings_dict
    name = f"{db['NAME']}_load_{secrets.token_hex(3)}"
    server = dict(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"] or None
    )
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    yield {"DATABASE_URL": f"postgres://{db['USER']}{password}@{server['host']}:{server['port']}/{name}"}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_two_large_imports_run_while_someone_signs_in_and_logs_time(tmp_path: Path, database):
    env = base_env(tmp_path, VADESK_JOBS_POLL_MILLISECONDS="100", **database)
    manage("migrate", "--noinput", env=env)
    seeded = json.loads(manage("shell", "-c", SEED, env=env).stdout.strip().splitlines()[-1])
    web, url = serve(tmp_path, tmp_path, env=env, workers=2)
    worker = Process(["worker", "--no-schedule"], env=env, log_dir=tmp_path, name="worker")
    try:
        owner = Browser(url)
        owner.sign_in("olga@assist.example")
        status, calendar_run, _ = owner.upload(seeded["upload"], owner.token(seeded["bank"]), "big.ics", big_calendar())
        assert status == 302 and calendar_run.startswith("/jobs/runs/"), (status, calendar_run)
        status, statement_run, _ = owner.upload(seeded["bank"], owner.token(seeded["bank"]), "big.xml", big_statement())
        assert status == 302 and statement_run.startswith("/jobs/runs/"), (status, statement_run)

        logged, failures, during, running = 0, [], 0, True

        def states() -> list[str]:
            return [
                re.search(r'data-state="(\w+)"', owner.open(run)[2]).group(1) for run in (calendar_run, statement_run)
            ]

        deadline = time.monotonic() + IMPORTS_SECONDS
        while running:
            running = any(state in ("queued", "running") for state in states())
            assert time.monotonic() < deadline, "the imports did not finish in time"
            # Anna signs in afresh and logs a quarter of an hour, as the imports run.
            anna = Browser(url)
            try:
                anna.sign_in("anna@assist.example")
                token = anna.token("/timesheet/")
                status, _, page = anna.form(
                    "/timesheet/",
                    {
                        "csrfmiddlewaretoken": token,
                        "engagement": str(seeded["engagement"]),
                        "work_date": date.today().isoformat(),
                        "duration": "0:15",
                        "note": f"Logged during the imports ({logged + 1})",
                        "client_note": "",
                        "billable": "on",
                    },
                )
                assert status == 302, (status, page[:300])
                status, _, _ = anna.open("/today/")
                assert status == 200, status
                logged += 1
                during += running
            except (AssertionError, OSError) as error:
                failures.append(repr(error))

        assert failures == [], failures
        assert during >= 3, f"only {during} rounds ran while an import was running: the test proved nothing"
        calendar_page, statement_page = owner.open(calendar_run)[2], owner.open(statement_run)[2]
        assert f"Imported {EVENTS} events." in calendar_page, calendar_page[-2000:]
        assert f"{STATEMENT_LINES} without an invoice" in statement_page, statement_page[-2000:]
        counted = (
            manage(
                "shell",
                "-c",
                "from vadesk.timesheets.models import TimeEntry; from vadesk.agenda.models import Event; "
                "from vadesk.invoicing.models import StatementLine; "
                "print(TimeEntry.objects.count(), Event.objects.count(), StatementLine.objects.count())",
                env=env,
            )
            .stdout.strip()
            .splitlines()[-1]
            .split()
        )
        assert counted == [str(logged), str(EVENTS), str(STATEMENT_LINES)]
        print(f"{logged} sign-ins with a time entry each, {during} of them while an import ran")
    finally:
        web.stop()
        worker.stop()
