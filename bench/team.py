"""Benchmark batch matching (`vadesk match`'s solver) on generated agencies.

    .venv/bin/python bench/team.py [--assistants 100] [--clients 30] [--seeds 5] [--repeat 3]

How the generated data is shaped, and why:
- Assistants speak Dutch (90 %), German (50 %) and English (70 %) at a random level, so the language rule
  removes a real share of candidates; 3-6 skills each, levels 1-5, over twelve skills (task categories plus
  free skills); 0-2 sectors of six; 4-24 free hours a week; a third answered "ask the team" for some clients.
- Clients want 2-16 hours a week with teams of 1-3 (mostly 2), one or two needs at level 2-4 and a sector:
  the mix of an agency's intake. Total demand is about half of total free hours, so the hours rule binds
  for some assistants (the popular ones) without leaving most clients unservable.
Reported per seed: the time of the whole match (candidates, scores, the exact search), the search steps,
clients served, and whether the search proved the optimum (it stops at `max_nodes` otherwise).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assistants", type=int, default=100)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--solver", choices=["auto", "search", "milp"], default="auto")
    args = parser.parse_args()
    print(
        f"batch matching: {args.assistants} assistants x {args.clients} clients, solver {args.solver}, "
        f"best of {args.repeat} runs"
    )
    medians = []
    for seed in range(args.seeds):
        assistants, clients = generate(seed, args.assistants, args.clients)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = match(assistants, clients, solver=args.solver)
            times.append(time.perf_counter() - started)
        best = min(times)
        medians.append(best)
        print(
            f"  seed {seed}: {best * 1000:8.1f} ms  steps {result.nodes:>8}  served {len(result.teams)}/{len(clients)}"
            f"  {'optimal' if result.optimal else 'NOT PROVEN (step cap hit)'}"
        )
    print(f"median over seeds: {statistics.median(medians) * 1000:.1f} ms (target < 100 ms)")


if __name__ == "__main__":
    main()
