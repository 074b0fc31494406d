"""Benchmark the team app: batch matching, the coverage check, and what routing adds to inbound mail filing.

    .venv/bin/python bench/team.py [--only matching|coverage|routing] [--assistants 100] [--clients 30]
                                   [--seeds 5] [--repeat 3] [--coverage-clients 1000] [--mails 100]

Runs on a fresh SQLite file in bench/out/team/ (gitignored), DEBUG off. Every figure is printed beside the
load average, with the CPU time of this process (`time.process_time()`), which other engineers' tests on the
same two cores do not inflate the way they inflate wall-clock time, and query counts where a database is used.

1. **Matching** (`vadesk match`'s solver) on generated agencies. Assistants speak Dutch (90 %), German (50 %)
   and English (70 %) at a random level, so the language rule removes a real share of candidates; 3-6 skills
   each, levels 1-5, over twelve skills (task categories plus free skills); 0-2 sectors of six; 4-24 free hours
   a week; a third answered "ask the team" for some clients. Clients want 2-16 hours a week with teams of 1-3
   (mostly 2), one or two needs at level 2-4 and a sector: the mix of an agency's intake. Total demand is about
   half of total free hours, so the hours rule binds for some assistants (the popular ones) without leaving
   most clients unservable. Reported per seed: the time of the whole match (candidates, scores, the exact
   search, the integer programme when the search cannot prove its answer), the search steps, clients served.
   Target: under 100 ms.
2. **Coverage check** (`coverage_refresh`, the daily job) of one organisation with --coverage-clients clients,
   teams of 1-3 out of 100 assistants with work patterns (a tenth part-time, one weekday off) and profiles in
   NL, BE and DE, expected hours per client, and 40 approved absences over the next two weeks. Target: under 1 s.
3. **Routing on inbound mail**: --mails mails from clients' contacts filed as new tasks, while the leads of half
   of the clients are away (so the chain goes on to the backup). Counted with `CaptureQueriesContext`: the
   queries of filing with the absence-aware router, minus those with a router that answers without reading
   (the same assignees, no query), plus the history line's insert, which only a routing decision writes.
   Target: at most 2 extra queries per new task (pinned by `vadesk/team/tests/test_routing_queries.py`).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "team"
sys.path.insert(0, str(ROOT))
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ["VADESK_DATA_DIR"] = str(OUT)
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("VADESK_DEBUG", "false")
os.environ.setdefault("VADESK_SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("VADESK_LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from vadesk.team.matching import LANGUAGE_LEVELS, Assistant, Client, match  # noqa: E402

SKILLS = [
    "agenda",
    "bookkeeping",
    "mail",
    "travel",
    "events",
    "HR",
    "medical",
    "legal",
    "social",
    "crm",
    "web",
    "sales",
]
SECTORS = ["medical", "legal", "events", "retail", "tech", "construction"]


def generate(seed: int, n_assistants: int, n_clients: int) -> tuple[list[Assistant], list[Client]]:
    rng = random.Random(seed)
    clients = []
    for i in range(n_clients):
        clients.append(
            Client(
                id=f"c{i}",
                language=rng.choices(["nl", "de", "en"], [6, 3, 1])[0],
                needs={s: rng.randint(2, 4) for s in rng.sample(SKILLS, rng.randint(1, 2))},
                sector=rng.choice(SECTORS),
                hours_per_week=Fraction(rng.choice([2, 4, 6, 8, 10, 12, 16])),
                team_size=rng.choices([1, 2, 3], [3, 5, 2])[0],
            )
        )
    assistants = []
    for i in range(n_assistants):
        languages = {}
        for lang, share in (("nl", 0.9), ("de", 0.5), ("en", 0.7)):
            if rng.random() < share:
                languages[lang] = rng.choice(LANGUAGE_LEVELS)
        interest = {}
        if rng.random() < 0.33:
            interest = {c.id: rng.choice(["yes", "maybe", "no"]) for c in rng.sample(clients, min(3, len(clients)))}
        assistants.append(
            Assistant(
                id=f"a{i}",
                languages=languages,
                skills={s: rng.randint(1, 5) for s in rng.sample(SKILLS, rng.randint(3, 6))},
                sectors=frozenset(rng.sample(SECTORS, rng.randint(0, 2))),
                free_hours_per_week=Fraction(rng.randint(4, 24)),
                interest=interest,
            )
        )
    return assistants, clients


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def bench_matching(args: argparse.Namespace) -> None:
    print(
        f"batch matching: {args.assistants} assistants x {args.clients} clients, solver {args.solver}, "
        f"best of {args.repeat} runs"
    )
    walls, cpus = [], []
    for seed in range(args.seeds):
        assistants, clients = generate(seed, args.assistants, args.clients)
        times, cpu = [], []
        for _ in range(args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            result = match(assistants, clients, solver=args.solver)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        walls.append(min(times))
        cpus.append(min(cpu))
        print(
            f"  seed {seed}: {min(times) * 1000:7.1f} ms wall {min(cpu) * 1000:7.1f} ms cpu  steps {result.nodes:>6}"
            f"  served {len(result.teams)}/{len(clients)}  {'optimal' if result.optimal else 'NOT PROVEN'}  {load()}"
        )
    print(
        f"median over seeds: {statistics.median(walls) * 1000:.1f} ms wall, {statistics.median(cpus) * 1000:.1f} ms "
        f"cpu (target < 100 ms)  {load()}"
    )


def seed_agency(tag: str, n_clients: int, n_assistants: int = 100):
    """An organisation with staff, profiles, work patterns, teams, expected hours and absences (not timed)."""
    from django.db import transaction

    from vadesk.accounts.models import Membership, Organisation, Person
    from vadesk.clients.models import Assignment, Contact
    from vadesk.clients.models import Client as ClientRow
    from vadesk.team.models import Absence, ClientNeeds, Profile, WorkPattern

    rng = random.Random(14)
    today = date.today()
    with transaction.atomic():
        org = Organisation.objects.create(name=f"Bench Bureau {tag}", country="NL", time_zone="Europe/Amsterdam")
        owner = Person.objects.create(email=f"owner@{tag}.example", full_name="Olga Owner")
        Membership.objects.create(person=owner, organisation=org, role=Membership.Role.OWNER)
        people = Person.objects.bulk_create(
            [Person(email=f"a{n}@{tag}.example", full_name=f"Assistent {n:03d}") for n in range(n_assistants)]
        )
        Membership.objects.bulk_create(
            [Membership(person=p, organisation=org, role=Membership.Role.ASSISTANT) for p in people]
        )
        regions = [("NL", ""), ("NL", ""), ("BE", ""), ("DE", "NW"), ("DE", "BY")]
        profiles = Profile.objects.bulk_create(
            [
                Profile(organisation=org, person=p, holiday_country=c, holiday_subdivision=s)
                for p, (c, s) in zip(people, (rng.choice(regions) for _ in people), strict=True)
            ]
        )
        days = ("mon", "tue", "wed", "thu", "fri")
        off = [rng.choice(days) if rng.random() < 0.1 else "" for _ in profiles]  # a tenth part-time
        WorkPattern.objects.bulk_create(
            [
                WorkPattern(
                    profile=profile,
                    valid_from=today - timedelta(days=365),
                    days={d: ["09:00", "17:00"] for d in days if d != day_off},
                )
                for profile, day_off in zip(profiles, off, strict=True)
            ]
        )
        clients = ClientRow.objects.bulk_create(
            [ClientRow(organisation=org, name=f"Klant {n:04d}") for n in range(n_clients)]
        )
        assignments, needs = [], []
        for client in clients:
            team = rng.sample(people, rng.choices([1, 2, 3], [3, 5, 2])[0])
            assignments += [
                Assignment(client=client, person=p, role="lead" if i == 0 else "backup", position=i)
                for i, p in enumerate(team)
            ]
            needs.append(
                ClientNeeds(client=client, hours_per_week=Decimal(rng.choice([1, 2, 3, 4])), team_size=len(team))
            )
        Assignment.objects.bulk_create(assignments)
        ClientNeeds.objects.bulk_create(needs)
        Contact.objects.bulk_create(
            [Contact(client=c, name=f"Contact {n}", email=f"contact{n}@{tag}.example") for n, c in enumerate(clients)]
        )
        Absence.objects.bulk_create(
            [
                Absence(
                    organisation=org,
                    person=p,
                    start_date=(start := today + timedelta(days=rng.randint(0, 10))),
                    end_date=start + timedelta(days=rng.randint(0, 6)),
                    status=Absence.Status.APPROVED,
                    requested_by=owner,
                )
                for p in rng.sample(people, 40)
            ]
        )
    return org, clients, assignments


def bench_coverage(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vadesk.team.coverage import coverage_refresh

    org, clients, _assignments = seed_agency("coverage", args.coverage_clients)
    today = date.today()
    walls, cpus = [], []
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            warnings = coverage_refresh(organisation=org, today=today)
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - started_cpu)
    print(
        f"coverage check: {len(clients)} clients, 100 assistants, 40 absences: median {statistics.median(walls) * 1000:.0f}"
        f" ms wall, {statistics.median(cpus) * 1000:.0f} ms cpu, {len(queries.captured_queries)} queries, "
        f"{warnings} warnings (target < 1 s)  {load()}"
    )


def bench_routing(args: argparse.Namespace) -> None:
    from email.message import EmailMessage
    from email.utils import make_msgid

    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vadesk.comms.addresses import organisation_address
    from vadesk.comms.inbound import inbound_receive
    from vadesk.tasks import routing
    from vadesk.team.models import Absence
    from vadesk.team.routing import absence_aware_route

    org, clients, assignments = seed_agency("routing", args.mails)
    leads = {a.client_id: a.person for a in assignments if a.position == 0}
    owner = Absence.objects.filter(organisation=org).first().requested_by
    now = datetime.now().astimezone()
    Absence.objects.bulk_create(
        [
            Absence(
                organisation=org,
                person=person,
                start_date=now.date() - timedelta(days=1),
                end_date=now.date() + timedelta(days=1),
                status=Absence.Status.APPROVED,
                requested_by=owner,
            )
            for person in {leads[c.pk] for c in clients[::2]}
            - set(
                Absence.objects.filter(
                    organisation=org, start_date__lte=now.date(), end_date__gte=now.date()
                ).values_list("person", flat=True)
            )
        ]
    )
    address = organisation_address(settings.INBOUND_ADDRESS, org.pk)

    def mail(n: int) -> bytes:
        message = EmailMessage()
        message["From"] = f"Contact {n} <contact{n}@routing.example>"
        message["To"] = address
        message["Subject"] = f"Verzoek {n}"
        message["Message-ID"] = make_msgid(domain="klant.example")
        message.set_content("Kun je dit voor me regelen?")
        return message.as_bytes()

    def fixed_route(*, client, category, at, preferred=()):
        return routing.Route(people=[leads[client.pk]], rule=routing.Rule.LEADS)

    def file_all() -> tuple[int, int, int, float]:
        with CaptureQueriesContext(connection) as queries:
            started_cpu = time.process_time()
            for n in range(len(clients)):
                outcome = inbound_receive(raw=mail(n), envelope_recipients=[address]).outcome
                assert outcome == "task", outcome
            cpu = time.process_time() - started_cpu
        notes = sum(1 for q in queries.captured_queries if q["sql"].startswith("INSERT") and "routingnote" in q["sql"])
        return len(queries.captured_queries), notes, len(clients), cpu

    routing.install(fixed_route)
    try:
        fixed, _notes, count, fixed_cpu = file_all()
    finally:
        routing.install(absence_aware_route)
    real, real_notes, count, real_cpu = file_all()
    extra = (real - fixed + real_notes) / count
    print(
        f"routing on inbound mail: {count} mails filed as tasks, half of the leads away: {real / count:.1f} queries per"
        f" task with the router, {fixed / count:.1f} with a router that reads nothing; {extra:.2f} extra per task"
        f" (the team read + the history line; target <= 2); cpu {real_cpu / count * 1000:.1f} vs "
        f"{fixed_cpu / count * 1000:.1f} ms per mail  {load()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["matching", "coverage", "routing"])
    parser.add_argument("--assistants", type=int, default=100)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--solver", choices=["auto", "search", "milp"], default="auto")
    parser.add_argument("--coverage-clients", type=int, default=1000)
    parser.add_argument("--mails", type=int, default=100)
    args = parser.parse_args()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.only in (None, "matching"):
        bench_matching(args)
    if args.only in (None, "coverage"):
        bench_coverage(args)
    if args.only in (None, "routing"):
        bench_routing(args)


if __name__ == "__main__":
    main()
