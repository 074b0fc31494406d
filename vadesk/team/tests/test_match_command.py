"""`vadesk match`: the exact contract of issue 14, checked against a brute-force optimum."""

from __future__ import annotations

import io
import itertools
import json
import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from vadesk.team import matching
from vadesk.team.case import CaseError, parse, run

ROOT = Path(__file__).resolve().parents[3]
WORKING = {"native", "fluent", "working"}
SKILLS = ("agenda", "bookkeeping", "mail", "events", "HR")
LANGS = ("nl", "de", "en")


def generated_case(seed: int) -> dict:
    rng = random.Random(seed)
    assistants = []
    n_clients = rng.randint(1, 4)
    client_ids = [f"c{i}" for i in range(1, n_clients + 1)]
    for i in range(1, rng.randint(1, 6) + 1):
        assistants.append(
            {
                "id": f"a{i}",
                "languages": {
                    lang: rng.choice(matching.LANGUAGE_LEVELS) for lang in rng.sample(LANGS, rng.randint(1, 3))
                },
                "skills": {s: rng.randint(1, 5) for s in rng.sample(SKILLS, rng.randint(0, 4))},
                "sectors": rng.sample(["medical", "legal", "events", "retail"], rng.randint(0, 2)),
                "free_hours_per_week": rng.choice([0, 2, 4, 5, 6, 8, 10, 12, 20, 7.5, 3.3]),
                "interest": {c: rng.choice(matching.INTEREST_ANSWERS) for c in client_ids if rng.random() < 0.4},
            }
        )
    clients = []
    for cid in client_ids:
        clients.append(
            {
                "id": cid,
                "language": rng.choice(LANGS),
                "needs": {s: rng.randint(1, 5) for s in rng.sample(SKILLS, rng.randint(0, 2))},
                "sector": rng.choice(["medical", "legal", "events", "retail", None]),
                "hours_per_week": rng.choice([2, 4, 6, 8, 10, 12, 16, 10.0 / 3 * 3, 5.5]),
                "team_size": rng.choice([1, 1, 2, 2, 3]),
            }
        )
    return {"assistants": assistants, "clients": clients}


SLACK = Fraction(1, 10**9)  # the contract's exact arithmetic, tolerant of floats such as 10 / 3


def hours(value) -> Fraction:
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def brute_force(case: dict, scores: dict) -> tuple[int, float]:
    """The best (clients served, score sum) over every combination of teams, straight from the rules."""
    by_id = {a["id"]: a for a in case["assistants"]}
    options = []
    for client in case["clients"]:
        share = hours(client["hours_per_week"]) / client["team_size"]
        teams: list[tuple[str, ...] | None] = [None]
        for team in itertools.combinations(by_id, client["team_size"]):
            if any(by_id[a]["languages"].get(client["language"]) not in WORKING for a in team):
                continue
            if all(any(by_id[a]["skills"].get(s, 0) >= lvl for a in team) for s, lvl in client["needs"].items()):
                teams.append(team)
        options.append((client, share, teams))
    best = (-1, 0.0)
    for combo in itertools.product(*(teams for _, _, teams in options)):
        load: dict[str, Fraction] = {}
        served, total = 0, 0.0
        for (client, share, _), team in zip(options, combo, strict=True):
            if team is None:
                continue
            served += 1
            for a in team:
                load[a] = load.get(a, Fraction(0)) + share
                total += scores[client["id"]].get(a, 0.0)
        if all(load[a] <= hours(by_id[a]["free_hours_per_week"]) + SLACK for a in load):
            best = max(best, (served, total))
    return best


def check_answer(case: dict, answer: dict) -> tuple[int, float]:
    """Every promise of the contract about one answer; returns its (served, score sum)."""
    by_id = {a["id"]: a for a in case["assistants"]}
    clients = {c["id"]: c for c in case["clients"]}
    assert set(answer) == {"teams", "unassigned", "scores", "reasons"}
    assert set(answer["teams"]) | set(answer["unassigned"]) == set(clients)
    assert not set(answer["teams"]) & set(answer["unassigned"])
    for cid, client in clients.items():
        share = hours(client["hours_per_week"]) / client["team_size"]
        alone = {
            a
            for a, raw in by_id.items()
            if raw["languages"].get(client["language"]) in WORKING
            and hours(raw["free_hours_per_week"]) + SLACK >= share
        }
        assert set(answer["scores"][cid]) == alone
        assert set(answer["reasons"][cid]) == alone
        for a in alone:
            assert answer["scores"][cid][a] == sum(r["points"] for r in answer["reasons"][cid][a])
    load: dict[str, Fraction] = {}
    total = 0.0
    for cid, team in answer["teams"].items():
        client = clients[cid]
        assert len(team) == len(set(team)) == client["team_size"]
        assert all(a in answer["scores"][cid] for a in team)
        for skill, level in client["needs"].items():
            assert any(by_id[a]["skills"].get(skill, 0) >= level for a in team), (cid, skill)
        for a in team:
            load[a] = load.get(a, Fraction(0)) + hours(client["hours_per_week"]) / client["team_size"]
            total += answer["scores"][cid][a]
    for a, carried in load.items():
        assert carried <= hours(by_id[a]["free_hours_per_week"]) + SLACK, a
    return len(answer["teams"]), total


@pytest.mark.parametrize("block", range(10))
def test_it_finds_the_brute_force_optimum_on_generated_cases(block):
    for seed in range(block * 25, block * 25 + 25):  # 250 cases in all
        case = generated_case(seed)
        answer = run(json.dumps(case)).as_json()
        assert check_answer(case, answer) == brute_force(case, answer["scores"]), seed


@pytest.mark.parametrize("solver", ["search", "milp"])
def test_each_solver_on_its_own_finds_the_brute_force_optimum(solver):
    for seed in range(250):
        case = generated_case(seed)
        result = matching.match(*parse(case), solver=solver)
        assert result.optimal
        answer = result.as_json()
        assert check_answer(case, answer) == brute_force(case, answer["scores"]), (solver, seed)


def test_the_integer_programme_told_every_client_is_served_finds_the_optimum():
    """When the search has found teams for every client that can have one, the integer programme skips its first
    solve ("the most clients served"): on every generated case whose optimum serves them all, it still finds the
    brute force's best score."""
    checked = 0
    for seed in range(250):
        case = generated_case(seed)
        assistants, clients = parse(case)
        scores = matching.match(assistants, clients).as_json()["scores"]
        served, best = brute_force(case, scores)
        cands = {c.id: matching.candidates(assistants, c) for c in clients}
        order = [c for c in clients if matching._Teams(c, cands[c.id]).get(0) is not None]
        if served != len(order) or not order:
            continue
        picked = matching._milp(assistants, order, cands, all_served=True)
        assert picked is not None and len(picked) == served, seed
        assert sum(cands[cid][j].score for cid, team in picked.items() for j in team) == best, seed
        checked += 1
    assert checked > 50, checked


def test_generated_cases_are_not_trivial():
    """The generator must produce cases where capacity and needs decide, or the comparison proves little."""
    partly, several = 0, 0
    for seed in range(250):
        case = generated_case(seed)
        answer = run(json.dumps(case)).as_json()
        partly += bool(answer["teams"]) and bool(answer["unassigned"])
        several += len(answer["teams"]) >= 2
    assert partly > 30 and several > 15


def test_the_issue_example():
    case = {
        "assistants": [
            {
                "id": "a1",
                "languages": {"nl": "native", "de": "working"},
                "skills": {"agenda": 4, "bookkeeping": 2},
                "sectors": ["medical"],
                "free_hours_per_week": 12,
                "interest": {"c1": "yes"},
            },
            {"id": "a2", "languages": {"de": "basic"}, "skills": {"agenda": 5}, "free_hours_per_week": 40},
            {"id": "a3", "languages": {"de": "native"}, "free_hours_per_week": 3},
        ],
        "clients": [
            {
                "id": "c1",
                "language": "de",
                "needs": {"agenda": 3},
                "sector": "medical",
                "hours_per_week": 6,
                "team_size": 2,
            },
            {"id": "c2", "language": "de", "needs": {"agenda": 3}, "hours_per_week": 6, "team_size": 2},
        ],
    }
    answer = run(json.dumps(case)).as_json()
    assert answer["teams"] == {"c1": ["a1", "a3"]}
    assert answer["unassigned"] == ["c2"]
    assert set(answer["scores"]["c1"]) == {"a1", "a3"}  # a2 speaks basic German only
    assert answer["scores"]["c1"]["a1"] == 10 + 15 + 20 + 15  # working German, agenda 4 for 3, sector, yes
    assert {r["criterion"] for r in answer["reasons"]["c1"]["a1"]} == {"language", "skill", "sector", "interest"}


def test_three_shares_of_a_third_fit_exactly():
    case = {
        "assistants": [{"id": f"a{i}", "languages": {"nl": "native"}, "free_hours_per_week": 10} for i in range(3)],
        "clients": [{"id": f"c{i}", "language": "nl", "hours_per_week": 10, "team_size": 3} for i in range(3)],
    }
    answer = run(json.dumps(case)).as_json()
    assert len(answer["teams"]) == 3
    case = {
        "assistants": [{"id": "a", "languages": {"nl": "native"}, "free_hours_per_week": 10}],
        "clients": [{"id": f"c{i}", "language": "nl", "hours_per_week": 10 / 3, "team_size": 1} for i in range(3)],
    }
    answer = run(json.dumps(case)).as_json()
    assert len(answer["teams"]) == 3


def test_serving_more_clients_beats_a_higher_score():
    case = {
        "assistants": [
            {"id": "star", "languages": {"nl": "native"}, "sectors": ["medical"], "free_hours_per_week": 8},
        ],
        "clients": [
            {"id": "big", "language": "nl", "sector": "medical", "hours_per_week": 8},
            {"id": "small1", "language": "nl", "hours_per_week": 4},
            {"id": "small2", "language": "nl", "hours_per_week": 4},
        ],
    }
    answer = run(json.dumps(case)).as_json()
    assert answer["unassigned"] == ["big"]
    assert sorted(answer["teams"]) == ["small1", "small2"]


BAD = [
    ({"assistants": [{"id": "a", "languages": {"nl": "superb"}, "free_hours_per_week": 1}]}, "unknown level"),
    ({"assistants": [{"id": "a", "skills": {"agenda": 6}, "free_hours_per_week": 1}]}, "unknown level"),
    ({"assistants": [{"id": "a", "skills": {"agenda": 0}, "free_hours_per_week": 1}]}, "unknown level"),
    ({"clients": [{"id": "c", "language": "nl", "needs": {"agenda": "high"}, "hours_per_week": 1}]}, "unknown level"),
    ({"assistants": [{"id": "a", "free_hours_per_week": -1}]}, "negative"),
    ({"clients": [{"id": "c", "language": "nl", "hours_per_week": -0.5}]}, "negative"),
    ({"assistants": [{"id": "a", "free_hours_per_week": 1}, {"id": "a", "free_hours_per_week": 2}]}, "duplicate id"),
    ({"clients": [{"id": "c", "language": "nl", "hours_per_week": 1}] * 2}, "duplicate id"),
    ({"clients": [{"id": "c", "language": "nl", "hours_per_week": 1, "team_size": 0}]}, "team_size"),
    ({"clients": [{"id": "c", "language": "nl", "hours_per_week": 1, "team_size": -2}]}, "team_size"),
    ({"clients": [{"id": "c", "language": "nl", "hours_per_week": 1, "team_size": 1.5}]}, "team_size"),
    ({"assistants": [{"id": "a", "free_hours_per_week": "12"}]}, "number"),
    ({"assistants": [{"id": "a"}]}, "number"),
    ({"assistants": [{"id": "a", "free_hours_per_week": 1, "interest": {"c": "perhaps"}}]}, "unknown answer"),
    ({"assistants": [{"free_hours_per_week": 1}]}, "id"),
    ([], "JSON object"),
]


@pytest.mark.parametrize(("case", "message"), BAD)
def test_bad_input_is_refused_with_a_clear_message(case, message, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(case)))
    with pytest.raises(CommandError, match=message):
        call_command("match", "-", stdout=io.StringIO())


def test_non_finite_hours_and_broken_json_are_refused():
    with pytest.raises(CaseError, match="finite"):
        run('{"assistants": [{"id": "a", "free_hours_per_week": NaN}]}')
    with pytest.raises(CaseError, match="not valid JSON"):
        run('{"assistants": [')


@pytest.mark.slow
def test_the_command_exits_non_zero_with_the_message_on_stderr(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"clients": [{"id": "c", "language": "nl", "hours_per_week": 1, "team_size": 0}]}))
    done = subprocess.run(
        [sys.executable, "manage.py", "match", str(bad)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "team_size" in done.stderr and done.stdout == ""
    good = tmp_path / "good.json"
    good.write_text(json.dumps(generated_case(7)))
    done = subprocess.run(
        [sys.executable, "manage.py", "match", "-"],
        cwd=ROOT,
        input=good.read_text(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    check_answer(generated_case(7), json.loads(done.stdout))
