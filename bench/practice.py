"""Benchmark a large practice: seed it fast, then time the pages an assistant opens all day.

    .venv/bin/python bench/practice.py [--clients 200] [--tasks 20000] [--entries 200000] [--requests 30]

Runs on a fresh SQLite file in bench/out/ (gitignored), with DEBUG off as in production.
The seed goes straight in with bulk_create, bypassing the services: this measures reads.
Each page is timed over --requests requests after a warm-up, and its SQL queries are counted
on a small and on the large seed: a count that grows with the data is an N+1.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TARGET_MS = 150
SMALL = {"clients": 20, "tasks": 400, "entries": 2_000}
ASSISTANTS = 10
CHUNK = 20_000


def configure() -> None:
    """Settings come from the environment (STYLE §5): point them at a throwaway SQLite file before Django loads."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["VADESK_DATA_DIR"] = str(OUT)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("VADESK_DEBUG", "false")
    os.environ.setdefault("VADESK_SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("VADESK_LOG_LEVEL", "ERROR")  # keeps django.request's 404 warnings out of the table
    import django

    django.setup()


# --- seeding ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    assistant_id: int
    client_id: int
    clients: int
    tasks: int
    entries: int
    facts: int
    seconds: float


def fresh_database() -> None:
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    OUT.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        (OUT / f"vadesk.sqlite3{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0, interactive=False)


def seed(*, clients: int, tasks: int, entries: int) -> Seeded:
    """One agency with ASSISTANTS assistants; assistant 0 leads every tenth client and backs up none."""
    from django.db import transaction

    started = time.perf_counter()
    rng = random.Random(7)
    with transaction.atomic():
        organisation, owner, assistants = _seed_people()
        client_rows = _seed_clients(organisation, assistants, clients)
        engagements = _seed_engagements(client_rows)
        task_rows = _seed_tasks(rng, client_rows, engagements, owner, tasks)
        _seed_entries(rng, task_rows, entries)
    facts = len(client_rows) * 5
    return Seeded(
        assistants[0].pk,
        client_rows[0][0].pk,
        len(client_rows),
        len(task_rows),
        entries,
        facts,
        time.perf_counter() - started,
    )


def _seed_people():
    from django.contrib.auth.hashers import make_password

    from vadesk.accounts.models import Membership, Organisation, Person

    organisation = Organisation.objects.create(name="Bench Agency", country="NL", time_zone="Europe/Amsterdam")
    password = make_password("bench-password-not-used")
    people = Person.objects.bulk_create(
        [Person(email="owner@bench.example", full_name="Olga Owner", password=password)]
        + [
            Person(
                email=f"assistant{i}@bench.example", full_name=f"Assistant {i:02d}", password=password, language="nl"
            )
            for i in range(ASSISTANTS)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(person=people[0], organisation=organisation, role="owner")]
        + [
            Membership(person=p, organisation=organisation, role="assistant", weekly_capacity_hours=Decimal("32"))
            for p in people[1:]
        ]
    )
    return organisation, people[0], people[1:]


def _seed_clients(organisation, assistants, count: int) -> list[tuple]:
    """Clients with contacts, dossier facts and a team; returns (client, team) pairs."""
    from vadesk.clients.models import Assignment, Client, Contact, DossierFact

    countries, languages = ["NL", "NL", "DE", "BE"], ["nl", "nl", "de", "en"]
    clients = Client.objects.bulk_create(
        [
            Client(
                organisation=organisation,
                name=f"Client {i:04d} B.V.",
                country=countries[i % 4],
                preferred_language=languages[i % 4],
                email=f"office{i}@client.example",
                city="Utrecht",
            )
            for i in range(count)
        ]
    )
    rows, assignments = [], []
    for i, client in enumerate(clients):
        team = [assistants[i % ASSISTANTS]]
        backup = assistants[(i + 1) % ASSISTANTS]
        if i % 3 == 0 and backup is not assistants[0]:
            team.append(backup)
        assignments += [
            Assignment(client=client, person=p, role="lead" if n == 0 else "backup") for n, p in enumerate(team)
        ]
        rows.append((client, team))
    Assignment.objects.bulk_create(assignments)
    Contact.objects.bulk_create(
        [Contact(client=c, name=f"Contact {c.pk}", email=f"c{c.pk}@client.example", is_primary=True) for c, _ in rows]
    )
    topics = ["location", "person", "preference", "sensitivity", "matter"]
    today = date.today()
    DossierFact.objects.bulk_create(
        [
            DossierFact(
                client=c,
                topic=t,
                text=f"{t.title()} fact {n} about {c.name}",
                noted_on=today - timedelta(days=30 * n),
                pinned=n < 2,
            )
            for c, _ in rows
            for n, t in enumerate(topics)
        ]
    )
    return rows


def _seed_engagements(rows) -> dict[int, object]:
    from vadesk.engagements.models import Engagement

    starts = date.today() - timedelta(days=730)
    kinds = [
        dict(
            kind="retainer",
            name="Retainer 20 h",
            monthly_hours=Decimal("20"),
            monthly_price=Decimal("1100"),
            excess_rate=Decimal("60"),
            rollover_policy="capped",
            rollover_cap_hours=Decimal("5"),
        ),
        dict(
            kind="bundle",
            name="Bundle 500 h",
            bundle_hours=Decimal("500"),
            bundle_price=Decimal("25000"),
            overdraft_policy="bill",
            excess_rate=Decimal("60"),
        ),
        dict(kind="hourly", name="Hourly", hourly_rate=Decimal("58")),
        dict(kind="project", name="Project", budget_hours=Decimal("400"), project_price=Decimal("20000")),
    ]
    engagements = Engagement.objects.bulk_create(
        [
            Engagement(client=c, starts_on=starts, billing_increment_minutes=6, **kinds[i % 4])
            for i, (c, _) in enumerate(rows)
        ]
    )
    Engagement.objects.bulk_create(
        [
            Engagement(
                client=c,
                starts_on=starts - timedelta(days=365),
                ends_on=starts,
                status="ended",
                name="Old hourly",
                kind="hourly",
                hourly_rate=Decimal("50"),
            )
            for i, (c, _) in enumerate(rows)
            if i % 5 == 0
        ]
    )
    return {e.client_id: e for e in engagements}


def _seed_tasks(rng, rows, engagements, owner, count: int) -> list[tuple]:
    """Tasks spread over two years, 15 % still open around today; returns (task, person, day) rows."""
    from django.utils import timezone

    from vadesk.tasks.models import Category, ChecklistItem, Comment, RecurringTask, Task, Transition

    now = timezone.now()
    categories = [c for c in Category.values if c != "other"]
    tasks, owners = [], []
    for n in range(count):
        client, team = rows[n % len(rows)]
        is_open = rng.random() < 0.15
        due = (
            now + timedelta(days=rng.randint(-14, 21), hours=rng.randint(-4, 4))
            if is_open
            else now - timedelta(days=rng.randint(1, 730))
        )
        status = (
            rng.choice(["new", "planned", "in_progress", "waiting"])
            if is_open
            else rng.choices(["done", "cancelled"], [95, 5])[0]
        )
        tasks.append(
            Task(
                client=client,
                engagement=engagements[client.pk],
                title=f"Task {n} for {client.name}",
                category=rng.choice(categories),
                priority=rng.choice([1, 2, 2, 2, 3, 4]),
                due_at=due,
                status=status,
                created_by=owner,
                closed_at=None if is_open else due,
            )
        )
        owners.append(team if rng.random() < 0.9 else team[:1])
    tasks = Task.objects.bulk_create(tasks, batch_size=2000)
    Through = Task.assignees.through
    Through.objects.bulk_create(
        [Through(task_id=t.pk, person_id=p.pk) for t, team in zip(tasks, owners) for p in team], batch_size=5000
    )
    transitions = [Transition(task=t, from_status="", to_status="new", by=owner) for t in tasks]
    transitions += [
        Transition(task=t, from_status="new", to_status=t.status, by=team[0])
        for t, team in zip(tasks, owners)
        if t.status != "new"
    ]
    Transition.objects.bulk_create(transitions, batch_size=5000)
    Comment.objects.bulk_create(
        [
            Comment(task=t, author=team[0], body="Called, left a voicemail.", visibility=["internal", "client"][i % 2])
            for i, (t, team) in enumerate(zip(tasks, owners))
            if i % 3 == 0
        ],
        batch_size=5000,
    )
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(task=t, text=f"Step {k}", position=k, done_at=t.closed_at)
            for i, t in enumerate(tasks)
            if i % 2 == 0
            for k in range(3)
        ],
        batch_size=5000,
    )
    RecurringTask.objects.bulk_create(
        [
            RecurringTask(
                client=c,
                engagement=engagements[c.pk],
                title="Prepare invoices",
                rrule="FREQ=MONTHLY;BYMONTHDAY=25",
                first_due_at=now - timedelta(days=400),
                created_by=owner,
            )
            for c, _ in rows[::10]
        ]
    )
    return [(t, team[0], min(date.today(), t.due_at.date())) for t, team in zip(tasks, owners)]


def _seed_entries(rng, task_rows, count: int) -> None:
    from vadesk.lib.rounding import billed_minutes
    from vadesk.timesheets.models import TimeEntry

    for start in range(0, count, CHUNK):
        batch = []
        for n in range(start, min(count, start + CHUNK)):
            task, person, day = task_rows[n % len(task_rows)]
            worked = rng.choice([5, 10, 15, 20, 30, 45, 60, 90, 120])
            batch.append(
                TimeEntry(
                    engagement_id=task.engagement_id,
                    task=task,
                    person=person,
                    work_date=day - timedelta(days=rng.randint(0, 3)),
                    worked_minutes=worked,
                    billed_minutes=billed_minutes(worked, increment=6),
                )
            )
        TimeEntry.objects.bulk_create(batch, batch_size=5000)


# --- measuring --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    label: str
    url_name: str | None
    fallback: str
    kwargs: dict | None = None
    query: str = ""
    api: bool = False


@dataclass
class Result:
    page: Page
    path: str = ""
    status: int | None = None
    skipped: str = ""
    median_ms: float = 0.0
    p95_ms: float = 0.0
    queries: int | None = None


def pages(client_id: int) -> list[Page]:
    return [
        Page("today", "today", "/"),
        Page("client page", "client_detail", f"/clients/{client_id}/", kwargs={"pk": client_id}),
        Page("API task list", None, "/api/v1/tasks", query="?assignee=me", api=True),
    ]


def measure(seeded: Seeded, *, requests: int) -> list[Result]:
    from django.test import Client

    from vadesk.accounts.models import Person
    from vadesk.accounts.services import api_token_create

    assistant = Person.objects.get(pk=seeded.assistant_id)
    browser = Client()
    browser.force_login(assistant)
    _token, secret = api_token_create(person=assistant, name="bench")
    headers = {"Authorization": f"Bearer {secret}"}
    return [
        measure_page(browser, page, seeded, headers if page.api else {}, requests) for page in pages(seeded.client_id)
    ]


def measure_page(browser, page: Page, seeded: Seeded, headers: dict, requests: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    result = Result(page)
    try:
        path = reverse(page.url_name, kwargs=page.kwargs) if page.url_name else page.fallback
    except NoReverseMatch:
        path = page.fallback
    result.path = path + page.query
    try:
        resolve(path)
    except Resolver404:
        result.skipped = "URL does not resolve yet"
        return result
    try:
        response = browser.get(result.path, headers=headers)
    except Exception as exc:  # the pages are being written: report, don't crash the whole run
        result.skipped = f"raised {type(exc).__name__}: {exc}"[:120]
        return result
    result.status = response.status_code
    if response.status_code != 200:
        result.skipped = f"answered {response.status_code}" + (
            f" → {response.get('Location')}" if response.has_header("Location") else ""
        )
        return result
    for _ in range(2):
        browser.get(result.path, headers=headers)  # warm-up: templates, URL resolver, SQLite page cache
    with CaptureQueriesContext(connection) as captured:
        browser.get(result.path, headers=headers)
    result.queries = len(captured)
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        browser.get(result.path, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
    result.median_ms = statistics.median(samples)
    result.p95_ms = statistics.quantiles(samples, n=20, method="inclusive")[18] if len(samples) > 1 else samples[0]
    return result


# --- reporting --------------------------------------------------------------------------------------


def report(small: list[Result] | None, large: list[Result], seeded: Seeded) -> None:
    from vadesk.clients.models import Assignment
    from vadesk.tasks.models import OPEN_STATUSES, Task

    clients = Assignment.objects.filter(person_id=seeded.assistant_id).count()
    open_tasks = Task.objects.filter(assignees=seeded.assistant_id, status__in=OPEN_STATUSES).count()
    print(
        f"\nAs an assistant with {clients} clients and {open_tasks} open tasks; median and p95 over the timed requests:\n"
    )
    header = f"{'page':<14} {'path':<28} {'status':>6} {'median':>9} {'p95':>9}  {'queries small → large':<22} verdict"
    print(header)
    print("-" * len(header))
    small_by_label = {r.page.label: r for r in small or []}
    for result in large:
        before = small_by_label.get(result.page.label)
        if result.skipped:
            print(
                f"{result.page.label:<14} {result.path:<28} {result.status or '-':>6} {'':>9} {'':>9}  {'':<22} skipped: {result.skipped}"
            )
            continue
        queries = f"{before.queries if before and before.queries is not None else '?'} → {result.queries}"
        verdicts = ["ok" if result.median_ms < TARGET_MS else f"SLOW (target {TARGET_MS} ms)"]
        if before and before.queries is not None and result.queries > before.queries:
            verdicts.append("queries grow with data: N+1?")
        print(
            f"{result.page.label:<14} {result.path:<28} {result.status:>6} {result.median_ms:>6.1f} ms {result.p95_ms:>6.1f} ms  {queries:<22} {', '.join(verdicts)}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--clients",
        type=int,
        default=200,
        help="clients in the large seed (default 200; the assistant measured leads every tenth)",
    )
    parser.add_argument("--tasks", type=int, default=20_000, help="tasks in the large seed (default 20,000)")
    parser.add_argument("--entries", type=int, default=200_000, help="time entries in the large seed (default 200,000)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--no-small", action="store_true", help="skip the small seed used to compare query counts")
    args = parser.parse_args(argv)
    if args.clients < ASSISTANTS or args.tasks < args.clients:
        parser.error(f"need at least {ASSISTANTS} clients and one task per client")
    configure()
    import django

    print(
        f"vadesk practice benchmark — Django {django.get_version()}, Python {platform.python_version()}, SQLite file in {OUT.relative_to(ROOT)}/, {os.cpu_count()} CPUs"
    )
    small = None
    if not args.no_small:
        fresh_database()
        seeded = seed(**SMALL)
        print(
            f"Small seed: {seeded.clients} clients, {seeded.tasks:,} tasks, {seeded.entries:,} time entries in {seeded.seconds:.1f} s"
        )
        small = measure(seeded, requests=3)
    fresh_database()
    seeded = seed(clients=args.clients, tasks=args.tasks, entries=args.entries)
    print(
        f"Large seed: {seeded.clients} clients, {seeded.tasks:,} tasks, {seeded.entries:,} time entries, {seeded.facts:,} dossier facts "
        f"in {seeded.seconds:.1f} s ({(seeded.tasks + seeded.entries) / seeded.seconds:,.0f} tasks+entries/s)"
    )
    report(small, measure(seeded, requests=args.requests), seeded)
    return 0


if __name__ == "__main__":
    sys.exit(main())
