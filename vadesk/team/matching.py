"""Matching assistants to clients: pure functions over dataclasses (issue 14, `vadesk match`).

Rules (the contract of `vadesk match`):
- an assistant may join a client's team only when they speak the client's language at `working` or better;
- a team has exactly `team_size` members who together cover every need (for each need, one member with
  that skill at the required level or higher);
- each member carries `hours_per_week / team_size` of the client, and an assistant's carried hours over all
  clients must not exceed their `free_hours_per_week` (exact arithmetic: hours are Fractions, so three
  shares of 10/3 fit in 10 hours);
- an assistant's score for a client is the sum of the points of their reasons, and depends on the pair only;
- the chosen teams first maximise the number of clients served, then the sum of the members' scores.

The optimum is found by a depth-first branch and bound over the clients: for each client either one of its
possible teams (generated lazily in order of falling team score) or "not served". The bound for the clients
still open is, per client on its own, 1 served and its best team that fits the hours left (0 when none can),
so a branch is cut only when it cannot beat the best solution found. When the search has not proven its
answer within `max_nodes` steps (large batches, where several clients compete for the same assistants), the
same problem is solved as a 0-1 integer programme with scipy's HiGHS to a gap of zero, with whole-number
data, and the answer checked again in exact arithmetic. Both solvers are tested against a brute force.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

LANGUAGE_LEVELS = ("native", "fluent", "working", "basic")  # best first
WORKING_LEVELS = frozenset({"native", "fluent", "working"})
INTEREST_ANSWERS = ("yes", "maybe", "no")
SKILL_LEVELS = range(1, 6)

# Points per criterion. Whole numbers, so that a float sum of reasons is exact.
LANGUAGE_POINTS = {"native": 30, "fluent": 20, "working": 10}
SKILL_MET_POINTS = 10  # a need met at the required level
SKILL_EXTRA_POINTS = 5  # per level above the required one
SKILL_SHORT_POINTS = -5  # per level short of the required one (a colleague in the team may cover it)
SECTOR_POINTS = 20
INTEREST_POINTS = {"yes": 15, "maybe": 5, "no": -15}
EXPERIENCE_POINTS_PER_10_HOURS = 2  # hours logged on clients of the same sector (used by the app, not the case)
EXPERIENCE_MAX_POINTS = 20
REGION_POINTS = 10  # same region when the client expects on-site work (used by the app, not the case)
# Hours are compared exactly, with this much slack for input written as a rounded float (10/3 as
# 3.3333333333333335, three of which exceed 10 by 5e-16): far below any real quarter of an hour.
HOURS_SLACK = Fraction(1, 10**9)
SCAN = 25  # teams looked at per open client for the search's bound (more: tighter bound, dearer nodes)


@dataclass(frozen=True)
class Assistant:
    id: str
    languages: dict[str, str] = field(default_factory=dict)
    skills: dict[str, int] = field(default_factory=dict)
    sectors: frozenset[str] = frozenset()
    free_hours_per_week: Fraction = Fraction(0)
    interest: dict[str, str] = field(default_factory=dict)
    region: str = ""
    sector_hours: dict[str, Fraction] = field(default_factory=dict)  # hours logged on clients per sector


@dataclass(frozen=True)
class Client:
    id: str
    language: str
    needs: dict[str, int] = field(default_factory=dict)
    sector: str = ""
    hours_per_week: Fraction = Fraction(0)
    team_size: int = 1
    region: str = ""
    on_site: bool = False

    @cached_property
    def share(self) -> Fraction:
        """The hours per week each member of the team carries."""
        return self.hours_per_week / self.team_size


@dataclass(frozen=True)
class Reason:
    criterion: str  # language, skill, sector, experience, region, interest
    points: int
    subject: str = ""  # the language, skill or sector it is about
    level: str = ""  # the assistant's level or answer
    required: str = ""  # what the client needs, when that matters

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"criterion": self.criterion, "points": float(self.points)}
        if self.subject:
            out["subject"] = self.subject
        return out


@dataclass(frozen=True)
class Candidate:
    assistant: Assistant
    reasons: tuple[Reason, ...]
    score: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "score", sum(reason.points for reason in self.reasons))


@dataclass(frozen=True)
class Result:
    teams: dict[str, list[str]]
    unassigned: list[str]
    candidates: dict[str, list[Candidate]]  # per client, the individually eligible assistants, best first
    optimal: bool = True
    nodes: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "teams": self.teams,
            "unassigned": self.unassigned,
            "scores": {
                client: {c.assistant.id: float(c.score) for c in candidates}
                for client, candidates in self.candidates.items()
            },
            "reasons": {
                client: {c.assistant.id: [r.as_json() for r in c.reasons] for c in candidates}
                for client, candidates in self.candidates.items()
            },
        }


def speaks(assistant: Assistant, language: str) -> bool:
    return assistant.languages.get(language) in WORKING_LEVELS


def eligible(assistant: Assistant, client: Client) -> bool:
    """Could join the client's team on their own: the language, and room for one share."""
    return speaks(assistant, client.language) and assistant.free_hours_per_week + HOURS_SLACK >= client.share


def reasons(assistant: Assistant, client: Client) -> tuple[Reason, ...]:
    """The points per criterion for one assistant and one client; the score is their sum."""
    found: list[Reason] = []
    level = assistant.languages.get(client.language, "")
    if level in LANGUAGE_POINTS:
        found.append(Reason("language", LANGUAGE_POINTS[level], client.language, level))
    for skill, required in sorted(client.needs.items()):
        have = assistant.skills.get(skill, 0)
        if have >= required:
            points = SKILL_MET_POINTS + SKILL_EXTRA_POINTS * (have - required)
        else:
            points = SKILL_SHORT_POINTS * (required - have)
        found.append(Reason("skill", points, skill, str(have), str(required)))
    if client.sector and client.sector in assistant.sectors:
        found.append(Reason("sector", SECTOR_POINTS, client.sector))
    logged = assistant.sector_hours.get(client.sector, Fraction(0)) if client.sector else Fraction(0)
    if logged > 0:
        points = min(EXPERIENCE_MAX_POINTS, int(logged // 10) * EXPERIENCE_POINTS_PER_10_HOURS)
        if points:
            found.append(Reason("experience", points, client.sector, str(int(logged))))
    if client.on_site and client.region and assistant.region == client.region:
        found.append(Reason("region", REGION_POINTS, client.region))
    answer = assistant.interest.get(client.id)
    if answer in INTEREST_POINTS:
        found.append(Reason("interest", INTEREST_POINTS[answer], "", answer))
    return tuple(found)


def candidates(assistants: Sequence[Assistant], client: Client) -> list[Candidate]:
    """The assistants who could join the client's team on their own, best score first (ties: input order)."""
    found = [Candidate(a, reasons(a, client)) for a in assistants if eligible(a, client)]
    return sorted(found, key=lambda c: -c.score)  # sorted() is stable: ties keep the input order


def covers(members: Sequence[Assistant], needs: dict[str, int]) -> bool:
    return all(any(m.skills.get(skill, 0) >= level for m in members) for skill, level in needs.items())


class _Teams:
    """A client's possible teams (size, needs; hours ignored), generated lazily, best total score first.

    Subsets of the candidate list (sorted by score) are visited in order of falling sum with a heap over index
    tuples; a popped subset that does not cover the needs is skipped.
    """

    def __init__(self, client: Client, cands: list[Candidate]) -> None:
        self.client = client
        self.cands = cands
        self.scores = [c.score for c in cands]
        self.found: list[tuple[int, tuple[int, ...], tuple[str, ...]]] = []  # (score, indices, assistant ids)
        self.done = len(cands) < client.team_size
        self._heap: list[tuple[int, tuple[int, ...]]] = []
        self._seen: set[tuple[int, ...]] = set()
        if not self.done:
            first = tuple(range(client.team_size))
            self._push(first)

    def _push(self, idx: tuple[int, ...]) -> None:
        if idx not in self._seen:
            self._seen.add(idx)
            heapq.heappush(self._heap, (-sum(self.scores[i] for i in idx), idx))

    def get(self, n: int) -> tuple[int, tuple[int, ...], tuple[str, ...]] | None:
        """The n-th best covering team, or None when there are fewer."""
        while len(self.found) <= n and not self.done:
            if not self._heap:
                self.done = True
                break
            negative, idx = heapq.heappop(self._heap)
            size = len(idx)
            for j in range(size):
                nxt = idx[j] + 1
                limit = idx[j + 1] if j + 1 < size else len(self.cands)
                if nxt < limit:
                    self._push((*idx[:j], nxt, *idx[j + 1 :]))
            members = [self.cands[i].assistant for i in idx]
            if covers(members, self.client.needs):
                self.found.append((-negative, idx, tuple(m.id for m in members)))
        return self.found[n] if n < len(self.found) else None

    def __iter__(self) -> Iterator[tuple[int, tuple[int, ...], tuple[str, ...]]]:
        n = 0
        while (team := self.get(n)) is not None:
            yield team
            n += 1


def match(
    assistants: Sequence[Assistant],
    clients: Sequence[Client],
    *,
    solver: str = "auto",
    max_nodes: int = 300,
) -> Result:
    """The optimal teams: most clients served, then the highest sum of members' scores.

    solver "search": the branch and bound only (stops after max_nodes steps, then optimal=False);
    "milp": the integer programme only; "auto": the search, and the integer programme when the search
    has not proven its answer within max_nodes steps.
    """
    cands = {client.id: candidates(assistants, client) for client in clients}
    teams = {client.id: _Teams(client, cands[client.id]) for client in clients}
    # Clients with a team at all; the biggest first (they decide most about the hours left), then the most
    # constrained: early cuts are cheaper there.
    order = [c for c in clients if teams[c.id].get(0) is not None]
    order.sort(key=lambda c: (-c.hours_per_week, len(cands[c.id])))
    picked: dict[str, tuple[int, ...]] = {}
    optimal, nodes = False, 0
    if solver in ("auto", "search"):
        picked, optimal, nodes = _search(assistants, order, cands, teams, max_nodes)
    if solver == "milp" or (solver == "auto" and not optimal):
        found = _milp(assistants, order, cands, all_served=len(picked) == len(order))
        if found is not None:
            picked, optimal = found, True
    result_teams = {c.id: [cands[c.id][j].assistant.id for j in picked[c.id]] for c in clients if c.id in picked}
    return Result(
        teams=result_teams,
        unassigned=[c.id for c in clients if c.id not in picked],
        candidates=cands,
        optimal=optimal,
        nodes=nodes,
    )


def _search(
    assistants: Sequence[Assistant],
    order: list[Client],
    cands: dict[str, list[Candidate]],
    teams: dict[str, _Teams],
    max_nodes: int,
) -> tuple[dict[str, tuple[int, ...]], bool, int]:
    """Depth-first branch and bound over the clients in `order`; (picked teams, proven optimal, steps)."""
    free = {a.id: a.free_hours_per_week + HOURS_SLACK for a in assistants}
    best: list[object] = [(-1, 0), {}]  # ((served, score), {client id: candidate indices})
    chosen: dict[str, tuple[int, ...]] = {}
    nodes = 0
    stopped = False

    def fits(members: tuple[str, ...], share: Fraction) -> bool:
        return all(free[m] >= share for m in members)

    def rest_bound(i: int) -> tuple[int, int]:
        """At most this many clients served and this much score from order[i:], with the hours left now.

        Each client on its own (the others may take the same hours): its best team that fits the free hours
        among its first SCAN teams, or, when none of those fits, its best team regardless of hours.
        """
        served = score = 0
        for client in order[i:]:
            share = client.share
            possible = teams[client.id]
            for n in range(SCAN):
                team = possible.get(n)
                if team is None:  # no team fits the hours left: this client cannot be served below here
                    break
                if fits(team[2], share):
                    served += 1
                    score += max(0, team[0])
                    break
            else:
                first = possible.get(0)
                assert first is not None
                served += 1
                score += max(0, first[0])
        return served, score

    def search(i: int, served: int, score: int) -> None:
        nonlocal nodes, stopped
        nodes += 1
        if nodes > max_nodes:
            stopped = True
            return
        best_key = best[0]
        assert isinstance(best_key, tuple)
        if i == len(order):
            if (served, score) > best_key:
                best[0] = (served, score)
                best[1] = dict(chosen)
            return
        rest_served, rest_score = rest_bound(i + 1)
        client = order[i]
        share = client.share
        for team_score, idx, members in teams[client.id]:
            if stopped:
                return
            best_key = best[0]
            assert isinstance(best_key, tuple)
            # Teams come best first: once this one cannot beat the best, no later one can.
            if (served + 1 + rest_served, score + team_score + rest_score) <= best_key:
                break
            if fits(members, share):
                for m in members:
                    free[m] -= share
                chosen[client.id] = idx
                search(i + 1, served + 1, score + team_score)
                del chosen[client.id]
                for m in members:
                    free[m] += share
        if not stopped and (served + rest_served, score + rest_score) > best[0]:  # type: ignore[operator]
            search(i + 1, served, score)

    search(0, 0, 0)
    picked = best[1]
    assert isinstance(picked, dict)
    return picked, not stopped, nodes


def _milp(
    assistants: Sequence[Assistant],
    order: list[Client],
    cands: dict[str, list[Candidate]],
    *,
    all_served: bool = False,
) -> dict[str, tuple[int, ...]] | None:
    """The same problem as a 0-1 integer programme (scipy's HiGHS), solved to a gap of zero; None if unsure.

    Variables: z[c] (client c served) and y[c, a] (assistant a in c's team). Constraints: sum_a y[c, a] =
    team_size * z[c]; per need, sum of the y of candidates with the skill >= z[c]; per assistant,
    sum_c share[c] * y[c, a] <= free[a], scaled to whole numbers. Solved twice: the most clients served,
    then, with that many served, the highest score. When the search has already found teams for every
    client in `order` (`all_served`: each has a team on its own, so no more can be served), the first solve
    is skipped. Integral data and objectives make the answer exact; it is checked again in Fractions, and
    None (keep the search's answer) when anything is off.
    """
    if not order:
        return {}
    hours = [c.share for c in order] + [a.free_hours_per_week for a in assistants]
    scale = 1
    for value in hours:
        scale = scale * value.denominator // math.gcd(scale, value.denominator)
    if scale > 10**6:
        return None  # hours written with too many decimals for exact floating-point constraints
    columns: list[tuple[int, int]] = []  # (client position, candidate index); -1 for the z column
    for ci, client in enumerate(order):
        columns.append((ci, -1))
        columns.extend((ci, j) for j in range(len(cands[client.id])))
    col = {key: n for n, key in enumerate(columns)}
    rows_eq, rows_ge = [], []
    for ci, client in enumerate(order):
        cand = cands[client.id]
        rows_eq.append({col[(ci, j)]: 1 for j in range(len(cand))} | {col[(ci, -1)]: -client.team_size})
        for skill, level in client.needs.items():
            row = {col[(ci, j)]: 1 for j, c in enumerate(cand) if c.assistant.skills.get(skill, 0) >= level}
            rows_ge.append(row | {col[(ci, -1)]: -1})
    position = {a.id: n for n, a in enumerate(assistants)}
    rows_cap: list[dict[int, int]] = [{} for _ in assistants]
    for ci, client in enumerate(order):
        carried = int(client.share * scale)
        for j, c in enumerate(cands[client.id]):
            rows_cap[position[c.assistant.id]][col[(ci, j)]] = carried
    caps = [int(a.free_hours_per_week * scale) for a in assistants]

    def matrix(rows: list[dict[int, int]]) -> coo_array:
        r = [n for n, row in enumerate(rows) for _ in row]
        c = [key for row in rows for key in row]
        v = [value for row in rows for value in row.values()]
        return coo_array((v, (r, c)), shape=(len(rows), len(columns)))

    constraints = [LinearConstraint(matrix(rows_eq), 0, 0), LinearConstraint(matrix(rows_cap), -np.inf, caps)]
    if rows_ge:
        constraints.append(LinearConstraint(matrix(rows_ge), 0, np.inf))
    integrality = np.ones(len(columns))
    bounds = Bounds(0, 1)
    options = {"mip_rel_gap": 0.0, "time_limit": 30.0}
    served_obj = np.array([-1.0 if j == -1 else 0.0 for _, j in columns])
    if all_served:
        most = len(order)
    else:
        first = milp(served_obj, constraints=constraints, integrality=integrality, bounds=bounds, options=options)
        if first.status != 0 or first.x is None:
            return None
        most = round(-first.fun)
    score_obj = np.array([0.0 if j == -1 else -float(cands[order[ci].id][j].score) for ci, j in columns])
    keep = LinearConstraint(served_obj.reshape(1, -1), -np.inf, -most)
    second = milp(score_obj, constraints=[*constraints, keep], integrality=integrality, bounds=bounds, options=options)
    if second.status != 0 or second.x is None:
        return None
    x = np.round(second.x).astype(int)
    picked = {
        client.id: tuple(j for j in range(len(cands[client.id])) if x[col[(ci, j)]])
        for ci, client in enumerate(order)
        if x[col[(ci, -1)]]
    }
    # Check the answer again in exact arithmetic.
    load = dict.fromkeys(position, Fraction(0))
    for client in order:
        team = picked.get(client.id)
        if team is None:
            continue
        members = [cands[client.id][j].assistant for j in team]
        if len(members) != client.team_size or not covers(members, client.needs):
            return None
        for m in members:
            load[m.id] += client.share
    if any(load[a.id] > a.free_hours_per_week + HOURS_SLACK for a in assistants) or len(picked) != most:
        return None
    return picked
