"""Two assistants logging the last hours of a bundle at once, on SQLite: one database FILE, a connection each.

PostgreSQL lets only one through with a row lock (test_time_entry_log_concurrency.py). SQLite has no row
locks; the project opens it with IMMEDIATE transactions, so the second writer waits at BEGIN until the
first committed, then reads the exhausted bundle and is refused.
"""

import contextlib
import threading
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from vadesk.accounts.models import Membership, Organisation, Person
from vadesk.clients.models import Assignment, Client
from vadesk.conftest import make_person, on_own_connection
from vadesk.engagements.models import Engagement
from vadesk.engagements.tests.factories import make_entry
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.services import time_entry_log


def seed() -> tuple[int, list[int]]:
    """acme's 10-hour bundle with one hour left, and two assistants on its team."""
    org = Organisation.objects.create(name="Assist & Co", country="NL")
    acme = Client.objects.create(organisation=org, name="Acme B.V.", country="NL")
    people = []
    for email in ("anna@assist.example", "bea@assist.example"):
        person = make_person(email, email.split("@")[0].title())
        Membership.objects.create(person=person, organisation=org, role=Membership.Role.ASSISTANT)
        Assignment.objects.create(client=acme, person=person)
        people.append(person.pk)
    bundle = Engagement.objects.create(
        client=acme,
        name="Strippenkaart 10 uur",
        kind=Engagement.Kind.BUNDLE,
        starts_on=date.today() - timedelta(days=60),
        bundle_hours=10,
        bundle_price=550,
        billing_increment_minutes=15,
    )
    make_entry(bundle, Person.objects.get(pk=people[0]), date.today() - timedelta(days=3), 9 * 60)
    return bundle.pk, people


def test_two_assistants_logging_the_last_hour_at_once_cannot_overdraw_a_bundle_on_sqlite(sqlite_file):
    seeding, seeded = on_own_connection(sqlite_file, seed)
    seeding.start()
    seeding.join()
    assert "error" not in seeded, seeded
    bundle_pk, people = seeded["value"]
    start, logged = threading.Barrier(2), threading.Barrier(2)

    def log_45_minutes(person_pk: int):
        def work() -> str:
            person, bundle = Person.objects.get(pk=person_pk), Engagement.objects.get(pk=bundle_pk)
            start.wait(timeout=10)
            try:
                with transaction.atomic():
                    time_entry_log(by=person, engagement=bundle, work_date=date.today() - timedelta(days=1), minutes=45)
                    # Hold the transaction until the other writer logged too: it cannot, it waits at BEGIN.
                    with contextlib.suppress(threading.BrokenBarrierError):
                        logged.wait(timeout=1)
            except ValidationError as exc:
                logged.abort()
                return exc.code or "refused"
            return "logged"

        return work

    workers = [on_own_connection(sqlite_file, log_45_minutes(pk)) for pk in people]
    for thread, _ in workers:
        thread.start()
    for thread, _ in workers:
        thread.join(timeout=60)

    outcomes = [result.get("value", repr(result.get("error"))) for _, result in workers]
    assert sorted(outcomes) == ["bundle_exhausted", "logged"]
    check, billed = on_own_connection(
        sqlite_file,
        lambda: TimeEntry.objects.filter(engagement_id=bundle_pk).aggregate(s=Sum("billed_minutes"))["s"],
    )
    check.start()
    check.join()
    assert billed["value"] == 9 * 60 + 45
