"""Benchmark password hashing for sign-in: one hash's time and memory, and sign-ins per second under a storm.

    .venv/bin/python bench/signin.py [--storm 40] [--threads 16] [--memory-kib 19456 65536 102400]

1. For each memory cost (time cost and lanes from the settings, or Django's 100 MiB / 8 lanes for comparison):
   the median and p95 time of one verify, measured 15 times.
2. A storm: --storm sign-ins started at once from --threads threads through vadesk's hasher (with its per-process
   semaphore, PASSWORD_HASH_CONCURRENCY), printing sign-ins per second, the median and p95 wait of a sign-in, and
   how long a page-sized piece of CPU work (a 5 ms loop, what a page costs without the database) took meanwhile:
   the semaphore keeps that close to its quiet figure, since hashing never takes more than its slots.
Nothing is asserted; the figures are printed for docs/security.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

import argon2  # noqa: E402
from django.conf import settings  # noqa: E402

from vadesk.accounts.hashers import Argon2PasswordHasher  # noqa: E402

PASSWORD = "correct horse battery staple"


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def one_hash(memory_kib: int, time_cost: int, lanes: int, repeat: int = 15) -> list[float]:
    hasher = argon2.PasswordHasher(memory_cost=memory_kib, time_cost=time_cost, parallelism=lanes)
    encoded = hasher.hash(PASSWORD)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        hasher.verify(encoded, PASSWORD)
        times.append(time.perf_counter() - start)
    return times


def page_work() -> float:
    start = time.perf_counter()
    deadline = start + 0.005
    while time.perf_counter() < deadline:
        pass
    return time.perf_counter() - start


def storm(count: int, threads: int) -> None:
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode(PASSWORD, hasher.salt())
    waits: list[float] = []
    pages: list[float] = []
    queue = list(range(count))
    lock = threading.Lock()
    done = threading.Event()

    def sign_in() -> None:
        while True:
            with lock:
                if not queue:
                    return
                queue.pop()
            start = time.perf_counter()
            assert hasher.verify(PASSWORD, encoded)
            waits.append(time.perf_counter() - start)

    def pages_meanwhile() -> None:
        while not done.is_set():
            pages.append(page_work())
            time.sleep(0.02)

    quiet = statistics.median(page_work() for _ in range(50))
    watcher = threading.Thread(target=pages_meanwhile)
    watcher.start()
    start = time.perf_counter()
    workers = [threading.Thread(target=sign_in) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - start
    done.set()
    watcher.join()
    print(
        f"storm: {count} sign-ins from {threads} threads, {settings.PASSWORD_HASH_CONCURRENCY} hashing at once: "
        f"{count / elapsed:.1f} sign-ins/s, wait median {statistics.median(waits) * 1000:.0f} ms, "
        f"p95 {p95(waits) * 1000:.0f} ms; a 5 ms piece of page work took median "
        f"{statistics.median(pages) * 1000:.1f} ms, p95 {p95(pages) * 1000:.1f} ms (quiet: {quiet * 1000:.1f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storm", type=int, default=40)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--memory-kib", type=int, nargs="+", default=[settings.ARGON2_MEMORY_KIB, 65536])
    parser.add_argument("--skip-single", action="store_true", help="only the storms")
    args = parser.parse_args()
    print(
        f"cores: {os.cpu_count()}; settings: m={settings.ARGON2_MEMORY_KIB} KiB, t={settings.ARGON2_TIME_COST}, "
        f"p={settings.ARGON2_PARALLELISM}"
    )
    for memory in [] if args.skip_single else args.memory_kib:
        times = one_hash(memory, settings.ARGON2_TIME_COST, settings.ARGON2_PARALLELISM)
        print(
            f"one verify m={memory} KiB t={settings.ARGON2_TIME_COST} p={settings.ARGON2_PARALLELISM}: "
            f"median {statistics.median(times) * 1000:.1f} ms, p95 {p95(times) * 1000:.1f} ms"
        )
    if not args.skip_single:
        times = one_hash(102400, 2, 8)
        print(
            f"Django's default (m=102400 KiB t=2 p=8): median {statistics.median(times) * 1000:.1f} ms, "
            f"p95 {p95(times) * 1000:.1f} ms"
        )
    storm(args.storm, args.threads)
    # For comparison: no limit worth the name (every thread hashes at once).
    settings.PASSWORD_HASH_CONCURRENCY = args.threads
    storm(args.storm, args.threads)


if __name__ == "__main__":
    main()
