"""The utilisation figures stay what they were when their computation was made cheaper (issue 13 × 14.9).

`utilisation_figures.json` holds the figures of a random practice (seed 1409) as the first version of
vadesk/team/utilisation.py computed them, every Decimal to its last digit; the test computes them again and
compares. `started_near` is checked against dateutil itself on random rules and windows.
"""

import json
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from vadesk.accounts.models import Membership, Person
from vadesk.agenda.models import Calendar, Event, Occurrence, Party
from vadesk.clients.models import Assignment, Client
from vadesk.engagements.models import Engagement
from vadesk.tasks.models import RecurringTask, Task
from vadesk.tasks.rrule import parse_rrule
from vadesk.team.models import Absence, Profile, WorkPattern
from vadesk.team.utilisation import started_near, utilisation
from vadesk.timesheets.models import TimeEntry

ZONE = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 11, 18)
FIGURES = Path(__file__).with_name("utilisation_figures.json")
RULES = [
    "FREQ=DAILY",
    "FREQ=DAILY;INTERVAL=3",
    "FREQ=WEEKLY",
    "FREQ=WEEKLY;BYDAY=TU",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
    "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    "FREQ=MONTHLY",
    "FREQ=MONTHLY;BYMONTHDAY=25",
    "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1",
    "FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1",
    "FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO",
    "FREQ=YEARLY",
    "FREQ=YEARLY;BYMONTH=11,12;BYMONTHDAY=1",
    "FREQ=YEARLY;BYWEEKNO=48;BYDAY=FR",
    "FREQ=HOURLY;INTERVAL=7",
    "FREQ=WEEKLY;BYDAY=WE;COUNT=200",
    "FREQ=DAILY;UNTIL=20261201T080000Z",
]


TIMED_RULES = ["FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=6", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=7", "FREQ=YEARLY;BYHOUR=5"]


def test_a_rule_started_near_the_window_has_the_same_occurrences_in_it():
    rng = random.Random(1409)
    for _ in range(600):
        text = rng.choice(RULES + TIMED_RULES)
        first = datetime(2018, 1, 1, 9, tzinfo=ZONE) + timedelta(days=rng.randrange(3200), hours=rng.randrange(10))
        rule = parse_rrule(text, first)
        start = datetime(2026, 9, 21) + timedelta(days=rng.randrange(-900, 60), hours=rng.randrange(24))
        if rng.random() < 0.3:  # a window opening at midnight on the 1st
            start = start.replace(day=1, hour=0)
        end = start + timedelta(weeks=16)
        moved = started_near(rule, start)
        assert moved.between(start, end, inc=True) == rule.between(start, end, inc=True), (text, first, start)


def test_a_month_rule_keeps_the_occurrences_before_its_time_of_day_on_the_first():
    """The window opens on the 1st at midnight; the rule's own time is 09:00, its occurrences at 06:00."""
    rule = parse_rrule("FREQ=MONTHLY;BYMONTHDAY=1,15;BYHOUR=6", datetime(2019, 3, 1, 9, tzinfo=ZONE))
    start = datetime(2026, 6, 1)
    assert started_near(rule, start).between(start, start + timedelta(weeks=16), inc=True)[0] == datetime(2026, 6, 1, 6)


def _practice(org, owner) -> None:
    """A random practice: staff with and without work patterns and absences, retainers starting and ending in
    the weeks shown, recurring tasks of every rhythm and age, appointments, logged time."""
    rng = random.Random(1409)
    people = Person.objects.bulk_create(
        [Person(email=f"va{i}@same.example", full_name=f"VA {i:02d}") for i in range(24)]
    )
    Membership.objects.bulk_create(
        [
            Membership(
                person=p,
                organisation=org,
                role=Membership.Role.ASSISTANT,
                weekly_capacity_hours=Decimal(rng.choice([16, 24, 32])) if n % 4 == 3 else None,
            )
            for n, p in enumerate(people)
        ]
    )
    profiles = Profile.objects.bulk_create(
        [
            Profile(
                organisation=org,
                person=p,
                holiday_country=["NL", "BE", "DE"][n % 3],
                target_utilisation=rng.choice([60, 75, 80, 90]),
            )
            for n, p in enumerate(people)
            if n % 4 != 3
        ]
    )
    days = ("mon", "tue", "wed", "thu", "fri")
    full_week = {d: ["09:00", "17:00"] for d in days}  # most of a team works the same pattern
    WorkPattern.objects.bulk_create(
        [
            WorkPattern(
                profile=p,
                valid_from=date(2025, 1, 1) if full else TODAY - timedelta(days=rng.randrange(0, 400)),
                days=full_week if full else {d: ["09:00", rng.choice(["13:00", "17:00"])] for d in days},
            )
            for p in profiles
            for full in [rng.random() < 0.6]
            for _ in range(1 if full else rng.choice([1, 2]))
        ],
        ignore_conflicts=True,
    )
    monday = TODAY - timedelta(days=TODAY.weekday())
    Absence.objects.bulk_create(
        [
            Absence(
                organisation=org,
                person=p,
                start_date=(start := monday + timedelta(days=rng.randrange(-56, 56))),
                end_date=start + timedelta(days=rng.randrange(0, 9)),
                status=Absence.Status.APPROVED,
                requested_by=owner,
            )
            for p in people[:5]
        ]
    )
    clients = Client.objects.bulk_create(
        [Client(organisation=org, name=f"Client {i:03d}", country="NL") for i in range(40)]
    )
    Assignment.objects.bulk_create(
        [
            Assignment(client=c, person=p, role="lead" if n == 0 else "backup", position=n)
            for c in clients
            for n, p in enumerate(rng.sample(people, rng.choice([0, 1, 2, 3])))
        ]
    )
    engagements = Engagement.objects.bulk_create(
        [
            Engagement(
                client=c,
                name="Retainer" if retained else "Hourly",
                kind=Engagement.Kind.RETAINER if retained else Engagement.Kind.HOURLY,
                starts_on=(starts := monday + timedelta(days=rng.randrange(-700, 50))),
                ends_on=max(starts, monday + timedelta(days=rng.randrange(-20, 70))) if rng.random() < 0.3 else None,
                monthly_hours=Decimal(rng.randint(4, 40)) / rng.choice([1, 2, 4]) if retained else None,
                monthly_price=Decimal("500.00") if retained else None,
                excess_rate=Decimal("55.00") if retained else None,
                hourly_rate=None if retained else Decimal("55.00"),
            )
            for c in clients
            for retained in [rng.random() < 0.5]
        ]
    )
    templates = RecurringTask.objects.bulk_create(
        [
            RecurringTask(
                client=c,
                title=f"Rhythm {n}",
                rrule=rng.choice(RULES),
                first_due_at=datetime(2026, 11, 1, 9, tzinfo=ZONE) - timedelta(days=rng.randrange(0, 2000)),
            )
            for n, c in enumerate(rng.choices(clients, k=60))
        ]
    )
    for template in templates[::5]:
        template.assignees.set(rng.sample(people, rng.choice([1, 2])))
    tasks = Task.objects.bulk_create(
        [Task(client_id=t.client_id, title=t.title, recurrence=t, occurrence_at=t.first_due_at) for t in templates]
    )
    by_client = {e.client_id: e for e in engagements}
    entries = [
        TimeEntry(
            engagement=by_client[t.client_id],
            task=t,
            person=rng.choice(people),
            work_date=TODAY - timedelta(days=400),
            worked_minutes=rng.choice([15, 45, 50, 90]),
        )
        for t in tasks[: len(tasks) * 2 // 3]
    ]
    entries += [
        TimeEntry(
            engagement=rng.choice(engagements),
            person=rng.choice(people),
            work_date=monday - timedelta(days=rng.randrange(-2, 56)),
            worked_minutes=rng.randrange(5, 480),
            billable=rng.random() > 0.25,
        )
        for _ in range(600)
    ]
    TimeEntry.objects.bulk_create(entries)
    parties = Party.objects.bulk_create(
        [Party(organisation=org, client=c, kind=Party.Kind.CLIENT, name=c.name) for c in clients[:20]]
    )
    calendars = Calendar.objects.bulk_create([Calendar(party=p, name="Agenda") for p in parties])
    events = Event.objects.bulk_create(
        [
            Event(calendar=rng.choice(calendars), uid=f"s{i}@same", ics="", booked_by=rng.choice(people))
            for i in range(300)
        ]
    )
    start = datetime.combine(monday - timedelta(weeks=7), datetime.min.time(), ZONE)
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                calendar_id=e.calendar_id,
                event=e,
                recurrence_id="",
                start=(begin := start + timedelta(minutes=15 * rng.randrange(16 * 7 * 24 * 4))),
                end=begin + timedelta(minutes=rng.choice([30, 60, 90, 125])),
            )
            for e in events
        ]
    )


def _as_text(figures) -> dict:
    def week(w) -> list[str]:
        fields = (w.capacity, w.retainers, w.appointments, w.recurring, w.billable_minutes, w.non_billable_minutes)
        return [str(w.monday), *(str(value) for value in fields)]

    return {
        "this_week": str(figures.this_week),
        "rows": [
            [row.person.full_name if row.person else "team", row.target, [week(w) for w in row.all_weeks]]
            for row in [*figures.people, figures.team]
        ],
        "not_placed": {str(monday): str(hours) for monday, hours in sorted(figures.not_placed.items())},
    }


def test_the_figures_of_a_random_practice_are_those_of_the_first_computation(org, owner):
    _practice(org, owner)
    figures = _as_text(utilisation(org, today=TODAY))
    assert figures == json.loads(FIGURES.read_text())
