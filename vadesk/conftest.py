"""Shared test cast, after healthchecks' alice/bob/charlie.

- `owner` runs the agency `org`; `assistant` serves client `acme`; `colleague` is an
  assistant of the same agency who is NOT on acme's team;
- `outsider` owns `other_org`, which has its own client `other_client`;
- `acme_user` is acme's client user (portal).
(`client` stays Django's test client.)
"""

import os
import threading
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from vadesk.accounts.models import Membership, Organisation, Person
from vadesk.clients.models import Assignment, Client
from vadesk.engagements.models import Engagement
from vadesk.tasks.models import Task

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Before the test database is dropped, end sessions that server threads (the browser tests' live
    server) left open: PostgreSQL refuses to drop a database someone is connected to."""
    yield
    with django_db_blocker.unblock():
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _mail_through_the_outbox(settings):
    """The test runner swaps every mailer for locmem; vadesk's one mail path is the comms outbox, tested as configured."""
    settings.MAILERS = {"default": {"BACKEND": "vadesk.comms.mailbackend.OutboxBackend"}}


@pytest.fixture(autouse=True)
def _english():
    """Each test starts in English: a request that activated a person's language must not leak into the next test."""
    with translation.override("en"):
        yield


def make_person(email: str, name: str, language: str = "en") -> Person:
    return Person.objects.create_user(email, PASSWORD, full_name=name, language=language)


@pytest.fixture
def org(db) -> Organisation:
    return Organisation.objects.create(
        name="Assist & Co",
        country="NL",
        vat_id="NL123456782B01",
        iban="NL91ABNA0417164300",
        time_zone="Europe/Amsterdam",
    )


@pytest.fixture
def other_org(db) -> Organisation:
    return Organisation.objects.create(name="Büro Schmidt", country="DE", time_zone="Europe/Berlin")


@pytest.fixture
def acme(org) -> Client:
    return Client.objects.create(organisation=org, name="Acme B.V.", country="NL", preferred_language="nl")


@pytest.fixture
def other_client(other_org) -> Client:
    return Client.objects.create(organisation=other_org, name="Geheim GmbH", country="DE", preferred_language="de")


@pytest.fixture
def owner(org) -> Person:
    person = make_person("olga@assist.example", "Olga Owner")
    Membership.objects.create(person=person, organisation=org, role=Membership.Role.OWNER)
    return person


@pytest.fixture
def assistant(org, acme) -> Person:
    person = make_person("anna@assist.example", "Anna Assistent")
    Membership.objects.create(person=person, organisation=org, role=Membership.Role.ASSISTANT)
    Assignment.objects.create(client=acme, person=person)
    return person


@pytest.fixture
def colleague(org) -> Person:
    person = make_person("carl@assist.example", "Carl Colleague")
    Membership.objects.create(person=person, organisation=org, role=Membership.Role.ASSISTANT)
    return person


@pytest.fixture
def outsider(other_org, other_client) -> Person:
    person = make_person("otto@schmidt.example", "Otto Outsider")
    Membership.objects.create(person=person, organisation=other_org, role=Membership.Role.OWNER)
    return person


@pytest.fixture
def acme_user(org, acme) -> Person:
    person = make_person("ceo@acme.example", "Cees Acme", "nl")
    Membership.objects.create(person=person, organisation=org, role=Membership.Role.CLIENT, client=acme)
    return person


@pytest.fixture
def bundle(acme) -> Engagement:
    return Engagement.objects.create(
        client=acme,
        name="Strippenkaart 10 uur",
        kind=Engagement.Kind.BUNDLE,
        starts_on=date.today() - timedelta(days=60),
        bundle_hours=Decimal("10"),
        bundle_price=Decimal("550.00"),
        billing_increment_minutes=15,
    )


@pytest.fixture
def retainer(acme) -> Engagement:
    return Engagement.objects.create(
        client=acme,
        name="Retainer 20",
        kind=Engagement.Kind.RETAINER,
        starts_on=date.today().replace(day=1) - timedelta(days=70),
        monthly_hours=Decimal("20"),
        monthly_price=Decimal("1000.00"),
        excess_rate=Decimal("55.00"),
        billing_increment_minutes=6,
    )


@pytest.fixture
def task(acme, bundle, assistant) -> Task:
    from vadesk.tasks.services import task_create

    return task_create(
        by=assistant,
        client=acme,
        engagement=bundle,
        title="Plan board meeting",
        category="agenda",
        due_at=timezone.now() + timedelta(days=1),
        assignees=[assistant],
    )


# What only the team may read, each with its own marker, so a test that finds one in a client's channel
# names what leaked. The privacy tests (test_privacy_*.py) seed them and assert none reaches a client.
INTERNAL_MARKERS = {
    "comment": "ZQX-INTERNAL-COMMENT",
    "fact": "ZQX-DOSSIER-FACT",
    "follow_up": "ZQX-FOLLOW-UP-NOTE",
    "outcome": "ZQX-FOLLOW-UP-OUTCOME",
}


@pytest.fixture
def internal_notes(task, assistant, acme) -> dict[str, str]:
    """An internal comment on `task` (the newest of its comments), a dossier fact and a follow-up with its outcome."""
    from vadesk.clients.models import DossierFact
    from vadesk.comms.models import FollowUp
    from vadesk.tasks.services import comment_add

    comment_add(by=assistant, task=task, body="Welke datum past u het best?", visibility="client")
    comment_add(by=assistant, task=task, body=f"{INTERNAL_MARKERS['comment']}: pays late", visibility="internal")
    fact = DossierFact.objects.create(
        client=acme, topic=DossierFact.Topic.SENSITIVITY, text=f"{INTERNAL_MARKERS['fact']}: divorce", author=assistant
    )
    FollowUp.objects.create(
        client=acme,
        task=task,
        fact=fact,
        text=f"{INTERNAL_MARKERS['follow_up']}: ask about the lawyer",
        outcome=f"{INTERNAL_MARKERS['outcome']}: it went badly",
        due_at=timezone.now() - timedelta(hours=1),
        created_by=assistant,
    )
    return INTERNAL_MARKERS


def leaked(text: str | bytes) -> list[str]:
    """The internal markers found in `text`: the privacy tests assert this is empty."""
    text = text.decode(errors="replace") if isinstance(text, bytes) else text
    return [name for name, marker in INTERNAL_MARKERS.items() if marker in text]


@pytest.fixture
def sqlite_file(tmp_path, django_db_blocker):
    """Settings of a fresh SQLite FILE database with every table, opened like the project opens SQLite (WAL,
    IMMEDIATE transactions, a busy timeout), for race tests: run work on it with `on_own_connection`.

    The in-memory test database cannot race (its shared cache locks whole tables across threads); a file can,
    with one connection per thread, as two worker processes would. Works whatever DATABASE_URL says.
    """
    from django.apps import apps
    from django.conf import settings
    from django.db import connections
    from django.db.backends.sqlite3.base import DatabaseWrapper

    name = "default"  # configure_settings wants one; only its defaults are used here
    settings_dict = connections.configure_settings(
        {
            name: {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(tmp_path / "race.sqlite3"),
                "OPTIONS": dict(settings.SQLITE_OPTIONS),
            }
        }
    )[name]
    with django_db_blocker.unblock():
        connection = DatabaseWrapper(settings_dict, "default")
        with connection.schema_editor() as editor:
            for model in apps.get_models():  # the schema as syncdb makes it: faster than the migrations
                editor.create_model(model)
        connection.close()
        yield settings_dict


def on_own_connection(settings_dict: dict, work: Callable[[], object]) -> tuple[threading.Thread, dict]:
    """A thread that runs `work()` with the ORM on its own connection to `settings_dict`'s database.

    Returns (thread, result): after join, result holds "value" or the "error" raised.
    """
    from django.db import connections
    from django.db.backends.sqlite3.base import DatabaseWrapper

    result: dict = {}

    def run() -> None:
        connection = DatabaseWrapper(settings_dict, "default")
        connections["default"] = connection  # connections are per thread: this one is the thread's own
        try:
            result["value"] = work()
        except Exception as error:  # the test reads it after join
            result["error"] = error
        finally:
            connection.close()

    return threading.Thread(target=run), result


def login(client, person: Person) -> None:
    client.force_login(person)


# A test that uses one of these fixtures talks to a real server or program (Chromium, SMTP, Dovecot, Radicale…):
# it is `slow` without saying so, and `make test-fast` leaves it out.
SLOW_FIXTURES = {"page", "live_server", "smtp_server", "dovecot", "radicale", "dav_calendar", "synced_calendar"}
SLOW_MARKERS = {"browser", "postgres"}
SLOW_MODULES = ("test_demo",)  # test_demo*.py load the whole demo practice (tens of seconds each)


def pytest_collection_modifyitems(items):
    """1. Every transactional test restores the migrated data (VAT rates, content types) when it ends.

    Mixing transactional tests with and without serialized rollback breaks the ones with it: a plain
    flush re-creates content types under new ids, which the serialized copy then collides with.

    2. A test on a real server (SLOW_FIXTURES), marked browser/postgres, or loading the demo is also `slow`.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            item.add_marker(
                pytest.mark.django_db(*marker.args, **{**marker.kwargs, "serialized_rollback": True}), append=False
            )
        names = {m.name for m in item.iter_markers()}
        fixtures = set(getattr(item, "fixturenames", ()))
        if SLOW_MARKERS & names or SLOW_FIXTURES & fixtures or item.path.name.startswith(SLOW_MODULES):
            item.add_marker(pytest.mark.slow)


def _expects_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """With DATABASE_URL on PostgreSQL, a `postgres` test that skips is a failure: CI meant to run it.

    Otherwise a PostgreSQL run that quietly fell back (a wrong URL, a vendor check gone wrong) would
    pass green with the concurrency tests never run.
    """
    report = yield
    expected_failure = hasattr(report, "wasxfail")  # an xfail reports as skipped, and is no skip
    if report.skipped and not expected_failure and item.get_closest_marker("postgres") and _expects_postgresql():
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"DATABASE_URL points at PostgreSQL, yet this postgres test was skipped: {reason}"
    return report
