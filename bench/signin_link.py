"""Benchmark the sign-in link request: does the answer take longer for an address that has a portal account?

    .venv/bin/python bench/signin_link.py [--rounds 200]

An address with an account costs one more row (the link) and an outbox message; an unknown one only the counted
request. A gap that a caller can measure over the network would tell which addresses exist, so this prints the
median and p95 time of the whole POST through Django's test client for a known and an unknown address, in rounds
that alternate the two, each from its own client address so the rate limit stays out of the way.
Nothing is asserted; the figures are for docs/security.md. SQLite in a scratch directory (bench/out/signin_link).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "signin_link"


def configure() -> None:
    sys.path.insert(0, str(ROOT))
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["VADESK_DATA_DIR"] = str(OUT)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("VADESK_DEBUG", "false")
    os.environ.setdefault("VADESK_SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("VADESK_LOG_LEVEL", "ERROR")
    os.environ["VADESK_SIGNIN_LINK_ACCOUNT_REQUESTS"] = "1000000"  # the limit is not what is measured
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    configure()
    from django.test import Client as Browser

    from vadesk.accounts.models import Membership, Organisation, Person
    from vadesk.clients.models import Client

    organisation = Organisation.objects.create(name="Bench & Co")
    client = Client.objects.create(organisation=organisation, name="Bench klant")
    person = Person.objects.create_user("klant@bench.example", None, full_name="Bench Klant", language="nl")
    Membership.objects.create(person=person, organisation=organisation, role="client", client=client)
    browser = Browser()
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    for n in range(rounds + 10):
        for kind, email in (("known", person.email), ("unknown", f"nobody{n}@bench.example")):
            start = time.perf_counter()
            response = browser.post("/portal/sign-in/", {"email": email}, REMOTE_ADDR=f"10.{n // 250}.{n % 250}.1")
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 302, response.status_code
            if n >= 10:  # warm-up rounds left out
                times[kind].append(elapsed)
    for kind, values in times.items():
        print(
            f"{kind:>8} address: median {statistics.median(values):6.2f} ms, p95 {p95(values):6.2f} ms ({rounds} requests)"
        )
    gap = statistics.median(times["known"]) - statistics.median(times["unknown"])
    print(f"     gap: {gap:+.2f} ms (median, known less unknown)")


if __name__ == "__main__":
    main()
