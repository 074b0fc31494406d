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
rows that grow with it are a page that reads more than it shows. `--queries` prints the SQL that runs on one seed
and not on the other.
The small seed is a young practice, not a thin one: each client has the large seed's open tasks around today and
its pace of closed work, over weeks of history instead of two years (SMALL_SHAPE). So every list the large seed
fills is filled in the small one too (the board's done column and each status's overdue urgent cards, the
engagements running low, the tasks waiting on the client), and a query that runs only for a list with rows (a
prefetch, the clients of the lines shown) runs on both: the comparison is fair, a count that grows is a query per
row. Spread as thinly as the large seed's, its 20 tasks a client left those lists empty.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
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


@dataclass(frozen=True)
class Shape:
    """How a seed's tasks spread over time: the share still open (due around today), the days the closed cover."""

    open_share: float = 0.15
    history_days: int = 730


# The large seed's client has 100 tasks: 15 open, 85 closed over 730 days. The small seed's has 20: with the same
# 15 open and the same pace of closed work its other 5 cover 43 days (5 × 730 / 85).
SMALL_SHAPE = Shape(open_share=0.75, history_days=43)
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
    task_id: int = 0
    client_user_id: int = 0
    draft_id: int = 0
    draft_client_id: int = 0


BASE_NAME: list[str] = []


def use_database(name: str) -> None:
    """The small and the large seed live in databases of their own, so that --reuse can keep both."""
    from django.db import connections

    connection = connections["default"]
    if not BASE_NAME:
        BASE_NAME.append(str(connection.settings_dict["NAME"]))
    base = BASE_NAME[0]
    target = base if name == "large" else (f"{base}_{name}" if connection.vendor == "postgresql" else f"{base}-{name}")
    if connection.vendor == "postgresql" and target != base:
        connection.settings_dict["NAME"] = base
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{target}"')
    connections.close_all()
    connection.settings_dict["NAME"] = target


def fresh_database() -> None:
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    if connections["default"].vendor == "postgresql":
        with connections["default"].cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    else:
        OUT.mkdir(parents=True, exist_ok=True)
        name = Path(connections["default"].settings_dict["NAME"])
        for suffix in ("", "-wal", "-shm"):
            name.with_name(name.name + suffix).unlink(missing_ok=True)
    call_command("migrate", verbosity=0, interactive=False)


def seed(*, clients: int, tasks: int, entries: int, shape: Shape = Shape()) -> Seeded:
    """One agency with ASSISTANTS assistants; assistant 0 leads every tenth client and backs up none."""
    from django.db import transaction

    started = time.perf_counter()
    rng = random.Random(7)
    with transaction.atomic():
        organisation, owner, assistants = _seed_people()
        client_rows = _seed_clients(organisation, assistants, clients)
        engagements = _seed_engagements(client_rows)
        task_rows = _seed_tasks(rng, client_rows, engagements, owner, tasks, shape)
        _seed_entries(rng, task_rows, entries)
        _seed_comms(rng, client_rows, assistants)
        _seed_agenda(organisation, client_rows[0][0])
        client_user = _seed_client_user(organisation, client_rows[0][0])
        _seed_invoice_history(organisation, client_rows, owner)
        _rebuild_aggregates()
    _analyse()
    facts = len(client_rows) * 5
    seeded = Seeded(
        assistants[0].pk,
        owner.pk,
        client_rows[0][0].pk,
        len(client_rows),
        len(task_rows),
        entries,
        facts,
        time.perf_counter() - started,
        task_id=_busiest_task(client_rows[0][0]),
        client_user_id=client_user.pk,
    )
    return _seed_invoicing_runs(seeded, organisation, owner, assistants)


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


def _seed_tasks(rng, rows, engagements, owner, count: int, shape: Shape) -> list[tuple]:
    """Tasks spread over the shape's history (two years), its share (15 %) still open around today; returns
    (task, person, day) rows."""
    from django.utils import timezone

    from vadesk.tasks.models import Category, ChecklistItem, Comment, RecurringTask, Task, Transition

    now = timezone.now()
    categories = [c for c in Category.values if c != "other"]
    tasks, owners = [], []
    for n in range(count):
        client, team = rows[n % len(rows)]
        is_open = rng.random() < shape.open_share
        due = (
            now + timedelta(days=rng.randint(-14, 21), hours=rng.randint(-4, 4))
            if is_open
            else now - timedelta(days=rng.randint(1, shape.history_days))
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
    columns = "engagement_id, task_id, person_id, work_date, worked_minutes, billed_minutes, note, client_note, billable, created_at, updated_at, invoice_reference"
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
                    stream.write_row((*row, "", "", True, now, now, ""))
        else:
            # Straight executemany: a million model instances would cost minutes on their own.
            marks = ", ".join(["%s"] * 12)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {TimeEntry._meta.db_table} ({columns}) VALUES ({marks})",
                    [(*row, "", "", True, now, now, "") for row in rows],
                )


def _seed_comms(rng, rows, assistants) -> None:
    """Per client: 20 outbox messages, 5 phone messages (one open call-back), 2 follow-ups (one due)."""
    from django.utils import timezone

    from vadesk.comms.models import FollowUp, OutboxMessage, PhoneMessage

    now = timezone.now()
    outbox = []
    for client, _team in rows:
        for k in range(20):
            sent = k > 0
            outbox.append(
                OutboxMessage(
                    organisation_id=client.organisation_id,
                    client=client,
                    kind="update",
                    recipient=client.email,
                    subject=f"Update {k}",
                    body_text="Your task moved on.",
                    message_id=f"<bench-{client.pk}-{k}@bench.example>",
                    state="sent" if sent else "failed",
                    not_before=now - timedelta(days=k),
                    sent_at=now - timedelta(days=k) if sent else None,
                )
            )
    OutboxMessage.objects.bulk_create(outbox, batch_size=5000)
    PhoneMessage.objects.bulk_create(
        [
            PhoneMessage(
                client=client,
                caller_name=f"Caller {k}",
                reason="Asks to be called back about the offer.",
                callback=k == 0,
                taken_by=team[0],
                taken_at=now - timedelta(days=k * 7, hours=rng.randint(0, 8)),
                called_back_at=None if k == 0 else now - timedelta(days=k * 7),
            )
            for client, team in rows
            for k in range(5)
        ],
        batch_size=5000,
    )
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                client=client,
                text=f"Ask how the move went ({k})",
                due_at=now + timedelta(days=k * 10 - 5),
                created_by=team[0],
            )
            for client, team in rows
            for k in range(2)
        ],
        batch_size=5000,
    )


def _seed_agenda(organisation, client) -> None:
    """The measured client's own calendar: two appointments a working day over a year around today."""
    from django.utils import timezone

    from vadesk.agenda.models import Calendar, Event, Occurrence, Party

    party = Party.objects.create(organisation=organisation, client=client, kind="client", name=client.name)
    calendar = Calendar.objects.create(party=party, name="Office")
    start = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=182)
    slots = [
        start + timedelta(days=d, hours=h)
        for d in range(365)
        for h in (0, 5)
        if (start + timedelta(days=d)).weekday() < 5
    ]
    events = Event.objects.bulk_create(
        [
            Event(calendar=calendar, uid=f"bench-{n}@bench.example", ics="", summary=f"Meeting {n}")
            for n in range(len(slots))
        ]
    )
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                calendar=calendar, event=e, recurrence_id="", start=at, end=at + timedelta(hours=1), summary=e.summary
            )
            for e, at in zip(events, slots)
        ],
        batch_size=5000,
    )


def _seed_client_user(organisation, client):
    from django.contrib.auth.hashers import make_password

    from vadesk.accounts.models import Membership, Person

    person = Person.objects.create(
        email="portal@bench.example", full_name="Pia Portal", password=make_password("bench-password-not-used")
    )
    Membership.objects.create(person=person, organisation=organisation, role="client", client=client)
    return person


def _seed_invoice_history(organisation, rows, owner) -> None:
    """Twelve final monthly invoices per client with one line each, the last two still open."""
    from vadesk.invoicing.models import Invoice, InvoiceLine, Payment
    from vadesk.invoicing.services import seller_profile_of

    Organisation = type(organisation)
    Organisation.objects.filter(pk=organisation.pk).update(
        street="Oudegracht 1", postal_code="3511 AA", city="Utrecht", vat_id="NL123456782B01", iban="NL91ABNA0417164300"
    )
    seller = seller_profile_of(organisation)
    first = date.today().replace(day=1)
    invoices = []
    for n, (client, _team) in enumerate(rows):
        for m in range(1, 13):
            start = _months_back(first, m)
            end = _months_back(first, m - 1) - timedelta(days=1)
            invoices.append(
                Invoice(
                    organisation=organisation,
                    seller=seller,
                    client=client,
                    status="final",
                    number=f"B-{n:04d}-{m:02d}",
                    issue_date=end + timedelta(days=1),
                    due_date=end + timedelta(days=15),
                    period_start=start,
                    period_end=end,
                    net_total=Decimal("1000.00"),
                    vat_total=Decimal("210.00"),
                    gross_total=Decimal("1210.00"),
                    created_by=owner,
                    paid_at=None if m <= 2 else end + timedelta(days=10),
                )
            )
    invoices = Invoice.objects.bulk_create(invoices, batch_size=5000)
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(invoice=i, position=1, description="Retainer", quantity=Decimal("20"), unit_price=Decimal("50"))
            for i in invoices
        ],
        batch_size=5000,
    )
    Payment.objects.bulk_create(
        [Payment(invoice=i, amount=i.gross_total, paid_on=i.paid_at, recorded_by=owner) for i in invoices if i.paid_at],
        batch_size=5000,
    )


def _months_back(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _busiest_task(client) -> int:
    from django.db.models import Count

    from vadesk.tasks.models import Task

    return (
        Task.objects.filter(client=client)
        .annotate(n=Count("time_entries"))
        .order_by("-n", "id")
        .values_list("pk", flat=True)[0]
    )


DRAFT_ENTRIES = 2_000
DRAFT_TASKS = 400
STATEMENT_LINES = 20


def _seed_invoicing_runs(seeded: Seeded, organisation, owner, assistants) -> Seeded:
    """A client with DRAFT_ENTRIES entries on DRAFT_TASKS tasks in each of the last two months: the draft of
    the month before last is made here (the draft page shows it), last month's is timed by `measure_actions`."""
    from dataclasses import replace

    from django.utils import timezone

    from vadesk.clients.models import Assignment, Client
    from vadesk.engagements.models import Engagement
    from vadesk.invoicing.services import invoice_draft_create
    from vadesk.tasks.models import Task
    from vadesk.timesheets.models import TimeEntry

    client = Client.objects.create(organisation=organisation, name="Big Month B.V.", country="NL", city="Utrecht")
    Assignment.objects.create(client=client, person=assistants[1], role="lead")
    engagement = Engagement.objects.create(
        client=client,
        kind="hourly",
        name="Hourly",
        hourly_rate=Decimal("58"),
        starts_on=date.today() - timedelta(days=400),
    )
    now = timezone.now()
    tasks = Task.objects.bulk_create(
        [
            Task(client=client, engagement=engagement, title=f"Job {n}", status="done", created_by=owner, closed_at=now)
            for n in range(DRAFT_TASKS)
        ]
    )
    first = date.today().replace(day=1)
    TimeEntry.objects.bulk_create(
        [
            TimeEntry(
                engagement=engagement,
                task=tasks[n % DRAFT_TASKS],
                person=assistants[1],
                work_date=_months_back(first, months) + timedelta(days=n % 28),
                worked_minutes=30,
                billed_minutes=30,
                note=f"Work {n}",
                created_at=now,
                updated_at=now,
            )
            for months in (1, 2)
            for n in range(DRAFT_ENTRIES)
        ],
        batch_size=5000,
    )
    owner.refresh_from_db()
    start = _months_back(first, 2)
    draft = invoice_draft_create(
        by=owner, client=client, period_start=start, period_end=_months_back(first, 1) - timedelta(days=1)
    )
    return replace(seeded, draft_id=draft.pk, draft_client_id=client.pk)


@dataclass(frozen=True)
class Action:
    label: str
    median_ms: float
    queries: int


def measure_actions(seeded: Seeded, *, requests: int) -> list[Action]:
    """Time the invoice draft of last month and a bank-statement import, each rolled back after it ran."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from vadesk.accounts.models import Person
    from vadesk.clients.models import Client
    from vadesk.invoicing.models import Invoice
    from vadesk.invoicing.services import invoice_draft_create, statement_import

    first = date.today().replace(day=1)
    client = Client.objects.get(pk=seeded.draft_client_id)
    owner = Person.objects.get(pk=seeded.owner_id)
    open_invoices = list(
        Invoice.objects.filter(client__organisation=client.organisation_id, status="final", paid_at__isnull=True)
        .exclude(client=client)
        .order_by("id")[:STATEMENT_LINES]
    )
    entries = "".join(
        STATEMENT_ENTRY.format(ref=f"BENCH-{n}", amount=f"{i.gross_total:.2f}", text=f"Factuur {i.number}")
        for n, i in enumerate(open_invoices)
    )
    statement = STATEMENT.format(entries=entries).encode()

    def draft() -> None:
        invoice_draft_create(
            by=Person.objects.get(pk=owner.pk),
            client=client,
            period_start=_months_back(first, 1),
            period_end=first - timedelta(days=1),
        )

    def imported() -> None:
        statement_import(by=Person.objects.get(pk=owner.pk), organisation=client.organisation, data=statement)

    results = []
    for label, action in (
        (f"invoice draft, a month of {DRAFT_ENTRIES:,} entries on {DRAFT_TASKS} tasks", draft),
        (f"bank statement import, {STATEMENT_LINES} lines × {len(open_invoices)} open invoices", imported),
    ):
        samples, queries = [], 0
        for _ in range(max(3, requests // 5)):
            with transaction.atomic():
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as captured:
                    action()
                samples.append((time.perf_counter() - started) * 1000)
                queries = len(captured)
                transaction.set_rollback(True)
        results.append(Action(label, statistics.median(samples), queries))
    return results


STATEMENT_ENTRY = """<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-11-10</Dt></BookgDt><AcctSvcrRef>{ref}</AcctSvcrRef><NtryDtls><TxDtls>
<RltdPties><Dbtr><Nm>Client</Nm></Dbtr><DbtrAcct><Id><IBAN>NL02RABO0123456789</IBAN></Id></DbtrAcct></RltdPties>
<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""
STATEMENT = (
    '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
    "<BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId></GrpHdr><Stmt><Id>BENCH-1</Id>"
    "<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>{entries}</Stmt></BkToCstmrStmt></Document>"
)


def _rebuild_aggregates() -> None:
    """The seed bypasses the services: rebuild what they keep, as an operator does after an import."""
    from django.core.management import call_command, get_commands

    commands = get_commands()
    # The kept usage, open work and revenue (issue 13).
    for command in ("usage_rebuild", "open_work_rebuild", "revenue_rebuild"):
        if command in commands:
            call_command(command, verbosity=0)


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
    cpu_ms: float = 0.0  # this process's CPU per request (Django, templates and, on SQLite, the database)
    sql: tuple[str, ...] = ()  # the counted request's queries, for --queries
    sql_ms: float = 0.0  # time spent waiting on the database's answers per request (wall clock)


def pages(seeded: Seeded) -> list[Page]:
    """Every page and API list of issue 13, as the person who opens it."""
    client = {"pk": seeded.client_id}
    deep = _deep_query(seeded)
    return [
        Page("today", "owner", "today", "/today/"),
        Page("today", "assistant", "today", "/today/"),
        Page("client list", "owner", "clients", "/clients/"),
        Page("client list", "assistant", "clients", "/clients/"),
        Page("client page", "owner", "client_detail", f"/clients/{seeded.client_id}/", kwargs=client),
        Page("client page", "assistant", "client_detail", f"/clients/{seeded.client_id}/", kwargs=client),
        Page("task board", "owner", "board", "/tasks/"),
        Page("task board", "assistant", "board", "/tasks/"),
        Page("task page", "assistant", "task_detail", f"/tasks/{seeded.task_id}/", kwargs={"pk": seeded.task_id}),
        Page("time sheet", "assistant", "timesheet", "/timesheet/"),
        Page("team", "owner", "team", "/team/"),
        Page("team calendar", "owner", "team:calendar", "/team/calendar/"),
        Page("invoices", "owner", "invoicing:list", "/invoices/"),
        Page("invoice draft", "owner", "invoicing:detail", f"/invoices/{seeded.draft_id}/", {"pk": seeded.draft_id}),
        Page("bank statement", "owner", "invoicing:bank", "/invoices/bank/"),
        Page("agenda week", "assistant", "agenda_week", f"/agenda/clients/{seeded.client_id}/", kwargs=client),
        Page("comms hub", "assistant", "comms:hub", "/comms/"),
        Page("comms client", "assistant", "comms:people", f"/comms/clients/{seeded.client_id}/", kwargs=client),
        Page("outbox", "owner", "comms:outbox", "/comms/outbox/"),
        Page("triage", "owner", "comms:triage", "/comms/triage/"),
        Page("portal home", "client", "portal:home", "/portal/"),
        Page("portal hours", "client", "portal:hours", "/portal/hours/"),
        Page("portal log CSV", "client", "portal:hours_csv", "/portal/hours/log.csv"),
        Page("portal log PDF", "client", "portal:hours_pdf", "/portal/hours/log.pdf"),
        Page("portal reports", "client", "portal:reports", "/portal/reports/"),
        Page("portal task", "client", "portal:task", f"/portal/tasks/{seeded.task_id}/", {"pk": seeded.task_id}),
        Page("portal invoices", "client", "invoicing:portal_list", "/portal/invoices/"),
        Page("portal agenda", "client", "agenda_portal", "/agenda/portal/"),
        Page("dashboard", "owner", "dashboard", "/dashboard/"),
        Page("search hit", "owner", "search", "/search/", query="?q=Client+0042"),
        Page("search miss", "owner", "search", "/search/", query="?q=zzqx"),
        Page("search hit", "assistant", "search", "/search/", query="?q=voicemail"),
        Page("search miss", "assistant", "search", "/search/", query="?q=zzqx"),
        Page("board filtered", "owner", "board", "/tasks/", query="?scope=all&due=overdue&priority=4"),
        Page("API tasks", "assistant", None, "/api/v1/tasks", query="?assignee=me", api=True),
        Page("API tasks", "owner", None, "/api/v1/tasks", api=True),
        Page("API tasks deep", "owner", None, "/api/v1/tasks", query=_deep_task_query(seeded), api=True),
        Page("API entries", "owner", None, "/api/v1/time-entries", api=True),
        Page("API entries deep", "owner", None, "/api/v1/time-entries", query=deep, api=True),
        Page("API entries", "assistant", None, "/api/v1/time-entries", query="?person=me", api=True),
        Page("API clients", "owner", None, "/api/v1/clients", api=True),
        Page("API invoices", "owner", None, "/api/v1/invoices", api=True),
        Page("API follow-ups", "assistant", None, "/api/v1/follow-ups", api=True),
        Page("API outbox", "owner", None, "/api/v1/outbox", api=True),
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


def _deep_task_query(seeded: Seeded) -> str:
    """The page half the owner's tasks down the API's list, by its cursor."""
    from django.db.models import F

    from vadesk.api.tasks import encode_cursor
    from vadesk.tasks.models import Task

    ordered = Task.objects.order_by(F("due_at").asc(nulls_last=True), "-priority", "id")
    return f"?cursor={encode_cursor(*ordered.values_list('due_at', 'priority', 'id')[seeded.tasks // 2])}"


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


def measure(seeded: Seeded, *, requests: int, only: list[str] | None = None) -> list[Result]:
    from django.test import Client

    from vadesk.accounts.models import Person
    from vadesk.accounts.services import api_token_create

    browsers, headers = {}, {}
    people = (("owner", seeded.owner_id), ("assistant", seeded.assistant_id), ("client", seeded.client_user_id))
    for who, pk in people:
        person = Person.objects.get(pk=pk)
        browsers[who] = Client()
        browsers[who].force_login(person)
        try:
            _token, secret = api_token_create(person=person, name="bench")
        except Exception:
            secret = ""
        headers[who] = {"Authorization": f"Bearer {secret}"}
    return [
        measure_page(browsers[page.who], page, seeded, headers[page.who] if page.api else {}, requests)
        for page in pages(seeded)
        if not only or any(word in page.label for word in only)
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
    result.sql = tuple(q["sql"] for q in captured.captured_queries)
    result.rows = ROWS[0]
    result.kilobytes = len(response.content) / 1024
    samples, cpu, sql = [], [], []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started, used = time.perf_counter(), time.process_time()
            browser.get(result.path, headers=headers)
            cpu.append((time.process_time() - used) * 1000)
            samples.append((time.perf_counter() - started) * 1000)
        sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
    result.median_ms = statistics.median(samples)
    result.cpu_ms, result.sql_ms = statistics.median(cpu), statistics.median(sql)
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
        f"the owner sees all {seeded.clients:,} clients. Median and p95 over the timed requests; CPU: this "
        f"process's CPU time per request (with SQLite, the database's too), SQL: waiting on the database's answers "
        f"(medians; both read better than wall clock on a loaded machine):\n"
    )
    header = (
        f"{'page':<17} {'who':<9} {'status':>6} {'median':>9} {'p95':>9} {'CPU':>9} {'SQL':>9} {'KB':>6}  "
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
        if result.p95_ms >= 2 * target:  # issue 11: p95 under 300 ms where the median target is 150 ms
            verdicts.append(f"p95 SLOW (target {2 * target} ms)")
        if before and before.queries is not None and result.queries > before.queries:
            verdicts.append("queries grow with data: N+1?")
        print(
            f"{result.page.label:<17} {result.page.who:<9} {result.status:>6} {result.median_ms:>6.1f} ms "
            f"{result.p95_ms:>6.1f} ms {result.cpu_ms:>6.1f} ms {result.sql_ms:>6.1f} ms {result.kilobytes:>6.0f}  "
            f"{queries:<22} {rows:<20} {', '.join(verdicts)}"
        )


LITERAL = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
IN_LIST = re.compile(r"IN \((?:\?, )*\?\)")
LONG_IN_LIST = re.compile(r"IN \(((?:[^,()]+, ){3})(?:[^,()]+, )+[^,()]+\)")


def readable(sql: str) -> str:
    """A query to print: a long IN list cut to its first three values."""
    return LONG_IN_LIST.sub(lambda m: f"IN ({m.group(1)}…)", sql)


CURSOR_NAME = re.compile(r'"_django_curs_\w+"')  # PostgreSQL's server-side cursors are numbered per connection


def query_shape(sql: str) -> str:
    """A query without its literals (ids, dates, the length of an IN list): the same shape on both seeds."""
    return IN_LIST.sub("IN (…)", LITERAL.sub("?", CURSOR_NAME.sub("?", sql)))


def report_queries(small: list[Result], large: list[Result]) -> None:
    """--queries: per page, the queries that run on one seed and not on the other, by shape, with their SQL."""
    from collections import Counter

    small_by_key = {(r.page.label, r.page.who): r for r in small}
    for result in large:
        before = small_by_key.get((result.page.label, result.page.who))
        if before is None or result.skipped or before.skipped:
            continue
        print(f"\n{result.page.label}, {result.page.who} ({result.path}): {before.queries} → {result.queries} queries")
        shapes = {seed: Counter(map(query_shape, r.sql)) for seed, r in (("small", before), ("large", result))}
        for seed, other in (("small", "large"), ("large", "small")):
            extra = shapes[seed] - shapes[other]
            for shape, times in extra.items():
                sql = next(q for q in (before if seed == "small" else result).sql if query_shape(q) == shape)
                print(f"  only on the {seed} seed ({times}×): {readable(sql)}")
        if shapes["small"] == shapes["large"]:
            print("  the same queries on both seeds")


def seeded_file(name: str) -> Path:
    from django.db import connection

    return OUT / f"seeded-{name}-{connection.vendor}.json"


def seed_or_reuse(name: str, sizes: dict, *, reuse: bool, shape: Shape = Shape()) -> Seeded:
    """A fresh seed, or with --reuse the one left by the last run of the same sizes (migrated, analysed). A change
    of a seed's shape alone is not seen: delete its bench/out/seeded-<name>-*.json to have it seeded again."""
    import json
    from dataclasses import asdict

    from django.core.management import call_command

    use_database(name)
    path = seeded_file(name)
    if reuse and path.exists():
        stored = json.loads(path.read_text())
        if stored.pop("sizes") == sizes:
            call_command("migrate", verbosity=0, interactive=False)
            _analyse()
            return Seeded(**stored)
    fresh_database()
    seeded = seed(**sizes, shape=shape)
    OUT.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"sizes": sizes, **asdict(seeded)}))
    return seeded


def load_average() -> str:
    try:
        return " / ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"


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
    parser.add_argument(
        "--reuse", action="store_true", help="measure the seed the last run of the same sizes left (no new seed)"
    )
    parser.add_argument("--only", nargs="*", help="time only the pages whose label holds one of these words")
    parser.add_argument(
        "--queries", action="store_true", help="print the queries that differ between the small and the large seed"
    )
    args = parser.parse_args(argv)
    for name, value in SCALES.get(args.scale or "", {}).items():
        setattr(args, name, value)
    if args.clients < ASSISTANTS or args.tasks < args.clients:
        parser.error(f"need at least {ASSISTANTS} clients and one task per client")
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # a long run shows its rows as they come
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
    small, small_actions = None, {}
    if not args.no_small:
        seeded = seed_or_reuse("small", SMALL, reuse=args.reuse, shape=SMALL_SHAPE)
        print(
            f"Small seed: {seeded.clients} clients, {seeded.tasks:,} tasks, {seeded.entries:,} time entries in {seeded.seconds:.1f} s"
        )
        small = measure(seeded, requests=3, only=args.only)
        small_actions = {a.label: a for a in measure_actions(seeded, requests=3)}
    sizes = {"clients": args.clients, "tasks": args.tasks, "entries": args.entries}
    seeded = seed_or_reuse("large", sizes, reuse=args.reuse)
    print(
        f"Large seed: {seeded.clients} clients, {seeded.tasks:,} tasks, {seeded.entries:,} time entries, {seeded.facts:,} dossier facts "
        f"in {seeded.seconds:.1f} s ({(seeded.tasks + seeded.entries) / seeded.seconds:,.0f} tasks+entries/s)"
    )
    print(f"Load average before timing (1/5/15 min): {load_average()}")
    large = measure(seeded, requests=args.requests, only=args.only)
    report(small, large, seeded)
    print(f"Load average after timing (1/5/15 min): {load_average()}")
    if args.queries and small:
        report_queries(small, large)
    print("\nactions (each rolled back)                                         median     queries small → large")
    for action in measure_actions(seeded, requests=args.requests):
        before = small_actions.get(action.label)
        print(f"{action.label:<66} {action.median_ms:>6.0f} ms  {before.queries if before else '?'} → {action.queries}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
