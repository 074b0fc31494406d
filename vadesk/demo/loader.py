"""Load the demo practice through the domain services, so the workflow, rounding and balance rules all apply.

The services stamp rows with the current time; afterwards the loader moves those stamps
back to the day the work happened (`_backdate`), so two months of history read naturally.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from vadesk.accounts.models import Membership, Organisation, Person
from vadesk.agenda.demo import agenda_demo
from vadesk.clients.models import Assignment, Client, Contact, DossierFact
from vadesk.comms.demo import comms_demo_load
from vadesk.demo.practice import (
    DEMO_PASSWORD,
    DEMO_SEED,
    ORGANISATIONS,
    PORTAL_REQUEST,
    RECURRING,
    WINDOW_DAYS,
    ClientSpec,
    EngagementSpec,
    OrganisationSpec,
    PersonSpec,
)
from vadesk.demo.worklog import (
    CLIENT_QUESTIONS,
    CLIENT_REPLIES,
    CLIENT_UPDATES,
    GENERAL_NOTES,
    IDEAS,
    INTERNAL_COMMENTS,
    NON_BILLABLE_NOTES,
    TaskIdea,
)
from vadesk.engagements.balance import month_end, month_start
from vadesk.engagements.models import Engagement
from vadesk.invoicing.demo import invoicing_demo
from vadesk.lib.rounding import billed_minutes
from vadesk.notifications.demo import notifications_demo
from vadesk.notifications.services import notifications_silenced
from vadesk.reports.demo import reports_demo
from vadesk.tasks.models import (
    ChecklistItem,
    Comment,
    RecurringTask,
    Source,
    Status,
    Task,
    Transition,
)
from vadesk.tasks.recurrence import occurrences, parse_rrule, recurring_tasks_spawn
from vadesk.tasks.services import (
    checklist_item_toggle,
    comment_add,
    task_create,
    task_request,
    task_transition,
)
from vadesk.team.demo import team_demo
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.services import time_entry_log

# The steps from "new" to each status, along the workflow in tasks.models.TRANSITIONS.
PATHS: dict[str, tuple[tuple[str, ...], ...]] = {
    Status.NEW: ((),),
    Status.PLANNED: ((Status.PLANNED,),),
    Status.IN_PROGRESS: ((Status.IN_PROGRESS,), (Status.PLANNED, Status.IN_PROGRESS)),
    Status.WAITING: ((Status.IN_PROGRESS, Status.WAITING), (Status.PLANNED, Status.IN_PROGRESS, Status.WAITING)),
    Status.DONE: (
        (Status.IN_PROGRESS, Status.DONE),
        (Status.PLANNED, Status.IN_PROGRESS, Status.DONE),
        (Status.IN_PROGRESS, Status.WAITING, Status.IN_PROGRESS, Status.DONE),
    ),
    Status.CANCELLED: ((Status.CANCELLED,),),
}
WORKED_STATUSES = {Status.PLANNED, Status.IN_PROGRESS, Status.WAITING, Status.DONE}
ENTRY_SIZES = (15, 20, 25, 30, 30, 40, 45, 45, 60, 60, 75, 90, 120)


@dataclass(frozen=True)
class DemoSummary:
    organisations: int
    people: int
    clients: int
    engagements: int
    tasks: int
    time_entries: int
    dossier_facts: int


@dataclass
class _Planned:
    """A demo task and the days hours may be logged on it."""

    task: Task
    status: str
    opened: date
    closed: date | None
    assignees: list[Person]


def demo_load(*, now: datetime | None = None, seed: int = DEMO_SEED) -> DemoSummary:
    """Create both demo organisations with their people, clients, engagements, tasks and hours, all or nothing."""
    loader = _Loader(random.Random(seed), now or timezone.now())
    with transaction.atomic():
        with notifications_silenced():  # months of history are no news; a few samples follow
            organisations = [loader.organisation(spec) for spec in ORGANISATIONS]
            recurring_tasks_spawn(now=loader.now)

            invoicing_demo(organisations, now=loader.now)

            agenda_demo(organisations, now=loader.now)
            comms_demo_load(organisations=organisations, now=loader.now)
            reports_demo(organisations, now=loader.now)
            team_demo(organisations, now=loader.now)
        notifications_demo(organisations, now=loader.now)
    return _summary(organisations)


def working_days(first: date, last: date) -> list[date]:
    return [
        first + timedelta(days=n) for n in range((last - first).days + 1) if (first + timedelta(days=n)).weekday() < 5
    ]


class _Loader:
    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.today = timezone.localdate(now)
        # From the first of the month two months back: the two past months the reports cover are whole on any
        # day the demo is built (on 31 October, August and September; 60 days back left August out).
        self.window_start = min(
            self.today - timedelta(days=WINDOW_DAYS),
            month_start(month_start(month_start(self.today) - timedelta(days=1)) - timedelta(days=1)),
        )
        self.people: dict[str, Person] = {}
        self.owner: Person | None = None
        self.zone = ZoneInfo("Europe/Amsterdam")
        # One hash for every demo login: Argon2 is slow by design, and the password is public anyway.
        self.password = make_password(DEMO_PASSWORD)

    # --- organisations, people, clients -----------------------------------------------------------

    def organisation(self, spec: OrganisationSpec) -> Organisation:
        organisation = Organisation(
            name=spec.name,
            kind=spec.kind,
            legal_form=spec.legal_form,
            street=spec.street,
            postal_code=spec.postal_code,
            city=spec.city,
            country=spec.country,
            coc_number=spec.coc_number,
            vat_id=spec.vat_id,
            iban=spec.iban,
            default_hourly_rate=spec.default_hourly_rate,
            time_zone=spec.time_zone,
        )
        organisation.full_clean()
        organisation.save()
        self.zone = ZoneInfo(spec.time_zone)
        staff = [p for p in spec.people if p.role != Membership.Role.CLIENT]
        for person_spec in staff:
            self.person(person_spec, organisation)
        self.owner = next(self.people[p.key] for p in staff if p.role == Membership.Role.OWNER)
        for client_spec in spec.clients:
            self.client(client_spec, organisation, [p for p in spec.people if p.client_key == client_spec.key])
        return organisation

    def person(self, spec: PersonSpec, organisation: Organisation, client: Client | None = None) -> Person:
        person = Person.objects.create(
            email=spec.email,
            full_name=spec.full_name,
            language=spec.language,
            password=self.password,
            date_joined=self.now - timedelta(days=400),
        )
        Membership.objects.create(
            person=person,
            organisation=organisation,
            role=spec.role,
            client=client,
            weekly_capacity_hours=spec.weekly_capacity_hours,
        )
        self.people[spec.key] = person
        return person

    def client(self, spec: ClientSpec, organisation: Organisation, users: list[PersonSpec]) -> Client:
        client = Client(
            organisation=organisation,
            name=spec.name,
            kind=spec.kind,
            email=spec.email,
            phone=spec.phone,
            preferred_language=spec.language,
            country=spec.country,
            vat_id=spec.vat_id,
            coc_number=spec.coc_number,
            street=spec.street,
            postal_code=spec.postal_code,
            city=spec.city,
        )
        client.full_clean()
        client.save()
        Contact.objects.bulk_create(
            [
                Contact(
                    client=client,
                    name=c.name,
                    job_title=c.job_title,
                    email=c.email,
                    phone=c.phone,
                    preferred_language=c.language,
                    is_primary=c.is_primary,
                )
                for c in spec.contacts
            ]
        )
        Assignment.objects.bulk_create(
            [Assignment(client=client, person=self.people[key], role=role) for key, role in spec.team]
        )
        DossierFact.objects.bulk_create(
            [
                DossierFact(
                    client=client,
                    topic=f.topic,
                    text=f.text,
                    noted_on=self.today - timedelta(days=f.days_ago),
                    author=self.people[f.author],
                    pinned=f.pinned,
                )
                for f in spec.dossier
            ]
        )
        for user in users:
            self.person(user, organisation, client=client)
        team = [self.people[key] for key, _role in spec.team]
        for engagement_spec in spec.engagements:
            engagement = self.engagement(client, engagement_spec)
            planned = self.work(spec, client, engagement, team)
            self.hours(engagement, engagement_spec, planned, team, spec.language)
        return client

    def engagement(self, client: Client, spec: EngagementSpec) -> Engagement:
        starts_on = self.today - timedelta(days=spec.starts_days_ago)
        if spec.kind == Engagement.Kind.RETAINER:
            starts_on = month_start(starts_on)  # a retainer's months are calendar months
        engagement = Engagement(
            client=client,
            name=spec.name,
            kind=spec.kind,
            starts_on=starts_on,
            ends_on=self.today + timedelta(days=spec.ends_in_days) if spec.ends_in_days is not None else None,
            expires_on=self.today + timedelta(days=spec.expires_in_days) if spec.expires_in_days is not None else None,
            **spec.terms,
        )
        engagement.full_clean()
        engagement.save()
        return engagement

    # --- tasks ----------------------------------------------------------------------------------

    def work(self, spec: ClientSpec, client: Client, engagement: Engagement, team: list[Person]) -> list[_Planned]:
        days = working_days(max(self.window_start, engagement.starts_on), self.today)
        ideas = self.pick_ideas(spec.categories, spec.task_count)
        opened_days = sorted(self.rng.choice(days) for _ in ideas)
        contact = next((c.name for c in spec.contacts if c.is_primary), spec.name).removeprefix("Dr. ").split()[0]
        statuses = self.statuses_for(opened_days)
        planned = [
            self.task(idea, day, status, client, engagement, team, contact)
            for idea, day, status in zip(ideas, opened_days, statuses, strict=False)
        ]
        if spec.key == RECURRING["client"]:
            planned += self.recurring(client, engagement)
        if spec.key == PORTAL_REQUEST["client"]:
            self.portal_request(client)
        return planned

    def pick_ideas(self, categories: dict[str, int], count: int) -> list[TaskIdea]:
        """Weighted draw without repeats, until a client needs more tasks than there are ideas."""
        chosen: list[TaskIdea] = []
        pool: list[TaskIdea] = []
        while len(chosen) < count:
            pool = pool or [i for i in IDEAS if i.category in categories]
            pick = self.rng.choices(pool, [categories[i.category] for i in pool])[0]
            pool.remove(pick)
            chosen.append(pick)
        return chosen

    def task(
        self,
        idea: TaskIdea,
        opened: date,
        status: str,
        client: Client,
        engagement: Engagement,
        team: list[Person],
        contact: str,
    ) -> _Planned:
        rng, language = self.rng, client.preferred_language
        closed = (
            min(self.today, opened + timedelta(days=rng.randint(0, 8)))
            if status in (Status.DONE, Status.CANCELLED)
            else None
        )
        due_day = (closed or opened) + timedelta(days=rng.randint(0, 3)) if closed else self.open_due_day(opened)
        month = format_date(due_day or opened, "LLLL", locale=language)
        assignees = self.assignees(team)
        task = task_create(
            by=(self.owner or assignees[0]) if rng.random() < 0.15 else assignees[0],
            client=client,
            engagement=engagement,
            title=idea.title(language).format(contact=contact, month=month),
            description=idea.description(language),
            category=idea.category,
            priority=rng.choices([1, 2, 3, 4], [10, 65, 20, 5])[0],
            due_at=datetime.combine(
                due_day, time(rng.choice([9, 10, 11, 13, 14, 15, 16]), rng.choice([0, 30])), self.zone
            )
            if due_day
            else None,
            source=rng.choices([Source.EMAIL, Source.PHONE, Source.MESSAGE, Source.IN_PERSON], [50, 25, 17, 8])[0],
            assignees=assignees,
            checklist=[item.format(contact=contact, month=month) for item in idea.checklist(language)],
        )
        self.follow(task, status, opened, closed, assignees)
        return _Planned(task, status, opened, closed, assignees)

    def statuses_for(self, opened_days: list[date]) -> list[str]:
        """Mostly done when old, mostly open when recent; every client has a new task and one waiting on them."""
        statuses = [self.status_for(day) for day in opened_days]
        for needed in (Status.NEW, Status.WAITING):
            if needed not in statuses:
                spare = next(
                    i
                    for i in reversed(range(len(statuses)))
                    if statuses.count(statuses[i]) > 1 or statuses[i] not in (Status.NEW, Status.WAITING)
                )
                statuses[spare] = needed
        return statuses

    def status_for(self, opened: date) -> str:
        if (self.today - opened).days > 10:
            return self.rng.choices([Status.DONE, Status.CANCELLED, Status.WAITING, Status.IN_PROGRESS], [80, 6, 6, 8])[
                0
            ]
        return self.rng.choices(
            [Status.NEW, Status.PLANNED, Status.IN_PROGRESS, Status.WAITING, Status.DONE], [25, 20, 25, 15, 15]
        )[0]

    def open_due_day(self, opened: date) -> date | None:
        if self.rng.random() < 0.1:
            return None
        return max(
            opened + timedelta(days=1),
            self.today + timedelta(days=self.rng.choice([-3, -1, 0, 0, 0, 1, 1, 2, 3, 5, 7, 10, 14])),
        )

    def assignees(self, team: list[Person]) -> list[Person]:
        lead, backups = team[0], team[1:]
        if not backups:
            return [lead]
        return self.rng.choices([[lead], [backups[0]], [lead, backups[0]]], [70, 20, 10])[0]

    def follow(self, task: Task, status: str, opened: date, closed: date | None, assignees: list[Person]) -> None:
        """Walk the task to its status, comment and tick its checklist on the way, then date it all back."""
        rng = self.rng
        opened_at = self.moment(opened)
        end = self.moment(closed, not_before=opened_at) if closed else self.moment(self.today, not_before=opened_at)
        steps = rng.choice(PATHS[status])
        times = sorted(opened_at + (end - opened_at) * rng.random() for _ in steps[:-1]) + ([end] if steps else [])
        for step in steps:
            task_transition(by=rng.choice(assignees), task=task, to=step)
        self.backdate(task, opened_at, times, end if closed else None)
        self.comments(task, status, opened_at, end, assignees)
        items = list(task.checklist.all())
        ticked = (
            len(items)
            if status == Status.DONE
            else rng.randint(0, len(items))
            if status in (Status.IN_PROGRESS, Status.WAITING)
            else 0
        )
        for item in items[:ticked]:
            checklist_item_toggle(by=rng.choice(assignees), item=item)
            ChecklistItem.objects.filter(pk=item.pk).update(done_at=self.between(opened_at, end))

    def comments(self, task: Task, status: str, opened_at: datetime, end: datetime, assignees: list[Person]) -> None:
        rng, language = self.rng, task.client.preferred_language
        author = rng.choice(assignees)
        if rng.random() < 0.35:
            self.comment(
                task,
                author,
                rng.choice(INTERNAL_COMMENTS[author.language]),
                Comment.Visibility.INTERNAL,
                self.between(opened_at, end),
            )
        if status == Status.WAITING:
            self.comment(task, author, rng.choice(CLIENT_QUESTIONS[language]), Comment.Visibility.CLIENT, end)
        elif status == Status.DONE and rng.random() < 0.35:
            user = task.client.portal_memberships.select_related("person").first()
            if user is not None:
                asked = self.between(opened_at, end)
                self.comment(task, author, rng.choice(CLIENT_QUESTIONS[language]), Comment.Visibility.CLIENT, asked)
                self.comment(
                    task,
                    user.person,
                    rng.choice(CLIENT_REPLIES[language]),
                    Comment.Visibility.CLIENT,
                    self.between(asked, end),
                )
            self.comment(task, author, rng.choice(CLIENT_UPDATES[language]), Comment.Visibility.CLIENT, end)

    def comment(self, task: Task, by: Person, body: str, visibility: str, at: datetime) -> None:
        comment = comment_add(by=by, task=task, body=body, visibility=visibility)
        Comment.objects.filter(pk=comment.pk).update(created_at=at)

    def recurring(self, client: Client, engagement: Engagement) -> list[_Planned]:
        """The monthly invoice run, with its past occurrences spawned as the job would have done and completed."""
        spec = RECURRING
        first_day = (month_start(self.window_start) - timedelta(days=1)).replace(day=25)
        first_due = datetime.combine(first_day, time(10, 0), self.zone)
        parse_rrule(spec["rrule"], first_due)
        template = RecurringTask.objects.create(
            client=client,
            engagement=engagement,
            title=spec["title"],
            description=spec["description"],
            category=spec["category"],
            priority=spec["priority"],
            rrule=spec["rrule"],
            first_due_at=first_due,
            lead_days=spec["lead_days"],
            created_by=self.people[spec["by"]],
        )
        assignees = [self.people[key] for key in spec["assignees"]]
        template.assignees.set(assignees)
        planned = []
        for due in occurrences(template, until=self.now, zone=self.zone):
            spawned_at = due - timedelta(days=template.lead_days)
            recurring_tasks_spawn(now=spawned_at)
            task = template.tasks.get(occurrence_at=due)
            done = due.date() < self.today
            if done:
                task_transition(by=assignees[0], task=task, to=Status.IN_PROGRESS)
                task_transition(by=assignees[0], task=task, to=Status.DONE)
            finished = self.moment(due.date(), not_before=spawned_at)
            self.backdate(
                task,
                spawned_at,
                [self.between(spawned_at, finished), finished] if done else [],
                finished if done else None,
            )
            planned.append(_Planned(task, task.status, spawned_at.date(), due.date() if done else None, assignees))
        return planned

    def portal_request(self, client: Client) -> None:
        spec = PORTAL_REQUEST
        thursday = self.today + timedelta(days=7 + (3 - self.today.weekday()) % 7)
        task = task_request(
            by=self.people[spec["by"]],
            client=client,
            title=spec["title"],
            description=spec["description"],
            due_at=datetime.combine(thursday, time(17, 30), self.zone),
        )
        self.backdate(task, self.moment(self.today - timedelta(days=1)), [], None)

    # --- hours ----------------------------------------------------------------------------------

    def hours(
        self, engagement: Engagement, spec: EngagementSpec, planned: list[_Planned], team: list[Person], language: str
    ) -> None:
        last = min(self.today, engagement.ends_on or self.today)
        days = working_days(max(self.window_start, engagement.starts_on), last)
        for bucket, target in self.buckets(engagement, spec, days):
            for day, minutes in self.plan(bucket, target, engagement.billing_increment_minutes):
                self.log(engagement, day, minutes, planned, team, language)

    def buckets(
        self, engagement: Engagement, spec: EngagementSpec, days: list[date]
    ) -> Iterator[tuple[list[date], int]]:
        """The days and the billed minutes to spend on them: per month for retainers and hourly work, once for the rest."""
        if spec.kind in (Engagement.Kind.RETAINER, Engagement.Kind.HOURLY):
            base = engagement.monthly_hours if spec.kind == Engagement.Kind.RETAINER else spec.base_hours
            by_month: dict[date, list[date]] = defaultdict(list)
            for day in days:
                by_month[month_start(day)].append(day)
            for index, (month, month_days) in enumerate(sorted(by_month.items())):
                share = len(month_days) / len(working_days(month, month_end(month)))
                yield (
                    month_days,
                    int(Decimal(base or 0) * 60 * Decimal(spec.usage[index % len(spec.usage)]) * Decimal(share)),
                )
        else:
            total = engagement.bundle_hours if spec.kind == Engagement.Kind.BUNDLE else engagement.budget_hours
            yield days, int(Decimal(total or 0) * 60 * Decimal(spec.usage[0]))

    def plan(self, days: list[date], target: int, increment: int) -> list[tuple[date, int]]:
        """Entries whose billed minutes, rounded as the engagement rounds them, add up to just under `target`."""
        entries, billed = [], 0
        while days:
            fitting = [m for m in ENTRY_SIZES if billed + billed_minutes(m, increment=increment) <= target]
            if not fitting:
                break
            minutes = self.rng.choice(fitting)
            entries.append((self.rng.choice(days), minutes))
            billed += billed_minutes(minutes, increment=increment)
        return sorted(entries)

    def log(
        self,
        engagement: Engagement,
        day: date,
        minutes: int,
        planned: list[_Planned],
        team: list[Person],
        language: str,
    ) -> None:
        rng = self.rng
        active = [p for p in planned if p.status in WORKED_STATUSES and p.opened <= day <= (p.closed or self.today)]
        if active and rng.random() < 0.85:
            chosen = rng.choice(active)
            task, person, note = chosen.task, rng.choice(chosen.assignees), ""
        else:
            task, person, note = None, team[0], rng.choice(GENERAL_NOTES[language])
        self.entry(engagement, day, minutes, task, person, note)
        if engagement.kind == Engagement.Kind.HOURLY and rng.random() < 0.05:
            # Now and then an assistant learns a client's tools on their own time.
            self.entry(
                engagement, day, rng.choice([15, 30, 45]), task, person, NON_BILLABLE_NOTES[language], billable=False
            )

    def entry(
        self,
        engagement: Engagement,
        day: date,
        minutes: int,
        task: Task | None,
        person: Person,
        note: str,
        *,
        billable: bool = True,
    ) -> None:
        entry = time_entry_log(
            by=person, engagement=engagement, work_date=day, minutes=minutes, task=task, note=note, billable=billable
        )
        logged = self.moment(day)
        TimeEntry.objects.filter(pk=entry.pk).update(created_at=logged, updated_at=logged)

    # --- time -----------------------------------------------------------------------------------

    def moment(self, day: date, *, not_before: datetime | None = None) -> datetime:
        """A time in office hours on `day`, never before `not_before` and never in the future."""
        at = datetime.combine(day, time(8, 30), self.zone) + timedelta(minutes=self.rng.randint(0, 9 * 60))
        if not_before is not None and at < not_before:
            at = not_before + timedelta(minutes=self.rng.randint(5, 90))
        return min(at, self.now - timedelta(minutes=1))

    def between(self, start: datetime, end: datetime) -> datetime:
        return start + (end - start) * self.rng.random() if end > start else start

    def backdate(self, task: Task, opened_at: datetime, step_times: list[datetime], closed_at: datetime | None) -> None:
        Task.objects.filter(pk=task.pk).update(
            created_at=opened_at, updated_at=(step_times or [opened_at])[-1], closed_at=closed_at
        )
        for transition, at in zip(task.transitions.order_by("id"), [opened_at, *step_times], strict=False):
            Transition.objects.filter(pk=transition.pk).update(at=at)


def _summary(organisations: list[Organisation]) -> DemoSummary:
    clients = Client.objects.filter(organisation__in=organisations)
    return DemoSummary(
        organisations=len(organisations),
        people=Person.objects.filter(memberships__organisation__in=organisations).distinct().count(),
        clients=clients.count(),
        engagements=Engagement.objects.filter(client__in=clients).count(),
        tasks=Task.objects.filter(client__in=clients).count(),
        time_entries=TimeEntry.objects.filter(engagement__client__in=clients).count(),
        dossier_facts=DossierFact.objects.filter(client__in=clients).count(),
    )
