"""Benchmark the monthly reports: build and send every client's report of a month, PDF included, as the job does.

    .venv/bin/python bench/reports.py [--clients 1000] [--tasks 20000] [--entries 60000] [--workers 1]
                                      [--profile 50]

Seeds one agency with bench/practice.py's seeding functions (clients with a lead, a primary contact and an
engagement each, tasks, phone messages), with every time entry in last month, then calls `report_deliver` (the
job's step for one client: build the report with its engagements' parts, send it with its PDF through the outbox)
for every client the job selects. Prints the total wall and CPU time, and per report the wall time, CPU time,
database time (the sum of its queries' durations, timed with `connection.execute_wrapper`) and queries, median
and p95. Targets (issue 11): all 1,000 in under 5 minutes on 2 cores, under 100 ms of database time per report.
On a fresh SQLite file in bench/out/; with DATABASE_URL on that PostgreSQL database (its name must start with
`bench`: it is emptied first). `--workers 2` splits the clients over two processes, as two job workers would;
`--profile N` profiles the first N reports and prints where their time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import os
import pstats
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock

import practice  # the agency seed: configure(), fresh_database() and the _seed_* functions

TARGET_SECONDS, TARGET_DB_MS = 300, 100


@dataclass(frozen=True)
class Sample:
    wall_ms: float
    cpu_ms: float
    db_ms: float
    queries: int


def seed(*, clients: int, tasks: int, entries: int, month: date) -> int:
    """The practice's agency, its time entries moved into `month`; returns the organisation's id."""
    from django.db import transaction

    rng = random.Random(11)
    days = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - month
    with transaction.atomic():
        organisation, owner, assistants = practice._seed_people()
        rows = practice._seed_clients(organisation, assistants, clients)
        engagements = practice._seed_engagements(rows)
        task_rows = practice._seed_tasks(rng, rows, engagements, owner, tasks)
        # _seed_entries logs each entry 0 to 3 days before its task's day: keep them all inside the month.
        in_month = [
            (task, person, month + timedelta(days=rng.randint(3, days.days - 1))) for task, person, _ in task_rows
        ]
        practice._seed_entries(rng, in_month, entries)
        practice._seed_comms(rng, rows, assistants)
        practice._rebuild_aggregates()
    practice._analyse()
    return organisation.pk


def clients_to_report(organisation_id: int, month: date) -> tuple[list[int], datetime]:
    """The clients the job reports on at 07:00 on the report's day, and that moment."""
    from zoneinfo import ZoneInfo

    from vadesk.accounts.models import Organisation
    from vadesk.reports.jobs import _clients
    from vadesk.reports.monthly import send_day

    organisation = Organisation.objects.get(pk=organisation_id)
    moment = datetime.combine(send_day(month), clock(7), tzinfo=ZoneInfo(organisation.time_zone))
    return list(_clients(organisation, moment.date(), month).values_list("pk", flat=True)), moment


def deliver(client_ids: list[int], month: date, moment: datetime, profile: int = 0) -> list[Sample]:
    """`report_deliver` for each client, each timed on its own; the first `profile` under cProfile."""
    from django.db import connection

    from vadesk.clients.models import Client
    from vadesk.reports.monthly import report_deliver

    spent = {"db": 0.0, "queries": 0}

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            spent["db"] += took
            spent["queries"] += 1
            SHAPES[_shape(sql)] = SHAPES.get(_shape(sql), 0.0) + took

    samples, profiler = [], cProfile.Profile()
    with connection.execute_wrapper(timed):
        for n, client_id in enumerate(client_ids):
            spent.update(db=0.0, queries=0)
            wall, cpu = time.perf_counter(), time.process_time()
            if n < profile:
                profiler.enable()
            client = Client.objects.select_related("organisation").get(pk=client_id)  # as the job's query gives it
            report_deliver(client=client, month=month, now=moment)
            if n < profile:
                profiler.disable()
            samples.append(
                Sample(
                    (time.perf_counter() - wall) * 1000,
                    (time.process_time() - cpu) * 1000,
                    spent["db"] * 1000,
                    int(spent["queries"]),
                )
            )
    if profile:
        print("\nThe slowest queries, by their total time:")
        for sql, seconds in sorted(SHAPES.items(), key=lambda item: -item[1])[:8]:
            print(f"{seconds * 1000:>9.0f} ms  {sql}")
        print(f"\nWhere the first {min(profile, len(client_ids))} reports spend their time (cumulative):")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(18)
    return samples


SHAPES: dict[str, float] = {}  # query text without its values: seconds, over all reports


def _shape(sql: str) -> str:
    text = re.sub(r"\b\d+\b|%s|'[^']*'", "?", sql)
    return f"{text[:50]} …{text[text.find(' FROM ') :][:150]}"


def _worker(args: tuple[list[int], date, datetime]) -> list[Sample]:
    from django.db import connections

    connections.close_all()  # a forked process opens its own connection
    return deliver(*args)


def server_time(client_id: int, month: date) -> None:
    """PostgreSQL's own execution time (EXPLAIN ANALYZE) of each read one report makes: what the database time
    per report comes to without the round trips and the waiting for a CPU that a loaded machine adds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vadesk.clients.models import Client
    from vadesk.reports.monthly import report_content

    client = Client.objects.select_related("organisation").get(pk=client_id)
    with CaptureQueriesContext(connection) as reads:
        report_content(client, month)
    total = 0.0
    print("\nPostgreSQL's execution time of the reads of one report (EXPLAIN ANALYZE):")
    with connection.cursor() as cursor:
        for query in reads.captured_queries:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query['sql']}")
            took = cursor.fetchone()[0][0]["Execution Time"]
            total += took
            print(f"{took:>8.2f} ms  {_shape(query['sql'])[:110]}")
    print(f"{total:>8.2f} ms  in all, for {len(reads.captured_queries)} reads")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1_000, help="clients, one report each (default 1,000)")
    parser.add_argument("--tasks", type=int, default=20_000, help="tasks (default 20,000)")
    parser.add_argument("--entries", type=int, default=60_000, help="time entries, all in the month (default 60,000)")
    parser.add_argument("--workers", type=int, default=1, help="processes sharing the clients (default 1)")
    parser.add_argument("--profile", type=int, default=0, help="profile the first N reports (one worker)")
    args = parser.parse_args(argv)
    if args.clients < practice.ASSISTANTS or args.tasks < args.clients:
        parser.error(f"need at least {practice.ASSISTANTS} clients and one task per client")
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    practice.configure()
    from django.db import connection

    from vadesk.reports.models import EngagementReport, MonthlyReport
    from vadesk.reports.monthly import previous_month

    where = (
        f"PostgreSQL database {connection.settings_dict['NAME']}"
        if connection.vendor == "postgresql"
        else f"SQLite file in {practice.OUT.relative_to(practice.ROOT)}/"
    )
    print(f"vadesk monthly reports benchmark — {where}, {os.cpu_count()} CPUs")
    month = previous_month(date.today())
    practice.fresh_database()
    started = time.perf_counter()
    organisation_id = seed(clients=args.clients, tasks=args.tasks, entries=args.entries, month=month)
    print(
        f"Seed: {args.clients:,} clients, {args.tasks:,} tasks, {args.entries:,} time entries in {month:%B %Y} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    client_ids, moment = clients_to_report(organisation_id, month)
    print(f"Load average before (1/5/15 min): {practice.load_average()}")
    wall, cpu = time.perf_counter(), time.process_time()
    if args.workers > 1:
        connection.close()
        shares = [(client_ids[n :: args.workers], month, moment) for n in range(args.workers)]
        with multiprocessing.get_context("fork").Pool(args.workers) as pool:
            samples = [s for share in pool.map(_worker, shares) for s in share]
    else:
        samples = deliver(client_ids, month, moment, profile=args.profile)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"Load average after (1/5/15 min): {practice.load_average()}")
    if connection.vendor == "postgresql":
        server_time(client_ids[len(client_ids) // 2], month)
    reports = MonthlyReport.objects.filter(month=month, sent_at__isnull=False).count()
    parts = EngagementReport.objects.filter(report__month=month).count()
    print(
        f"\n{reports:,} reports sent ({parts:,} engagement parts) by {args.workers} worker(s) in {wall:.1f} s wall, "
        f"{sum(s.cpu_ms for s in samples) / 1000:.1f} s CPU in the reports ({cpu:.1f} s in this process) "
        f"(target: {TARGET_SECONDS} s for 1,000 on 2 cores)"
    )
    print(f"\nper report ({len(samples):,})       median      p95      max")
    for label, values in (
        ("wall (ms)", [s.wall_ms for s in samples]),
        ("CPU (ms)", [s.cpu_ms for s in samples]),
        (f"database (ms, target {TARGET_DB_MS})", [s.db_ms for s in samples]),
        ("queries", [float(s.queries) for s in samples]),
    ):
        print(f"{label:<24} {statistics.median(values):>8.1f} {p95(values):>8.1f} {max(values):>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
