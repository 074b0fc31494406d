"""Finding a time for parties known to vadesk: materialised occurrences → the exact slot set → ranked, explained proposals.

No iCalendar is parsed here: busy time comes from the stored Occurrence rows (see materialise.py).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vadesk.agenda import scoping, slots
from vadesk.agenda.case import CaseError, parse_working_hours
from vadesk.agenda.models import Calendar, Occurrence, Party
from vadesk.agenda.parties import assistant_party, client_party
from vadesk.agenda.services import _current_range


def busy_intervals(
    party: Party, start: datetime, end: datetime, exclude_event: int | None = None
) -> list[slots.Interval]:
    """The party's busy occurrences overlapping [start, end), as UTC epoch intervals read in the party's zone.

    `exclude_event`: the appointment being moved does not block its own new time.
    """
    zone = ZoneInfo(party.time_zone)
    pad = timedelta(days=1, hours=2)  # floating and all-day rows hold wall-clock time labelled UTC
    rows = Occurrence.objects.filter(
        calendar__party=party,
        calendar__counts_as_busy=True,
        busy=True,
        start__lt=end + pad,
        end__gt=start - pad,
    )
    if exclude_event is not None:
        rows = rows.exclude(event_id=exclude_event)
    result = []
    for s, e, kind in rows.values_list("start", "end", "kind"):
        if kind != Occurrence.Kind.FIXED:
            s, e = s.replace(tzinfo=zone), e.replace(tzinfo=zone)
        result.append((slots.to_epoch(s), slots.to_epoch(e)))
    return result


def participant(
    party: Party, start: datetime, end: datetime, extra: Sequence[slots.Interval] = (), exclude_event: int | None = None
) -> slots.Participant:
    try:
        hours = parse_working_hours(party.working_hours, party.name)
    except CaseError:
        hours = {}
    available = None
    if party.availability:
        available = [
            (slots.to_epoch(datetime.fromisoformat(s)), slots.to_epoch(datetime.fromisoformat(e)))
            for s, e in party.availability
        ]
    return slots.Participant(
        party.name,
        ZoneInfo(party.time_zone),
        hours,
        busy_intervals(party, start, end, exclude_event) + list(extra),
        available,
    )


@dataclass
class Proposal:
    start: datetime
    end: datetime
    score: int
    reasons: list[str] = field(default_factory=list)


@dataclass
class Request:
    parties: list[Party]
    start: datetime
    end: datetime
    duration: int  # minutes
    step: int = 15
    buffer: int = 0
    travel: int = 0  # minutes before and after, for an in-person meeting, on the client's side
    notice: int = 0  # minutes from now before the earliest start
    limit: int = 10
    exclude_event: int | None = None  # the appointment being moved


def defaults(parties: list[Party]) -> tuple[int, int]:
    """(buffer, travel) when none is given: the largest buffer any party asks for; the client's travel time."""
    buffer = max((p.buffer_minutes for p in parties), default=0)
    travel = next((p.travel_minutes for p in parties if p.kind == Party.Kind.CLIENT), 0)
    return buffer, travel


def feasible(request: Request) -> list[int]:
    """The exact contract's set (slots.feasible_starts) for these parties; travel time widens the client's busy time."""
    people = []
    for party in request.parties:
        p = participant(party, request.start, request.end, exclude_event=request.exclude_event)
        if request.travel and party.kind == Party.Kind.CLIENT:
            t = request.travel * 60
            p = slots.Participant(p.name, p.zone, p.working_hours, [(s - t, e + t) for s, e in p.busy], p.available)
        people.append(p)
    case = slots.Case(
        (slots.to_epoch(request.start), slots.to_epoch(request.end)),
        request.duration * 60,
        request.step * 60,
        request.buffer * 60,
        people,
    )
    return slots.feasible_starts(case)


def propose(request: Request, now: datetime) -> list[Proposal]:
    """Rank the feasible starts: minimum notice and the client's meetings-per-day cap filter; preferred hours first."""
    client = next((p for p in request.parties if p.kind == Party.Kind.CLIENT), None)
    earliest = slots.to_epoch(now) + request.notice * 60
    per_day = _meetings_per_day(client, request) if client else {}
    preferred = {}
    if client and client.preferred_hours:
        try:
            preferred = parse_working_hours(client.preferred_hours, client.name)
        except CaseError:
            preferred = {}
    proposals = []
    for t in feasible(request):
        if t < earliest:
            continue
        start = datetime.fromtimestamp(t, UTC)
        reasons = [_("everyone is free and inside their working hours")]
        score = 0
        if client:
            local = start.astimezone(ZoneInfo(client.time_zone))
            count = per_day.get(local.date(), 0)
            if client.max_meetings_per_day is not None and count >= client.max_meetings_per_day:
                continue
            minute = local.hour * 60 + local.minute
            if any(lo <= minute and minute + request.duration <= hi for lo, hi in preferred.get(local.weekday(), [])):
                score += 100
                reasons.append(_("inside %(name)s's preferred hours") % {"name": client.name})
            if count:
                reasons.append(
                    ngettext("%(n)s other meeting that day", "%(n)s other meetings that day", count) % {"n": count}
                )
                score -= 10 * count
        if request.buffer:
            reasons.append(_("%(m)s minutes free before and after") % {"m": request.buffer})
        proposals.append(Proposal(start, start + timedelta(minutes=request.duration), score, reasons))
    proposals.sort(key=lambda p: (-p.score, p.start))
    zone = ZoneInfo(client.time_zone) if client else request.start.tzinfo or UTC
    return spread(proposals, request.limit, zone)


# Parts of the day (minutes after midnight, local time) that real alternatives differ in.
PARTS_OF_DAY = (12 * 60, 17 * 60)  # morning until 12:00, afternoon until 17:00, then evening


def spread(ranked: list[Proposal], limit: int, zone) -> list[Proposal]:
    """The best `limit` proposals as real alternatives, not the first `limit` quarter-hours of one morning.

    1. Within each score, in the ranking's order, the proposals fall into buckets of (day, part of day) in `zone`.
    2. In a bucket only starts at least a meeting's length (and an hour) apart are alternatives; the starts in
       between are near-duplicates, kept aside.
    3. Round one takes one alternative a day, its part of the day turning from day to day (morning, afternoon,
       evening, where the day has one); the next rounds take the days' other parts, then the buckets' later
       alternatives. A better score goes first.
    4. Only when fewer than `limit` alternatives exist are the near-duplicates added, best first, so that nothing
       is lost when little fits.
    5. The chosen ones are returned best score first, then by start.
    """
    chosen: list[Proposal] = []
    aside: list[Proposal] = []
    alternatives: dict[tuple, list[datetime]] = {}  # every score's alternatives per bucket: a worse score's
    for _score, tier in groupby(ranked, key=lambda p: p.score):  # 11:15 is no alternative to a better 11:00
        buckets: dict[tuple, list[Proposal]] = {}
        for p in tier:
            local = p.start.astimezone(zone)
            key = (local.date(), bisect_right(PARTS_OF_DAY, local.hour * 60 + local.minute))
            gap = max(p.end - p.start, timedelta(hours=1))
            if any(abs(p.start - other) < gap for other in alternatives.get(key, [])):
                aside.append(p)  # step 2
            else:
                alternatives.setdefault(key, []).append(p.start)
                buckets.setdefault(key, []).append(p)
        order = []
        for n, day in enumerate(sorted({day for day, _part in buckets})):
            parts = sorted(part for d, part in buckets if d == day)
            turned = parts[n % len(parts) :] + parts[: n % len(parts)]  # step 3: the part turns from day to day
            for round_in_day, part in enumerate(turned):
                for depth, p in enumerate(buckets[(day, part)]):
                    order.append(((depth, round_in_day, p.start), p))
        order.sort(key=lambda item: item[0])
        chosen.extend(p for _key, p in order[: max(0, limit - len(chosen))])
    chosen.extend(aside[: max(0, limit - len(chosen))])  # step 4: `aside` is in the ranking's order
    return sorted(chosen, key=lambda p: (-p.score, p.start))


def _meetings_per_day(client: Party, request: Request) -> dict:
    zone = ZoneInfo(client.time_zone)
    counts: dict = {}
    for s, _e in busy_intervals(client, request.start, request.end, request.exclude_event):
        day = datetime.fromtimestamp(s, zone).date()
        counts[day] = counts.get(day, 0) + 1
    return counts


@dataclass
class Move:
    request: Request
    proposals: list[Proposal]
    unknown: list[str]  # attendees known only by address: their time is not checked
    current: tuple[datetime, datetime]


def for_move(event, *, by, organisation, now: datetime, zone: ZoneInfo, days: int = 14) -> Move:
    """The next best times to move `event` to, for the calendar's owner, the one moving it, and every attendee vadesk
    knows as a party (by e-mail address, among the parties `by` may use), from today for `days` days.

    The event's own occurrences do not block it, and its current time is not proposed again.
    """
    from django.db.models import Q

    owner = event.calendar.party
    client = owner.client
    found = {owner.pk: owner}
    own = assistant_party(by, organisation)
    found.setdefault(own.pk, own)
    if client is not None:
        party = client_party(client)
        found.setdefault(party.pk, party)
    known = scoping.staff_parties(by, organisation.pk).filter(Q(client=client) | Q(kind=Party.Kind.ASSISTANT))
    unknown = []
    for attendee in event.attendees.order_by("email"):
        match = known.filter(email__iexact=attendee.email).order_by("pk").first()
        if match is None:
            unknown.append(attendee.email)
        else:
            found.setdefault(match.pk, match)
    parties = list(found.values())
    start, end = _current_range(event)
    minutes = min(max(5, int((end - start).total_seconds() // 60)), 24 * 60)
    today = now.astimezone(zone).date()
    buffer, travel = defaults(parties)
    request = Request(
        parties,
        datetime.combine(today, datetime.min.time(), zone),
        datetime.combine(today + timedelta(days=days), datetime.min.time(), zone),
        minutes,
        15,
        buffer,
        travel,
        0,
        exclude_event=event.pk,
    )
    ranked = [p for p in propose(request, now) if p.start != start]
    return Move(request, ranked, unknown, (start, end))


@dataclass(frozen=True)
class Unread:
    """A calendar that counts for someone's free/busy but holds events vadesk could not read."""

    party: Party
    calendar: Calendar
    problems: list[str]


def unread_calendars(parties: Sequence[Party]) -> list[Unread]:
    """The searched parties' busy calendars whose last import or expansion left something out (one query).

    Proposals are made without those events, so the page says their times may be busy.
    """
    by_pk = {p.pk: p for p in parties}
    found = []
    calendars = Calendar.objects.filter(party__in=list(by_pk), counts_as_busy=True).only(
        "pk", "name", "party_id", "import_problems", "unread_series"
    )
    for calendar in calendars.order_by("party_id", "pk"):
        problems = list(dict.fromkeys([*calendar.import_problems, *calendar.unread_series]))
        if problems:
            found.append(Unread(by_pk[calendar.party_id], calendar, problems))
    return found
