"""Benchmark the job system: jobs per second and enqueue-to-start latency with 1, 2 and 4 workers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jobs_bench .venv/bin/python bench/jobs.py [--jobs 3000]

Each round starts N real `vadesk worker --no-schedule` processes on the database (PostgreSQL: claims
with SKIP LOCKED), then
1. throughput: enqueues --jobs trivial jobs (`vadesk.jobs.jobs.ping`) in one transaction and measures from
   the first start to the last finish (the database's own timestamps);
2. latency: enqueues --paced jobs one at a time at --rate per second into the idle-polling workers and
   reports started_at - enqueued_at (p50, p95, max).
3. outbox delivery (with --deliveries N, default 2000): one worker, its SMTP relay a loopback server in a
   process of its own (aiosmtpd, bench/comms.py's sink); N messages (text and HTML, about 3 KB) written in one
   transaction, whose commit queues one delivery job; the rate is N over the span from that job's start to the
   last message's sent time, over the reused connection (a new one every 100 messages).
Targets (issue 12): at least 300 jobs/s with 4 workers; p95 start latency under 1 s; at least 100 messages/s
per worker.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VADESK = Path(sys.executable).parent / "vadesk"
TARGET_RATE = 300
TARGET_P95 = 1.0
TARGET_MAIL_RATE = 100


def configure() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("VADESK_DEBUG", "false")
    os.environ.setdefault("VADESK_SECRET_KEY", "bench-only-not-a-secret")
    os.environ.pop("VADESK_TASK_BACKEND", None)
    import django

    django.setup()


def start_workers(count: int, env: dict[str, str] | None = None) -> list[subprocess.Popen]:
    workers = [
        subprocess.Popen(
            [str(VADESK), "worker", "--no-schedule", "--worker-id", f"bench-{n}"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, **(env or {})},
        )
        for n in range(count)
    ]
    for worker in workers:
        assert worker.stdout is not None and "started" in worker.stdout.readline()
    return workers


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=60)


def wait_until_done(timeout: float = 600) -> None:
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + timeout
    while DBTaskResult.objects.exclude(status="SUCCESSFUL").exists():
        assert time.monotonic() < deadline, "the workers did not finish"
        time.sleep(0.1)


def throughput(jobs: int) -> float:
    from django.db import transaction
    from django.db.models import Max, Min
    from django_tasks_db.models import DBTaskResult

    from vadesk.jobs.jobs import ping

    with transaction.atomic():
        for _ in range(jobs):
            ping.enqueue()
    wait_until_done()
    span = DBTaskResult.objects.aggregate(first=Min("started_at"), last=Max("finished_at"))
    return jobs / (span["last"] - span["first"]).total_seconds()


def latency(paced: int, rate: float) -> list[float]:
    from django_tasks_db.models import DBTaskResult

    from vadesk.jobs.jobs import ping

    for _ in range(paced):
        ping.enqueue()
        time.sleep(1 / rate)
    wait_until_done()
    return sorted((r.started_at - r.enqueued_at).total_seconds() for r in DBTaskResult.objects.all())


def delivery(count: int) -> tuple[float, int]:
    """Messages per second of one worker's delivery job, and how many the server received."""
    import signal

    from django.db import transaction
    from django.db.models import Max
    from django_tasks_db.models import DBTaskResult

    from vadesk.accounts.models import Organisation
    from vadesk.comms.models import OutboxMessage
    from vadesk.comms.outbox import outbox_enqueue

    sys.path.insert(0, str(ROOT / "bench"))
    from comms import smtp_sink  # the loopback SMTP server of bench/comms.py

    OutboxMessage.objects.all().delete()
    DBTaskResult.objects.all().delete()
    organisation, _ = Organisation.objects.get_or_create(name="Bench delivery")
    text = "Beste klant,\n\n" + "Uw verzoek is in behandeling; we laten het u weten zodra het klaar is.\n" * 30
    html = "<p>" + text.replace("\n", "<br>") + "</p>"
    server, port = smtp_sink()
    workers = start_workers(1, {"VADESK_SMTP_HOST": "127.0.0.1", "VADESK_SMTP_PORT": str(port)})
    try:
        with transaction.atomic():  # its commit queues one delivery job (comms.jobs.outbox_kick)
            for n in range(count):
                outbox_enqueue(
                    organisation_id=organisation.pk,
                    kind="update",
                    recipient=f"klant{n}@bench.example",
                    subject=f"Update {n}",
                    body_text=text,
                    body_html=html,
                )
        deadline = time.monotonic() + 600
        while OutboxMessage.objects.filter(state="sent").count() < count:
            assert time.monotonic() < deadline, "the worker did not deliver everything"
            time.sleep(0.2)
        started = DBTaskResult.objects.filter(task_path__endswith="outbox_deliver_job").order_by("started_at")[0]
        last = OutboxMessage.objects.aggregate(last=Max("sent_at"))["last"]
        rate = count / (last - started.started_at).total_seconds()
    finally:
        stop_workers(workers)
        server.send_signal(signal.SIGTERM)
        received, _ = server.communicate(timeout=60)
    OutboxMessage.objects.all().delete()
    DBTaskResult.objects.all().delete()
    return rate, int(received.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=3000)
    parser.add_argument("--paced", type=int, default=200)
    parser.add_argument("--rate", type=float, default=40)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--deliveries", type=int, default=2000, help="outbox messages for one worker (0: skip)")
    args = parser.parse_args()
    configure()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    call_command("migrate", verbosity=0)
    print(
        f"{connection.vendor} {connection.settings_dict['NAME']}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, poll {settings.JOBS_POLL_SECONDS * 1000:.0f} ms"
    )
    print(f"{'workers':>7} {'jobs/s':>8} {'p50 start':>10} {'p95 start':>10} {'max start':>10}")
    for count in [int(n) for n in args.workers.split(",")]:
        DBTaskResult.objects.all().delete()
        workers = start_workers(count)
        try:
            rate = throughput(args.jobs)
            DBTaskResult.objects.all().delete()
            waits = latency(args.paced, args.rate)
        finally:
            stop_workers(workers)
        p50, p95 = statistics.median(waits), waits[int(len(waits) * 0.95) - 1]
        print(f"{count:>7} {rate:>8.0f} {p50:>9.3f}s {p95:>9.3f}s {waits[-1]:>9.3f}s", flush=True)
    DBTaskResult.objects.all().delete()
    if args.deliveries:
        rate, received = delivery(args.deliveries)
        print(
            f"outbox delivery, one worker: {args.deliveries} messages at {rate:.0f} messages/s "
            f"(the loopback server received {received}); load {os.getloadavg()[0]:.1f}"
        )
    print(
        f"targets: >= {TARGET_RATE} jobs/s with 4 workers, p95 start < {TARGET_P95:.0f} s, "
        f">= {TARGET_MAIL_RATE} messages/s per worker"
    )


if __name__ == "__main__":
    main()
