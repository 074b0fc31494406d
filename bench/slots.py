"""Benchmark the slot finder against a straightforward baseline, in the same run, on generated calendars.

    .venv/bin/python bench/slots.py [--participants 3 20 100] [--events 500] [--repeat 5] [--db-case 20]

How the generated data is shaped, and why:
- One calendar per participant with --events events (seeded by the participant count, so every run
  sees the same data), spread over two years (July 2025 … June 2027) so that the rolling horizon,
  not the window, decides how much is expanded — as with a real calendar that has history.
- Times of day 06:00–21:00 in quarter hours, lengths 15–90 minutes: the mix of an office diary.
  Friday afternoons are kept mostly clear; without that, 20 or 100 people with 500 random events
  each would have no common hour at all, and a finder that returns [] fast proves nothing.
- About a fifth are recurring series (daily with COUNT, weekly, every fourth week, monthly on the
  first Monday, twice a week), half of the timed ones with an EXDATE — the expansion work that
  makes the baseline slow and that materialisation does once per change.
- 5 % all-day (mostly TRANSP:TRANSPARENT, like birthdays), 5 % floating times, 5 % transparent and
  3 % cancelled events: the cases where busy/free and the zone of reading differ from the naive
  reading, so the comparison with the baseline checks them too.
- Zones from six European IANA zones, working hours 08/09–17/18 with a lunch break for some; the
  window (16 March – 13 April 2026) spans the EU switch to summer time on 29 March.
The case: a 4-week window, 15-minute steps, 60-minute meetings, 10-minute buffers.

- sync: parse + expand each calendar over the rolling horizon (what happens once per calendar
  change, when occurrences are materialised) — reported separately;
- finder: from the materialised occurrences to the feasible starts (what happens while someone waits);
- baseline: expand every calendar with recurring-ical-events over the window, then test every
  candidate start against the working hours minute by minute and against every busy interval.
- db read (--db-case, default the 20-participant case): the same calendars imported into a test
  database (the real sync: parse, expand, store Occurrence rows), then the time to read every
  participant's stored busy occurrences for the window (proposals.busy_intervals, one indexed query
  per party), and the whole proposals.feasible (read + finder) from the database, whose answer must
  equal the baseline's too. The test database is made and removed by the run (DATABASE_URL decides
  the backend: SQLite runs in memory, PostgreSQL on the server).
The two answers must be identical; the run fails loudly if they are not.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import icalendar  # noqa: E402
import recurring_ical_events  # noqa: E402

from vadesk.agenda import ical, slots  # noqa: E402
from vadesk.agenda.case import busy_of  # noqa: E402

ZONES = ["Europe/Amsterdam", "Europe/Berlin", "Europe/Brussels", "Europe/Paris", "Europe/Vienna", "Europe/London"]
WINDOW = (datetime(2026, 3, 16, tzinfo=UTC), datetime(2026, 4, 13, tzinfo=UTC))  # spans the EU DST change
NOW = datetime(2026, 3, 1, tzinfo=UTC)
DURATION, STEP, BUFFER = 60, 15, 10


def generate_ics(rng: random.Random, zone: str, events: int) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//vadesk bench//EN"]
    for i in range(events):
        day = date(2025, 7, 1) + timedelta(days=rng.randrange(0, 730))
        hour, minute = rng.randrange(6, 21), rng.choice([0, 15, 30, 45])
        if day.weekday() == 4 and hour >= 12:  # Friday afternoons are kept mostly clear, so 20 people can still meet
            hour -= 9
        start = datetime(day.year, day.month, day.day, hour, minute)
        end = start + timedelta(minutes=rng.choice([15, 30, 30, 45, 60, 90]))
        kind = rng.random()
        lines += ["BEGIN:VEVENT", f"UID:ev-{i}@bench", "DTSTAMP:20260101T000000Z", f"SUMMARY:Event {i}"]
        if kind < 0.05:
            lines += [
                f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{day + timedelta(days=rng.randrange(1, 3)):%Y%m%d}",
            ]
            if day.weekday() < 4 or rng.random() < 0.9:  # birthdays, reminders: all-day but free
                lines.append("TRANSP:TRANSPARENT")
        elif kind < 0.10:
            lines += [f"DTSTART:{start:%Y%m%dT%H%M%S}", f"DTEND:{end:%Y%m%dT%H%M%S}"]  # floating
        else:
            lines += [f"DTSTART;TZID={zone}:{start:%Y%m%dT%H%M%S}", f"DTEND;TZID={zone}:{end:%Y%m%dT%H%M%S}"]
        if rng.random() < 0.2:
            freq = rng.choice(
                [
                    "DAILY;COUNT=4;BYDAY=MO,TU,WE,TH",
                    "WEEKLY;COUNT=8",
                    "WEEKLY;INTERVAL=4;COUNT=6",
                    "MONTHLY;BYDAY=1MO",
                    "WEEKLY;BYDAY=MO,WE;COUNT=6",
                ]
            )
            lines.append(f"RRULE:FREQ={freq}")
            if kind >= 0.10 and rng.random() < 0.5:
                lines.append(f"EXDATE;TZID={zone}:{start + timedelta(days=7):%Y%m%dT%H%M%S}")
        if rng.random() < 0.05:
            lines.append("TRANSP:TRANSPARENT")
        if rng.random() < 0.03:
            lines.append("STATUS:CANCELLED")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def working_hours(rng: random.Random) -> dict[int, list[tuple[int, int]]]:
    start, end = rng.choice([8, 9]) * 60, rng.choice([17, 18]) * 60
    if rng.random() < 0.3:  # some keep a lunch break
        return {d: [(start, 12 * 60), (12 * 60 + 30, end)] for d in range(5)}
    return {d: [(start, end)] for d in range(5)}


def sync(texts: list[str]) -> list[list[ical.Occurrence]]:
    """Once per calendar change: parse and expand over the rolling horizon (materialise)."""
    return [ical.expand(ical.parse_ics(t), NOW - timedelta(days=31), NOW + timedelta(days=400))[0] for t in texts]


def finder(materialised, zones, hours) -> list[int]:
    """While the user waits: materialised occurrences → busy intervals → feasible starts. No iCalendar here."""
    lo, hi = WINDOW[0] - timedelta(days=2), WINDOW[1] + timedelta(days=2)
    participants = []
    for occurrences, zone, wh in zip(materialised, zones, hours):
        near = [o for o in occurrences if o.busy and _wall(o.start) < hi and _wall(o.end) > lo]
        participants.append(slots.Participant("p", zone, wh, busy_of(near, zone)))
    case = slots.Case(
        (slots.to_epoch(WINDOW[0]), slots.to_epoch(WINDOW[1])), DURATION * 60, STEP * 60, BUFFER * 60, participants
    )
    return slots.feasible_starts(case)


def _wall(value) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def baseline(texts, zones, hours) -> list[int]:
    """Expand every calendar with recurring-ical-events, then test every candidate against every busy interval."""
    pad = timedelta(days=2, minutes=BUFFER)
    busy_lists = []
    for text, zone in zip(texts, zones):
        busy = []
        for c in recurring_ical_events.of(icalendar.Calendar.from_ical(text)).between(WINDOW[0] - pad, WINDOW[1] + pad):
            if str(c.get("TRANSP", "OPAQUE")) == "TRANSPARENT" or str(c.get("STATUS", "")) == "CANCELLED":
                continue
            s, e = c["DTSTART"].dt, c["DTEND"].dt if c.get("DTEND") else c["DTSTART"].dt
            busy.append((_epoch(s, zone), _epoch(e, zone)))
        busy_lists.append(busy)
    start, end = slots.to_epoch(WINDOW[0]), slots.to_epoch(WINDOW[1])
    d, step, b = DURATION * 60, STEP * 60, BUFFER * 60
    result = []
    t = start
    while t + d <= end:
        if all(_free(t, d, b, zone, wh, busy) for zone, wh, busy in zip(zones, hours, busy_lists)):
            result.append(t)
        t += step
    return result


def _epoch(value, zone) -> int:
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return int((value if value.tzinfo else value.replace(tzinfo=zone)).timestamp())


def _free(t, d, b, zone, wh, busy) -> bool:
    for minute in range(t, t + d, 60):
        local = datetime.fromtimestamp(minute, zone)
        of_day = local.hour * 60 + local.minute
        if not any(lo <= of_day < hi for lo, hi in wh.get(local.weekday(), [])):
            return False
    return all(not (s - b < e + b and s - b < t + d and t < e + b) for s, e in busy)


def db_read(texts, zone_names, hours, repeat: int, expected: list[int]) -> None:
    """Import the calendars into a throw-away test database and time reading the stored occurrences back."""
    import time_machine
    from django.db import connection

    from vadesk.accounts.models import Organisation
    from vadesk.agenda import proposals
    from vadesk.agenda.case import WEEKDAYS
    from vadesk.agenda.importing import calendar_import_ics
    from vadesk.agenda.models import Calendar, Party
    from vadesk.clients.models import Client

    def hhmm(minutes: int) -> str:
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with time_machine.travel(NOW, tick=True):  # the rolling horizon is placed around NOW, as in sync()
            org = Organisation.objects.create(name="Bench", country="NL", time_zone="Europe/Amsterdam")
            client = Client.objects.create(organisation=org, name="Bench client", country="NL")
            parties = []
            started = time.perf_counter()
            for i, (text, zone, wh) in enumerate(zip(texts, zone_names, hours)):
                party = Party.objects.create(
                    organisation=org,
                    client=client,
                    kind=Party.Kind.EXTERNAL,
                    name=f"p{i}",
                    time_zone=zone,
                    working_hours={WEEKDAYS[d]: [[hhmm(lo), hhmm(hi)] for lo, hi in r] for d, r in wh.items()},
                )
                calendar_import_ics(
                    calendar=Calendar.objects.create(party=party, name="cal", source=Calendar.Source.UPLOAD),
                    data=text.encode(),
                )
                parties.append(party)
            stored_seconds = time.perf_counter() - started
        rows = sum(p.calendars.get().occurrences.count() for p in parties)
        request = proposals.Request(parties, WINDOW[0], WINDOW[1], DURATION, STEP, BUFFER)
        proposals.feasible(request)  # warm-up: the first query after a bulk import pays for caches and statistics
        _, read_seconds = timed(lambda: [proposals.busy_intervals(p, WINDOW[0], WINDOW[1]) for p in parties], repeat)
        found, whole_seconds = timed(lambda: proposals.feasible(request), repeat)
        same = found == expected
        print(
            f"db ({connection.vendor}), {len(parties)} participants: import + store {stored_seconds * 1000:.0f} ms ({rows} occurrence rows); "
            f"read stored busy occurrences {read_seconds * 1000:.1f} ms; read + finder {whole_seconds * 1000:.1f} ms; "
            f"{len(found)} starts{'' if same else '  MISMATCH'}"
        )
        if not same:
            sys.exit("The finder from the database and the baseline disagree.")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return result, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, nargs="+", default=[3, 20, 100])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--db-case",
        type=int,
        default=20,
        help="participant count whose calendars are also read from a database (0: none)",
    )
    args = parser.parse_args()
    print(
        f"window {WINDOW[0]:%Y-%m-%d}…{WINDOW[1]:%Y-%m-%d}, {DURATION} min meetings, {STEP} min steps, {BUFFER} min buffer, {args.events} events per participant"
    )
    print(
        f"{'participants':>12} {'sync total':>11} {'sync/cal':>9} {'finder':>9} {'baseline':>10} {'ratio':>7} {'starts':>7}"
    )
    ok = True
    db_cases = []
    for n in args.participants:
        rng = random.Random(n)
        zones_names = [rng.choice(ZONES) for _ in range(n)]
        texts = [generate_ics(rng, z, args.events) for z in zones_names]
        zones = [ZoneInfo(z) for z in zones_names]
        hours = [working_hours(rng) for _ in range(n)]
        started = time.perf_counter()
        materialised = sync(texts)
        sync_seconds = time.perf_counter() - started
        fast, fast_seconds = timed(lambda: finder(materialised, zones, hours), args.repeat)
        slow, slow_seconds = timed(lambda: baseline(texts, zones, hours), 1)
        same = fast == slow
        ok &= same
        print(
            f"{n:>12} {sync_seconds * 1000:>9.0f}ms {sync_seconds * 1000 / n:>7.1f}ms {fast_seconds * 1000:>7.1f}ms "
            f"{slow_seconds * 1000:>8.0f}ms {slow_seconds / fast_seconds:>6.0f}× {len(fast):>7}{'' if same else '  MISMATCH'}"
        )
        if n == args.db_case:
            db_cases.append((texts, zones_names, hours, slow))
    if not ok:
        sys.exit("The finder and the baseline disagree.")
    for texts, zones_names, hours, expected in db_cases:
        db_read(texts, zones_names, hours, args.repeat, expected)


if __name__ == "__main__":
    main()
