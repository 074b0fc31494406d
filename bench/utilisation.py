"""Benchmark the utilisation figures and page (issue 14.9) on a generated agency of 1,000 clients.

    .venv/bin/python bench/utilisation.py [--clients 1000] [--assistants 50] [--repeat 7]

Same database rules as bench/practice.py (a fresh SQLite file in bench/out/, or a PostgreSQL database whose name
starts with `bench`, emptied first). The seed goes in with bulk_create: each client has a team of two in order
of cover; 60 % have a monthly retainer of 4-40 hours; 300 recurring tasks with two logged occurrences each; 2,000
appointments booked by the staff in the sixteen weeks; five time entries a week per assistant over the eight
past weeks (a fifth non-billable); an approved week of holiday for a tenth of the staff.
Reported: queries and wall-clock median of `utilisation()` and of the page as the owner, CPU time per call (and
of the first call, before the per-process caches fill), the database time of the queries, and the load average
beside each figure (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from practice import configure, fresh_database

ZONE = ZoneInfo("Europe/Amsterdam")
FULL_WEEK = {d: ["09:00", "17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}


def seed(clients: int, assistants: int, today: date):
    from vadesk.accounts.models import Membership, Organisation, Person
    from vadesk.agenda.models import Calendar, Event, Occurrence, Party
    from vadesk.clients.models import Assignment, Client
    from vadesk.engagements.models import Engagement
    from vadesk.tasks.models import RecurringTask, Task
    from vadesk.team.models import Absence, Profile, WorkPattern
    from vadesk.timesheets.models import TimeEntry

    rng = random.Random(14)
    organisation = Organisation.objects.create(name="Bench agency", country="NL", time_zone="Europe/Amsterdam")
    owner = Person.objects.create_user("owner@bench.example", "x", full_name="Owner")
    Membership.objects.create(person=owner, organisation=organisation, role=Membership.Role.OWNER)
    people = Person.objects.bulk_create(
        [Person(email=f"va{i}@bench.example", full_name=f"VA {i:03d}") for i in range(assistants)]
    )
    Membership.objects.bulk_create(
        [Membership(person=p, organisation=organisation, role=Membership.Role.ASSISTANT) for p in people]
    )
    profiles = Profile.objects.bulk_create([Profile(organisation=organisation, person=p) for p in people])
    WorkPattern.objects.bulk_create(
        [WorkPattern(profile=p, valid_from=date(2020, 1, 1), days=FULL_WEEK) for p in profiles]
    )
    monday = today - timedelta(days=today.weekday())
    Absence.objects.bulk_create(
        [
            Absence(
                organisation=organisation,
                person=p,
                start_date=monday + timedelta(weeks=2),
                end_date=monday + timedelta(weeks=2, days=4),
                status=Absence.Status.APPROVED,
                requested_by=owner,
            )
            for p in people[: max(1, assistants // 10)]
        ]
    )
    rows = Client.objects.bulk_create(
        [Client(organisation=organisation, name=f"Client {i:04d}", country="NL") for i in range(clients)]
    )
    teams = {c.pk: rng.sample(people, 2) for c in rows}
    Assignment.objects.bulk_create(
        [
            Assignment(client_id=pk, person=p, role="lead" if n == 0 else "backup", position=n)
            for pk, team in teams.items()
            for n, p in enumerate(team)
        ]
    )
    engagements = Engagement.objects.bulk_create(
        [
            Engagement(
                client=c,
                name="Retainer" if retained else "Hourly",
                kind=Engagement.Kind.RETAINER if retained else Engagement.Kind.HOURLY,
                starts_on=date(2025, 1, 1),
                monthly_hours=Decimal(rng.randint(4, 40)) if retained else None,
                monthly_price=Decimal("500.00") if retained else None,
                excess_rate=Decimal("55.00") if retained else None,
                hourly_rate=None if retained else Decimal("55.00"),
            )
            for c in rows
            for retained in [rng.random() < 0.6]
        ]
    )
    hourly = [e for e in engagements if e.kind == Engagement.Kind.HOURLY]
    templates = RecurringTask.objects.bulk_create(
        [
            RecurringTask(
                client_id=e.client_id,
                engagement=e,
                title="Weekly post",
                rrule="FREQ=WEEKLY;BYDAY=TU",
                first_due_at=datetime(2025, 1, 7, 9, tzinfo=ZONE),
            )
            for e in hourly[:300]
        ]
    )
    tasks = Task.objects.bulk_create(
        [
            Task(client_id=t.client_id, title=t.title, recurrence=t, occurrence_at=t.first_due_at + timedelta(weeks=n))
            for t in templates
            for n in range(2)
        ]
    )
    by_client = {e.client_id: e for e in engagements}
    entries = [
        TimeEntry(
            engagement=by_client[t.client_id],
            task=t,
            person=teams[t.client_id][0],
            work_date=date(2025, 1, 7),
            worked_minutes=45,
            billed_minutes=45,
        )
        for t in tasks
    ]
    for person in people:
        for day in range(56):
            work_date = monday - timedelta(weeks=7) + timedelta(days=day)
            if work_date.weekday() < 5:
                engagement = rng.choice(engagements)
                entries.append(
                    TimeEntry(
                        engagement=engagement,
                        person=person,
                        work_date=work_date,
                        worked_minutes=rng.choice([60, 120, 240, 360]),
                        billable=rng.random() > 0.2,
                    )
                )
    TimeEntry.objects.bulk_create(entries, batch_size=5000)
    parties = Party.objects.bulk_create(
        [Party(organisation=organisation, client=c, kind=Party.Kind.CLIENT, name=c.name) for c in rows[:200]]
    )
    calendars = Calendar.objects.bulk_create([Calendar(party=p, name="Agenda") for p in parties])
    events = Event.objects.bulk_create(
        [
            Event(calendar=rng.choice(calendars), uid=f"b{i}@bench", ics="", booked_by=rng.choice(people))
            for i in range(2000)
        ]
    )
    start = datetime.combine(monday - timedelta(weeks=7), datetime.min.time(), ZONE)
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                calendar_id=e.calendar_id,
                event=e,
                recurrence_id="",
                start=(begin := start + timedelta(hours=rng.randrange(16 * 7 * 24))),
                end=begin + timedelta(minutes=rng.choice([30, 60, 90])),
            )
            for e in events
        ]
    )
    return organisation, owner


def measure(label: str, work, repeat: int) -> None:
    """Median wall and CPU time and database time of `repeat` calls, after a first call whose CPU time is shown
    apart (it fills the per-process caches: recurring rules read, numbers formatted)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cpu = time.process_time()
    work()
    first = time.process_time() - cpu
    walls, cpus, databases = [], [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            work()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        databases.append(sum(float(q["time"]) for q in queries.captured_queries))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{label:<34} {len(queries.captured_queries):>3} queries  median {statistics.median(walls) * 1000:7.1f} ms"
        f" p95 {statistics.quantiles(walls, n=20, method='inclusive')[-1] * 1000:7.1f} ms"
        f"  CPU {statistics.median(cpus) * 1000:6.1f} ms (first {first * 1000:6.1f})"
        f"  database {statistics.median(databases) * 1000:5.1f} ms  (load {load})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--assistants", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    configure()
    fresh_database()
    from django.conf import settings
    from django.db import connection
    from django.test import Client as Browser

    from vadesk.team.utilisation import utilisation

    today = date.today()
    organisation, owner = seed(args.clients, args.assistants, today)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a database in use has them
    print(f"{connection.vendor}: {args.clients} clients, {args.assistants} assistants; {date.today()}")
    measure("utilisation() (16 weeks, all staff)", lambda: utilisation(organisation, today=today), args.repeat)
    settings.ALLOWED_HOSTS = ["*"]
    browser = Browser()
    browser.force_login(owner)

    def page() -> int:
        response = browser.get("/team/utilisation/")
        assert response.status_code == 200, response.status_code
        return len(response.content)

    measure(f"GET /team/utilisation/ ({page() // 1000} KB)", page, args.repeat)
    measure("GET /team/utilisation.csv", lambda: browser.get("/team/utilisation.csv"), args.repeat)


if __name__ == "__main__":
    main()
