"""Load test: concurrent people against `vadesk serve` (gunicorn) on PostgreSQL with the agency seed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load .venv/bin/python bench/load.py --reuse \
        [--levels 50,100,200] [--duration 60] [--ramp 20] [--think 10] [--workers 2] [--threads 4] [--profile]

1. Creates the database when it does not exist, and seeds the agency of issue 13 (1,000 clients, 100,000 tasks,
   1,000,000 time entries) with bench/practice.py's seeding functions (about 5 minutes), or with --reuse reuses the
   seed a previous run left (the database's name must start with `bench`: it is emptied first). Adds portal users
   for the first clients and an API token per person.
2. Starts `vadesk serve` (gunicorn, VADESK_DB_CONN_MAX_AGE=60 as deploy/vadesk.env.example) and one
   `vadesk worker` (logging time queues jobs), as in production, on a free loopback port.
3. For each level N: N simulated people (80 % assistants, 5 % the owner, 15 % clients in the portal), each on
   its own thread with its own session, signs in once (spread over --ramp seconds), then loops until the end of
   the level: one request of its role's mix, then a think time drawn uniformly from 0.5 to 1.5 × --think
   seconds. Only the requests that start inside the measured window (after the ramp, --duration seconds long)
   count; sign-ins are reported on their own line. Every request opens a new connection (as through a proxy
   that does not pool), so an idle keep-alive closed by gunicorn is never counted as an error.
4. Prints per level and per page: requests, throughput, p50/p95/p99/max and errors (any status other than the
   page's, a redirect to the sign-in, a timeout or a refused connection), with the load average and how busy
   the CPUs were (web, worker, PostgreSQL, this client).
5. With --profile: the web workers run bench/load_profile.py (cProfile around every request, one thread per worker,
   so that a profile holds one request at a time; the figures of a profiled run are not the load figures), and after
   the last level it prints, per view, the profiled time per request, and the functions of the slowest view.
Target (issue 12): p95 under 500 ms on every page and no errors at 200 people on the 2-core machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import practice  # noqa: E402  (the agency seed)

VADESK = Path(sys.executable).parent / "vadesk"
PASSWORD = "bench-password-not-used"  # practice.py's seed
PORTAL_PEOPLE = 40
TARGET_P95_MS = 500
TIMEOUT = 30.0
ROLES = (("assistant", 80), ("owner", 5), ("client", 15))
# (label, weight, kind): what each role opens, and how often relative to its other pages.
MIXES: dict[str, list[tuple[str, int]]] = {
    "assistant": [
        ("today", 3),
        ("board", 2),
        ("client page", 2),
        ("task page", 4),
        ("time sheet", 1),
        ("API tasks", 1),
        ("API time entries", 1),
        ("API log time", 1),
    ],
    "owner": [
        ("today", 2),
        ("board", 1),
        ("client page", 2),
        ("task page", 2),
        ("API tasks", 1),
        ("API time entries", 1),
    ],
    "client": [("portal home", 3), ("portal task", 1)],
}


# --- the cast: people, their ids and tokens (in this process, through Django) ------------------------


@dataclass
class Persona:
    role: str
    email: str
    token: str
    clients: list[int]
    tasks: list[int]
    loggable: list[tuple[int, int]] = field(default_factory=list)  # (engagement, task) the person may log on


def database_create(url: str) -> None:
    """The benchmark's database, created when it does not exist yet (on the server DATABASE_URL names)."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("bench"):
        sys.exit("DATABASE_URL must name a database of its own whose name starts with 'bench': it is emptied first")
    server = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created the database {name}")


def prepare(*, reuse: bool) -> dict[str, list[Persona]]:
    practice.configure()
    seeded = practice.seed_or_reuse("large", practice.SCALES["agency"], reuse=reuse)
    print(
        f"Seed: {seeded.clients:,} clients, {seeded.tasks:,} tasks, {seeded.entries:,} time entries "
        + ("(reused)" if seeded.seconds and reuse else f"({seeded.seconds:.0f} s)")
    )
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    # A queue another run left (a schedule's catch-up, kicks of logged time) is not this run's load.
    DBTaskResult.objects.all().delete()
    cast = {
        "owner": [_owner(seeded)],
        "assistant": _assistants(),
        "client": _portal_people(),
    }
    connections.close_all()
    return cast


def _token(person) -> str:
    from vadesk.accounts.services import api_token_create

    _row, secret = api_token_create(person=person, name="load")
    return secret


def _owner(seeded) -> Persona:
    from vadesk.accounts.models import Person
    from vadesk.tasks.models import Task

    owner = Person.objects.get(pk=seeded.owner_id)
    tasks = list(Task.objects.order_by("?").values_list("pk", "client_id")[:500])
    return Persona("owner", owner.email, _token(owner), [c for _t, c in tasks], [t for t, _c in tasks])


def _assistants() -> list[Persona]:
    from vadesk.accounts.models import Person
    from vadesk.clients.models import Assignment
    from vadesk.tasks.models import OPEN_STATUSES, Task

    cast = []
    for person in Person.objects.filter(email__startswith="assistant", email__endswith="@bench.example"):
        clients = list(Assignment.objects.filter(person=person).values_list("client_id", flat=True))
        tasks = list(Task.objects.filter(client__in=clients).order_by("?").values_list("pk", flat=True)[:300])
        loggable = list(
            Task.objects.filter(assignees=person, status__in=OPEN_STATUSES, engagement__isnull=False)
            .order_by("?")
            .values_list("engagement_id", "pk")[:100]
        )
        cast.append(Persona("assistant", person.email, _token(person), clients, tasks, loggable))
    return cast


def _portal_people() -> list[Persona]:
    """A portal user for each of the first PORTAL_PEOPLE clients (the seed has one, for the first)."""
    from django.contrib.auth.hashers import make_password

    from vadesk.accounts.models import Membership, Person
    from vadesk.clients.models import Client
    from vadesk.tasks.models import Task

    password = make_password(PASSWORD)
    cast = []
    for n, client in enumerate(Client.objects.order_by("pk")[:PORTAL_PEOPLE]):
        membership = Membership.objects.filter(role="client", client=client).select_related("person").first()
        if membership is None:
            person = Person.objects.create(email=f"portal{n}@load.example", full_name=f"Portal {n}", password=password)
            Membership.objects.create(
                person=person, organisation_id=client.organisation_id, role="client", client=client
            )
        else:
            person = membership.person
        tasks = list(Task.objects.filter(client=client).order_by("?").values_list("pk", flat=True)[:50])
        cast.append(Persona("client", person.email, _token(person), [client.pk], tasks))
    return cast


# --- the servers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PROFILES = practice.OUT / "load-profile"


def start_servers(
    port: int, *, workers: int, threads: int, with_worker: bool, profile: bool = False
) -> list[subprocess.Popen]:
    env = dict(os.environ)
    env.update(
        VADESK_DEBUG="false",
        VADESK_SECRET_KEY=env.get("VADESK_SECRET_KEY", "bench-only-not-a-secret"),
        VADESK_DATA_DIR=str(practice.OUT / "load"),
        VADESK_LOG_LEVEL="ERROR",
        VADESK_LOG_FORMAT="text",
        VADESK_DB_CONN_MAX_AGE=env.get("VADESK_DB_CONN_MAX_AGE", "60"),
        VADESK_SITE_URL=f"http://127.0.0.1:{port}",
    )
    env.pop("VADESK_TASK_BACKEND", None)
    log = open(practice.OUT / "load-servers.log", "a")  # noqa: SIM115  (kept open for the processes' lives)
    args = [str(VADESK), "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads)]
    if profile:
        # `vadesk serve`'s gunicorn configuration with the profiling wrapper as the application (bench only).
        subprocess.run([str(VADESK), "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
        shutil.rmtree(PROFILES, ignore_errors=True)
        env.update(
            VADESK_SERVE_BIND=f"127.0.0.1:{port}",
            VADESK_SERVE_WORKERS=str(workers),
            VADESK_SERVE_THREADS="1",
            LOAD_PROFILE_DIR=str(PROFILES),
            PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "bench")]),
        )
        args = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:vadesk.ops.gunicorn_conf",
            "load_profile:application",
        ]
    processes = [subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=log)]
    if with_worker:
        # --no-schedule: the worker runs what the requests queue (outbox kicks, webhooks); the schedule's first
        # start would fire every missed daily job (monthly reports of 1,000 clients) in the measured window.
        worker = [str(VADESK), "worker", "--no-schedule"]
        processes.append(subprocess.Popen(worker, cwd=ROOT, env=env, stdout=log, stderr=log))
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/healthz").status == 200:
                return processes
        except OSError:
            pass
        assert processes[0].poll() is None, f"vadesk serve stopped: see {practice.OUT / 'load-servers.log'}"
        time.sleep(0.5)
    raise SystemExit("vadesk serve did not answer /healthz within 3 minutes")


def stop_servers(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


# --- HTTP --------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: bytes
    location: str
    cookies: dict[str, str]


def request(port: int, method: str, path: str, headers: dict | None = None, body: bytes | None = None) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=body, headers={"Connection": "close", **(headers or {})})
        response = connection.getresponse()
        data = response.read()
        cookies = {}
        for line in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = line.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
        return Answer(response.status, data, response.getheader("Location", ""), cookies)
    finally:
        connection.close()


CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One person's session: cookies kept between requests, like a browser's."""

    def __init__(self, port: int, persona: Persona):
        self.port, self.persona, self.cookies = port, persona, {}

    def headers(self, extra: dict | None = None) -> dict:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Cookie": cookie, **(extra or {})} if cookie else dict(extra or {})

    def get(self, path: str, headers: dict | None = None) -> Answer:
        answer = request(self.port, "GET", path, self.headers(headers))
        self.cookies.update(answer.cookies)
        return answer

    def sign_in(self) -> bool:
        page = self.get("/login/")
        token = CSRF_FIELD.search(page.body)
        if page.status != 200 or token is None:
            return False
        form = urllib.parse.urlencode(
            {"username": self.persona.email, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1).decode()}
        )
        origin = f"http://127.0.0.1:{self.port}"
        answer = request(
            self.port,
            "POST",
            "/login/",
            self.headers(
                {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin, "Referer": origin + "/login/"}
            ),
            form.encode(),
        )
        self.cookies.update(answer.cookies)
        return answer.status == 302 and "/login/" not in answer.location

    def api(self, method: str, path: str, payload: dict | None = None) -> Answer:
        headers = {"Authorization": f"Bearer {self.persona.token}", "Accept": "application/json"}
        body = None
        if payload is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(payload).encode()
        return request(self.port, method, path, headers, body)


def open_page(browser: Browser, label: str, rng: random.Random) -> bool:
    """One request of the mix; True when it answered as the page should."""
    persona = browser.persona
    if label == "today":
        return browser.get("/today/").status == 200
    if label == "board":
        return browser.get("/tasks/").status == 200
    if label == "client page":
        return browser.get(f"/clients/{rng.choice(persona.clients)}/").status == 200
    if label == "task page":
        return browser.get(f"/tasks/{rng.choice(persona.tasks)}/").status == 200
    if label == "time sheet":
        return browser.get("/timesheet/").status == 200
    if label == "portal home":
        return browser.get("/portal/").status == 200
    if label == "portal task":
        return browser.get(f"/portal/tasks/{rng.choice(persona.tasks)}/").status in (200, 404)
    if label == "API tasks":
        query = "?assignee=me" if persona.role == "assistant" else ""
        return browser.api("GET", f"/api/v1/tasks{query}").status == 200
    if label == "API time entries":
        query = "?person=me" if persona.role == "assistant" else ""
        return browser.api("GET", f"/api/v1/time-entries{query}").status == 200
    if label == "API log time":
        engagement, task = rng.choice(persona.loggable)
        payload = {"engagement": engagement, "task": task, "work_date": date.today().isoformat(), "minutes": 15}
        return browser.api("POST", "/api/v1/time-entries", payload | {"note": "load test"}).status == 201
    raise ValueError(label)


# --- one level -----------------------------------------------------------------------------------------


@dataclass
class Sample:
    label: str
    started: float
    ms: float
    ok: bool
    error: str = ""


def person_loop(
    browser: Browser,
    *,
    sign_in_at: float,
    window: tuple[float, float],
    think: float,
    rng: random.Random,
    out: list[Sample],
) -> None:
    time.sleep(max(0.0, sign_in_at - time.monotonic()))
    mix = MIXES[browser.persona.role]
    labels, weights = [m[0] for m in mix], [m[1] for m in mix]
    started = time.monotonic()
    try:
        ok, error = browser.sign_in(), ""
    except OSError as exc:
        ok, error = False, type(exc).__name__
    out.append(Sample("sign in", started, (time.monotonic() - started) * 1000, ok, error or ("" if ok else "refused")))
    if not ok:
        return
    while (now := time.monotonic()) < window[1]:
        label = rng.choices(labels, weights)[0]
        try:
            ok, error = open_page(browser, label, rng), ""
        except (OSError, http.client.HTTPException) as exc:
            ok, error = False, type(exc).__name__
        if now >= window[0]:
            out.append(Sample(label, now, (time.monotonic() - now) * 1000, ok, error or ("" if ok else "status")))
        time.sleep(min(think * rng.uniform(0.5, 1.5), max(0.0, window[1] - time.monotonic())))


def cast_for(level: int, cast: dict[str, list[Persona]]) -> list[Persona]:
    people, total = [], sum(w for _r, w in ROLES)
    for role, weight in ROLES:
        count = max(1, round(level * weight / total))
        people += [cast[role][n % len(cast[role])] for n in range(count)]
    return people[:level]


def cpu_ticks(database: str) -> dict:
    """The machine's busy and total CPU ticks, and each process's ticks with its kind (from /proc)."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    processes = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ")
        except OSError:
            continue
        if int(entry.name) == os.getpid():
            kind = "client"
        elif b"gunicorn" in command:
            kind = "web"
        elif b"vadesk worker" in command:
            kind = "worker"
        elif command.startswith(b"postgres:") and f" {database} ".encode() in command:
            kind = "postgres"
        else:
            kind = "other"
        processes[int(entry.name)] = (kind, int(parts[11]) + int(parts[12]))
    return {"all": sum(fields[:8]), "busy": sum(fields[:8]) - fields[3] - fields[4], "processes": processes}


def cpu_used(before: dict, after: dict) -> dict[str, int]:
    """Ticks per kind between two samples; a process that ended in between is not counted (the machine's busy
    total still is)."""
    used = {"web": 0, "worker": 0, "postgres": 0, "client": 0, "all": after["all"] - before["all"]}
    used["busy"] = after["busy"] - before["busy"]
    for pid, (kind, ticks) in after["processes"].items():
        if kind in used:
            used[kind] += ticks - before["processes"].get(pid, (kind, 0))[1]
    return used


def profile_report() -> None:
    """Per view: requests profiled and profiled ms per request; then the slowest view's functions (cumulative)."""
    import pstats
    from collections import defaultdict

    files: dict[str, list[str]] = defaultdict(list)
    for path in sorted(PROFILES.glob("*.prof")):
        files[path.name.split(".")[0]].append(str(path))
    if not files:
        print("no profiles were written (see bench/out/load-servers.log)")
        return
    per_view = {}
    for view, paths in files.items():
        stats = pstats.Stats(*paths)
        # Django's BaseHandler.get_response: once per request, the whole request inside it.
        [(calls, total)] = [
            (n, ct)
            for (path, _l, name), (_cc, n, _tt, ct, _c) in stats.stats.items()  # type: ignore[attr-defined]
            if name == "get_response" and path.endswith(os.path.join("handlers", "base.py"))
        ] or [(0, 0.0)]
        per_view[view] = (calls, 1000 * total / max(1, calls), stats)
    print(f"\nprofile (cProfile, one thread per web worker): {'view':<34} {'requests':>8} {'ms each':>8}")
    for view, (calls, ms, _stats) in sorted(per_view.items(), key=lambda item: -item[1][1]):
        print(f"  {view:<34} {calls:>8} {ms:>8.0f}")
    slowest = max(per_view, key=lambda view: per_view[view][1])
    print(f"\nthe slowest view, {slowest}: functions by cumulative time")
    per_view[slowest][2].sort_stats("cumulative").print_stats(35)


def run_level(port: int, level: int, cast, *, duration: float, ramp: float, think: float) -> dict:
    rng = random.Random(level)
    people = cast_for(level, cast)
    start = time.monotonic() + 1
    window = (start + ramp + think, start + ramp + think + duration)
    out: list[Sample] = []
    threads = [
        threading.Thread(
            target=person_loop,
            args=(Browser(port, persona),),
            kwargs=dict(
                sign_in_at=start + ramp * n / level,
                window=window,
                think=think,
                rng=random.Random(rng.random()),
                out=out,
            ),
            daemon=True,
        )
        for n, persona in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, window[0] - time.monotonic()))
    database = os.environ["DATABASE_URL"].rstrip("/").rsplit("/", 1)[-1]
    before = cpu_ticks(database)
    time.sleep(max(0.0, window[1] - time.monotonic()))
    after = cpu_ticks(database)
    load = os.getloadavg()
    for thread in threads:
        thread.join(timeout=TIMEOUT + think * 2)
    used = cpu_used(before, after)
    return {"level": level, "samples": list(out), "cpu": used, "load": load, "duration": duration}


# --- reporting -------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def report(result: dict) -> None:
    samples, level, duration = result["samples"], result["level"], result["duration"]
    pages = [s for s in samples if s.label != "sign in"]
    cpu = result["cpu"]
    cores = os.cpu_count() or 1
    busy = 100 * cpu["busy"] / max(1, cpu["all"])
    share = {k: 100 * cpu[k] / max(1, cpu["all"]) * cores for k in ("web", "worker", "postgres", "client")}
    share["other"] = 100 * cpu["busy"] / max(1, cpu["all"]) * cores - sum(share.values())
    print(
        f"\n{level} people: {len(pages) / duration:.1f} requests/s, "
        f"{sum(not s.ok for s in pages)} errors of {len(pages)}, load average {result['load'][0]:.2f}, "
        f"CPUs {busy:.0f} % busy; in % of one core: web {share['web']:.0f}, worker {share['worker']:.0f}, "
        f"PostgreSQL {share['postgres']:.0f}, this client {share['client']:.0f}, "
        f"everything else on the machine {share['other']:.0f}"
    )
    header = f"  {'page':<18} {'requests':>8} {'per s':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'errors':>6}"
    print(header)
    labels = sorted({s.label for s in samples}, key=lambda x: (x == "sign in", x))
    for label in [*labels, "all pages"]:
        rows = pages if label == "all pages" else [s for s in samples if s.label == label]
        if not rows:
            continue
        ms = [s.ms for s in rows]
        errors = [s for s in rows if not s.ok]
        kinds = ",".join(sorted({s.error for s in errors}))
        verdict = "" if label == "sign in" or percentile(ms, 95) < TARGET_P95_MS else "  SLOW"
        rate = "" if label == "sign in" else f"{len(rows) / duration:>6.1f}"
        print(
            f"  {label:<18} {len(rows):>8} {rate:>6} {percentile(ms, 50):>5.0f}ms {percentile(ms, 95):>5.0f}ms "
            f"{percentile(ms, 99):>5.0f}ms {max(ms):>5.0f}ms {len(errors):>6}{' ' + kinds if kinds else ''}{verdict}"
        )
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="50,100,200", help="concurrent people per level (default 50,100,200)")
    parser.add_argument("--duration", type=float, default=60, help="measured seconds per level (default 60)")
    parser.add_argument("--ramp", type=float, default=20, help="seconds over which a level's people sign in")
    parser.add_argument("--think", type=float, default=10, help="mean think time between requests, in seconds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--no-worker", action="store_true", help="do not start a `vadesk worker` beside the web")
    parser.add_argument("--reuse", action="store_true", help="reuse the seed a previous run left")
    parser.add_argument("--port", type=int, help="use a `vadesk serve` already listening here (started by hand)")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile every request per view (bench/load_profile.py), then report"
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database whose name starts with 'bench'")
    database_create(os.environ["DATABASE_URL"])
    cast = prepare(reuse=args.reuse)
    port = args.port or free_port()
    processes = (
        []
        if args.port
        else start_servers(
            port, workers=args.workers, threads=args.threads, with_worker=not args.no_worker, profile=args.profile
        )
    )
    print(
        f"vadesk serve on 127.0.0.1:{port}: {args.workers} workers × {1 if args.profile else args.threads} threads"
        f"{' (profiled)' if args.profile else ''}"
        f"{'' if args.no_worker else ', one vadesk worker'}; Python {platform.python_version()}, {os.cpu_count()} CPUs; "
        f"think time {args.think * 0.5:g}-{args.think * 1.5:g} s, {args.duration:g} s measured per level after a "
        f"{args.ramp:g} s ramp; load average before {' / '.join(f'{v:.2f}' for v in os.getloadavg())}"
    )
    failed = False
    try:
        levels = [int(n) for n in args.levels.split(",")]
        for level in levels:
            result = run_level(port, level, cast, duration=args.duration, ramp=args.ramp, think=args.think)
            report(result)
            pages = [s for s in result["samples"] if s.label != "sign in"]
            failed |= any(not s.ok for s in result["samples"])
            failed |= any(
                percentile([s.ms for s in pages if s.label == label], 95) >= TARGET_P95_MS
                for label in {s.label for s in pages}
            )
    finally:
        stop_servers(processes)
    if args.profile:
        profile_report()
    print(f"\ntarget at 200 people: p95 < {TARGET_P95_MS} ms on every page, no errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
