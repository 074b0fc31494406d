"""Benchmark a large practice: seed it fast, then time the pages an agency opens all day.

    .venv/bin/python bench/practice.py [--scale agency] [--clients 200] [--tasks 20000] [--entries 200000]
                                       [--requests 30]

`--scale agency` is 1,000 clients, 100,000 tasks and 1,000,000 time entries (issue 13).
Runs on a fresh SQLite file in bench/out/ (gitignored), with DEBUG off as in production; with DATABASE_URL set
it runs on that PostgreSQL database instead, which it empties first, so its name must start with `bench`
(`createdb -h 127.0.0.1 -U postgres bench_scale`). The seed goes straight in with bulk_create (COPY for the
time entries on PostgreSQL), bypassing the services: this measures reads. The kept aggregates are then rebuilt
by the same command an operator runs after an import.
Each page is timed as the person who opens it over --requests requests after a warm-up; its SQL queries and
the rows they return are counted on a small and on the large seed: a count that grows with the data is an N+1,
rows that grow with it are a page that reads more than it shows.
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
TARGETS = {"search hit": 100, "search miss": 100}  # issue 9: search under 100 ms at 200,000 entries / 20,000 tasks
SMALL = {"clients": 20, "tasks": 400, "entries": 2_000}
SCALES = {"agency": {"clients": 1_000, "tasks": 100_000, "entries": 1_000_000}}
ASSISTANTS = 10
CHUNK = 20_000


def configure() -> None:
    """Settings come from the environment (STYLE §5): point them at a throwaway SQLite file before Django loads."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["VADESK_DATA_DIR"] = str(OUT)
    url = os.environ.get("DATABASE_URL", "")
    if url and not url.rstrip("/").rsplit("/", 1)[-1].startswith("bench"):
        sys.exit("DATABASE_URL must name a database of its own whose name starts with 'bench': it is emptied first")
    os.environ.setdefault("VADESK_DEBUG", "false")
    os.environ.setdefault("VADESK_SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("VADESK_LOG_LEVEL", "ERROR")  # keeps django.request's 404 warnings out of the table
    import django

    django.setup()


# --- seeding ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    assistant_id: int
    owner_id: int
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
    if connections["default"].vendor == "postgresql":
        with connections["default"].cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    else:
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
        _rebuild_aggregates()
    _analyse()
    facts = len(client_rows) * 5
    return Seeded(
        assistants[0].pk,
        owner.pk,
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
    from django.db import connection
    from django.utils import timezone

    from vadesk.lib.rounding import billed_minutes
    from vadesk.timesheets.models import TimeEntry

    now = timezone.now()
    copy = connection.vendor == "postgresql"
    columns = "engagement_id, task_id, person_id, work_date, worked_minutes, billed_minutes, note, billable, created_at, updated_at, invoice_reference"
    for start in range(0, count, CHUNK):
        rows = []
        for n in range(start, min(count, start + CHUNK)):
            task, person, day = task_rows[n % len(task_rows)]
            worked = rng.choice([5, 10, 15, 20, 30, 45, 60, 90, 120])
            rows.append(
                (
                    task.engagement_id,
                    task.pk,
                    person.pk,
                    day - timedelta(days=rng.randint(0, 3)),
                    worked,
                    billed_minutes(worked, increment=6),
                )
            )
        if copy:
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {TimeEntry._meta.db_table} ({columns}) FROM STDIN") as stream,
            ):
                for row in rows:
                    stream.write_row((*row, "", True, now, now, ""))
        else:
            # Straight executemany: a million model instances would cost minutes on their own.
            marks = ", ".join(["%s"] * 11)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {TimeEntry._meta.db_table} ({columns}) VALUES ({marks})",
                    [(*row, "", True, now, now, "") for row in rows],
                )


def _rebuild_aggregates() -> None:
    """The seed bypasses the services: rebuild what they keep, as an operator does after an import."""
    from django.core.management import call_command, get_commands

    if "usage_rebuild" in get_commands():
        call_command("usage_rebuild", verbosity=0)


def _analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- measuring --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    label: str
    who: str  # owner | assistant
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
    rows: int | None = None
    kilobytes: float = 0.0


def pages(seeded: Seeded) -> list[Page]:
    client = {"pk": seeded.client_id}
    deep = _deep_query(seeded)
    return [
        Page("client list", "owner", "clients", "/clients/"),
        Page("today", "owner", "today", "/today/"),
        Page("time sheet", "assistant", "timesheet", "/timesheet/"),
        Page("client list", "assistant", "clients", "/clients/"),
        Page("client page", "assistant", "client_detail", f"/clients/{seeded.client_id}/", kwargs=client),
        Page("task board", "assistant", "board", "/tasks/"),
        Page("today", "assistant", "today", "/today/"),
        Page("dashboard", "owner", "dashboard", "/dashboard/"),
        Page("search hit", "owner", "search", "/search/", query="?q=Client+0042"),
        Page("search miss", "owner", "search", "/search/", query="?q=zzqx"),
        Page("search hit", "assistant", "search", "/search/", query="?q=voicemail"),
        Page("search miss", "assistant", "search", "/search/", query="?q=zzqx"),
        Page("board filtered", "owner", "board", "/tasks/", query="?scope=all&due=overdue&priority=4"),
        Page("API tasks", "assistant", None, "/api/v1/tasks", query="?assignee=me", api=True),
        Page("API entries", "owner", None, "/api/v1/time-entries", api=True),
        Page("API entries deep", "owner", None, "/api/v1/time-entries", query=deep, api=True),
    ]


DEEP = 100_000


def _deep_query(seeded: Seeded) -> str:
    """The page 100,000 entries (or half the seed) down the owner's list: by cursor when the API has one."""
    from vadesk.timesheets.models import TimeEntry

    position = min(DEEP, seeded.entries // 2)
    try:
        from vadesk.api.time_entries import encode_cursor  # type: ignore[attr-defined]
    except ImportError:
        return f"?offset={position}"
    entry = TimeEntry.objects.order_by("-work_date", "-id").values_list("work_date", "id")[position]
    return f"?cursor={encode_cursor(*entry)}"


ROWS = [0]


def count_rows() -> None:
    """Count the rows the database hands back to Django: a page's reads should be bounded by what it shows."""
    from django.db.backends.utils import CursorWrapper

    def fetchone(self):
        row = self.cursor.fetchone()
        ROWS[0] += row is not None
        return row

    def fetchmany(self, size=None):
        rows = self.cursor.fetchmany(size) if size else self.cursor.fetchmany()
        ROWS[0] += len(rows)
        return rows

    def fetchall(self):
        rows = self.cursor.fetchall()
        ROWS[0] += len(rows)
        return rows

    CursorWrapper.fetchone = fetchone  # type: ignore[method-assign]
    CursorWrapper.fetchmany = fetchmany  # type: ignore[method-assign]
    CursorWrapper.fetchall = fetchall  # type: ignore[method-assign]


def measure(seeded: Seeded, *, requests: int) -> list[Result]:
    from django.test import Client

    from vadesk.accounts.models import Person
    from vadesk.accounts.services import api_token_create

    browsers, headers = {}, {}
    for who, pk in (("owner", seeded.owner_id), ("assistant", seeded.assistant_id)):
        person = Person.objects.get(pk=pk)
        browsers[who] = Client()
        browsers[who].force_login(person)
        _token, secret = api_token_create(person=person, name="bench")
        headers[who] = {"Authorization": f"Bearer {secret}"}
    return [
        measure_page(browsers[page.who], page, seeded, headers[page.who] if page.api else {}, requests)
        for page in pages(seeded)
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
    ROWS[0] = 0
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(result.path, headers=headers)
    result.queries = len(captured)
    result.rows = ROWS[0]
    result.kilobytes = len(response.content) / 1024
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
    from vadesk.timesheets.models import TimeEntry

    clients = Assignment.objects.filter(person_id=seeded.assistant_id).count()
    open_tasks = Task.objects.filter(assignees=seeded.assistant_id, status__in=OPEN_STATUSES).count()
    today = date.today()
    week = TimeEntry.objects.filter(
        person_id=seeded.assistant_id, work_date__gte=today - timedelta(days=today.weekday())
    ).count()
    print(
        f"\nThe assistant has {clients} clients, {open_tasks} open tasks and {week:,} entries this week; "
        f"the owner sees all {seeded.clients:,} clients. Median and p95 over the timed requests:\n"
    )
    header = (
        f"{'page':<17} {'who':<9} {'status':>6} {'median':>9} {'p95':>9} {'KB':>6}  "
        f"{'queries small → large':<22} {'rows small → large':<20} verdict"
    )
    print(header)
    print("-" * len(header))
    small_by_key = {(r.page.label, r.page.who): r for r in small or []}
    for result in large:
        before = small_by_key.get((result.page.label, result.page.who))
        if result.skipped:
            print(f"{result.page.label:<17} {result.page.who:<9} {result.status or '-':>6}  skipped: {result.skipped}")
            continue
        queries = f"{before.queries if before and before.queries is not None else '?'} → {result.queries}"
        rows = f"{before.rows if before and before.rows is not None else '?'} → {result.rows}"
        target = TARGETS.get(result.page.label, TARGET_MS)
        verdicts = ["ok" if result.median_ms < target else f"SLOW (target {target} ms)"]
        if before and before.queries is not None and result.queries > before.queries:
            verdicts.append("queries grow with data: N+1?")
        print(
            f"{result.page.label:<17} {result.page.who:<9} {result.status:>6} {result.median_ms:>6.1f} ms "
            f"{result.p95_ms:>6.1f} ms {result.kilobytes:>6.0f}  {queries:<22} {rows:<20} {', '.join(verdicts)}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", choices=sorted(SCALES), help="a named size: agency = 1,000 clients, 100,000 tasks, 1,000,000 entries"
    )
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
    for name, value in SCALES.get(args.scale or "", {}).items():
        setattr(args, name, value)
    if args.clients < ASSISTANTS or args.tasks < args.clients:
        parser.error(f"need at least {ASSISTANTS} clients and one task per client")
    configure()
    import django
    from django.db import connection

    count_rows()
    where = (
        f"PostgreSQL database {connection.settings_dict['NAME']}"
        if connection.vendor == "postgresql"
        else f"SQLite file in {OUT.relative_to(ROOT)}/"
    )
    print(
        f"vadesk practice benchmark — Django {django.get_version()}, Python {platform.python_version()}, {where}, {os.cpu_count()} CPUs"
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
