"""The `vadesk match` case file: reading and checking it, and turning it into matching dataclasses.

Bad input is refused as a whole with a message naming the place (`assistants[2].languages.de: ...`);
nothing is guessed. Bounds are checked before any work starts.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from vadesk.team import matching
from vadesk.team.matching import Assistant, Client

MAX_CASE_BYTES = 5_000_000
MAX_ASSISTANTS = 2_000
MAX_CLIENTS = 500
MAX_TEAM_SIZE = 20
MAX_KEYS = 200  # languages, skills, needs, sectors, interest answers per entry
MAX_HOURS = 10_000


class CaseError(ValueError):
    pass


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CaseError(_("%(where)s: expected an object.") % {"where": where})
    if len(value) > MAX_KEYS:
        raise CaseError(_("%(where)s: more than %(max)d entries.") % {"where": where, "max": MAX_KEYS})
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CaseError(_("%(where)s: expected a non-empty string.") % {"where": where})
    return value


def _hours(value: Any, where: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CaseError(_("%(where)s: expected a number of hours.") % {"where": where})
    if isinstance(value, float) and not math.isfinite(value):
        raise CaseError(_("%(where)s: expected a finite number of hours.") % {"where": where})
    if value < 0:
        raise CaseError(_("%(where)s: hours cannot be negative (%(value)s).") % {"where": where, "value": value})
    if value > MAX_HOURS:
        raise CaseError(_("%(where)s: more than %(max)d hours.") % {"where": where, "max": MAX_HOURS})
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def _skill_level(value: Any, where: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value not in matching.SKILL_LEVELS:
        raise CaseError(
            _("%(where)s: unknown level %(value)r; a skill level is 1 to 5.") % {"where": where, "value": value}
        )
    return value


def _skills(value: Any, where: str) -> dict[str, int]:
    return {_text(k, where): _skill_level(v, f"{where}.{k}") for k, v in _object(value, where).items()}


def _languages(value: Any, where: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, level in _object(value, where).items():
        _text(code, where)
        if level not in matching.LANGUAGE_LEVELS:
            raise CaseError(
                _("%(where)s.%(code)s: unknown level %(value)r; use one of %(levels)s.")
                % {"where": where, "code": code, "value": level, "levels": ", ".join(matching.LANGUAGE_LEVELS)}
            )
        out[code] = level
    return out


def _interest(value: Any, where: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for client, answer in _object(value, where).items():
        _text(client, where)
        if answer not in matching.INTEREST_ANSWERS:
            raise CaseError(
                _("%(where)s.%(client)s: unknown answer %(value)r; use one of %(answers)s.")
                % {"where": where, "client": client, "value": answer, "answers": ", ".join(matching.INTEREST_ANSWERS)}
            )
        out[client] = answer
    return out


def _list(value: Any, where: str, limit: int) -> list[Any]:
    if not isinstance(value, list):
        raise CaseError(_("%(where)s: expected a list.") % {"where": where})
    if len(value) > limit:
        raise CaseError(_("%(where)s: more than %(max)d entries.") % {"where": where, "max": limit})
    return value


def _unique(ids: list[str], where: str) -> None:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise CaseError(_("%(where)s: duplicate id %(id)r.") % {"where": where, "id": value})
        seen.add(value)


def parse(data: Any) -> tuple[list[Assistant], list[Client]]:
    case = _object_top(data)
    assistants: list[Assistant] = []
    for n, raw in enumerate(_list(case.get("assistants", []), "assistants", MAX_ASSISTANTS)):
        where = f"assistants[{n}]"
        if not isinstance(raw, dict):
            raise CaseError(_("%(where)s: expected an object.") % {"where": where})
        sectors = _list(raw.get("sectors", []), f"{where}.sectors", MAX_KEYS)
        assistants.append(
            Assistant(
                id=_text(raw.get("id"), f"{where}.id"),
                languages=_languages(raw.get("languages", {}), f"{where}.languages"),
                skills=_skills(raw.get("skills", {}), f"{where}.skills"),
                sectors=frozenset(_text(s, f"{where}.sectors") for s in sectors),
                free_hours_per_week=_hours(raw.get("free_hours_per_week"), f"{where}.free_hours_per_week"),
                interest=_interest(raw.get("interest", {}), f"{where}.interest"),
            )
        )
    clients: list[Client] = []
    for n, raw in enumerate(_list(case.get("clients", []), "clients", MAX_CLIENTS)):
        where = f"clients[{n}]"
        if not isinstance(raw, dict):
            raise CaseError(_("%(where)s: expected an object.") % {"where": where})
        size = raw.get("team_size", 1)
        if isinstance(size, float) and size.is_integer():
            size = int(size)
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_TEAM_SIZE:
            raise CaseError(
                _("%(where)s.team_size: %(value)r; a team has 1 to %(max)d members.")
                % {"where": where, "value": size, "max": MAX_TEAM_SIZE}
            )
        sector = raw.get("sector") or ""
        clients.append(
            Client(
                id=_text(raw.get("id"), f"{where}.id"),
                language=_text(raw.get("language"), f"{where}.language"),
                needs=_skills(raw.get("needs", {}), f"{where}.needs"),
                sector=_text(sector, f"{where}.sector") if sector else "",
                hours_per_week=_hours(raw.get("hours_per_week"), f"{where}.hours_per_week"),
                team_size=size,
            )
        )
    _unique([a.id for a in assistants], "assistants")
    _unique([c.id for c in clients], "clients")
    return assistants, clients


def _object_top(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise CaseError(_("The case must be a JSON object with `assistants` and `clients`."))
    return data


def run(text: str) -> matching.Result:
    """The command's whole job: the case text in, the matching result out (CaseError on bad input)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_CASE_BYTES:
        raise CaseError(_("The case is larger than %(max)d bytes.") % {"max": MAX_CASE_BYTES})
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CaseError(_("The case is not valid JSON: %(error)s") % {"error": exc}) from None
    except RecursionError:
        raise CaseError(_("The case is nested too deeply.")) from None
    assistants, clients = parse(data)
    return matching.match(assistants, clients)
