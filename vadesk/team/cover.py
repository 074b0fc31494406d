"""Open work at the start and the end of an absence (issue 14 point 5), run daily by `team.cover` and right
after an absence is approved or cancelled.

1. An approved whole-day absence that has started: for each client of the absent person (on its team, or
   with an open task of theirs), the first present member of its team in the order of cover (the same rule
   routing uses; the owners when nobody is) becomes its `Cover`. Presence is judged on the first working day
   from today on (a weekday, not a public holiday of the organisation's country), so an absence that starts on
   a Saturday or on Christmas Day is not covered by the owners because the team is off.
2. Every open task of that client the absent person is assigned to: *cover* adds the cover as co-assignee
   (the absent person stays), *hand over* also takes the absent person off. What was done is kept
   (`CoverChange`, one per cover and task), so a second run finds it and changes nothing.
3. When the absence is over (its last day has passed, or it no longer stands), each task still untouched
   since (no comment, time entry or status change) is put back as it was; a task worked on stays as it is.
4. A task never ends without an assignee: nobody is taken off unless someone else is on it. Each change is a
   line in the task's history (`RoutingNote`) with the reason.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from vadesk.accounts.models import Membership, Organisation, Person
from vadesk.clients.models import Client
from vadesk.tasks.models import Comment, RoutingNote, Task, Transition
from vadesk.tasks.open_work import footprints, open_work_move
from vadesk.tasks.routing import Rule
from vadesk.tasks.services import task_assigned
from vadesk.team.capacity import public_holiday
from vadesk.team.models import Absence, Cover, CoverChange
from vadesk.team.presence import HOLIDAY_COUNTRIES
from vadesk.team.routing import absence_aware_route
from vadesk.timesheets.models import TimeEntry

NOON = time(12, 0)


def covers_refresh(*, organisation: Organisation, today: date) -> int:
    """End the covers of absences that are over, then start those of absences that began; the changes made."""
    return covers_end(organisation=organisation, today=today) + covers_start(organisation=organisation, today=today)


def first_working_day(day: date, country: str) -> date:
    """The first day from `day` on that is a weekday and not a public holiday of the organisation's country (the
    coverage check's working day): the team is off on the others, so they say nothing about who covers."""
    for _ in range(14):  # a fortnight always holds a working day
        if day.weekday() < 5 and not (country in HOLIDAY_COUNTRIES and public_holiday(country, "", day)):
            break
        day += timedelta(days=1)
    return day


def _name(person: Person) -> str:
    return person.first_name or str(person)


def covers_start(*, organisation: Organisation, today: date) -> int:
    absences = Absence.objects.filter(
        organisation=organisation,
        status=Absence.Status.APPROVED,
        part=Absence.Part.WHOLE,
        start_date__lte=today,
        end_date__gte=today,
    ).select_related("person")
    changed = 0
    for absence in absences:
        day = first_working_day(today, organisation.country)
        if day > absence.end_date:
            continue  # only a weekend or holidays left: nothing arrives that needs a cover
        at = datetime.combine(day, NOON, tzinfo=ZoneInfo(organisation.time_zone))
        for client in clients_of(absence):
            changed += _start_client(absence, client, at)
    return changed


def clients_of(absence: Absence) -> list[Client]:
    """The clients whose team the absent person is on, and those with an open task of theirs."""
    on_team = Q(assignments__person_id=absence.person_id)
    with_tasks = Q(
        Exists(Task.objects.open().filter(client_id=OuterRef("pk"), assignees=absence.person_id)),
    )
    return list(
        Client.objects.filter(organisation_id=absence.organisation_id, archived_at=None)
        .filter(on_team | with_tasks)
        .select_related("organisation")
        .distinct()
        .order_by("name", "pk")
    )


def _covers_for(absence: Absence, client: Client, at: datetime) -> list[Cover]:
    """The client's covers for this absence: those already chosen (a second run keeps them), else the route's."""
    kept = list(Cover.objects.filter(absence=absence, client=client, ended_at=None).select_related("person"))
    if kept:
        return kept
    route = absence_aware_route(client=client, category="", at=at)
    people = [p for p in route.people if p.pk != absence.person_id]
    return [Cover.objects.get_or_create(absence=absence, client=client, person=p)[0] for p in people]


@transaction.atomic
def _start_client(absence: Absence, client: Client, at: datetime) -> int:
    covers = _covers_for(absence, client, at)
    if not covers:
        return 0  # nobody but the absent person (a solo VA): the work stays theirs
    done = CoverChange.objects.filter(cover__absence=absence, task_id=OuterRef("pk"))
    tasks = (
        Task.objects.open()
        .filter(client=client, assignees=absence.person_id)
        .exclude(Exists(done))
        .prefetch_related("assignees")
        .select_for_update(of=("self",))
        .order_by("pk")  # the order every writer of several tasks locks them in
    )
    hand_over = absence.open_work == Absence.OpenWork.HAND_OVER
    locked = list(tasks)
    kept = footprints([task.pk for task in locked])
    changed = 0
    for task in locked:
        before = {p.pk for p in task.assignees.all()}
        added = [c.person for c in covers if c.person_id not in before]
        task.assignees.add(*added)
        remove = hand_over and any(c.person_id != absence.person_id for c in covers)
        if remove:
            task.assignees.remove(absence.person_id)
        CoverChange.objects.bulk_create(
            [CoverChange(cover=c, task=task, added=c.person_id not in before, removed_absent=remove) for c in covers]
        )
        RoutingNote.objects.create(
            task=task,
            reason={
                "rule": Rule.HAND_OVER if remove else Rule.COVER,
                "to": [str(c.person) for c in covers],
                "away": [[_name(absence.person), absence.end_date.isoformat()]],
                "skill": "",
            },
        )
        if added:
            task_assigned.fire(task=task, people=added, by=None)
        changed += 1
    open_work_move(kept, footprints(kept))
    return changed


def covers_end(*, organisation: Organisation, today: date) -> int:
    over = Q(absence__end_date__lt=today) | ~Q(absence__status=Absence.Status.APPROVED)
    covers = list(
        Cover.objects.filter(absence__organisation=organisation, ended_at=None)
        .filter(over)
        .select_related("absence__person", "person")
    )
    by_absence: dict[int, list[Cover]] = defaultdict(list)
    for cover in covers:
        by_absence[cover.absence_id].append(cover)
    changed = 0
    for group in by_absence.values():
        changed += _end_absence(group)
    return changed


@dataclass
class _TaskChanges:
    task: Task
    changes: list[CoverChange]


@transaction.atomic
def _end_absence(covers: list[Cover]) -> int:
    absence = covers[0].absence
    now = timezone.now()
    rows = (
        CoverChange.objects.filter(cover__in=covers, undone_at=None)
        .select_related("cover__person", "task")
        .select_for_update(of=("self",))
    )
    per_task: dict[int, _TaskChanges] = {}
    for row in rows:
        per_task.setdefault(row.task_id, _TaskChanges(task=row.task, changes=[])).changes.append(row)
    still_staff = Membership.objects.filter(
        organisation_id=absence.organisation_id,
        person_id=absence.person_id,
        is_active=True,
        role__in=[Membership.Role.OWNER, Membership.Role.ASSISTANT],
    ).exists()
    kept = footprints(per_task, lock=True)
    changed = 0
    for item in per_task.values():
        changed += _end_task(absence, item, still_staff=still_staff, now=now)
    open_work_move(kept, footprints(kept))
    Cover.objects.filter(pk__in=[c.pk for c in covers]).update(ended_at=now)
    return changed


def touched_since(task: Task, since: datetime) -> bool:
    """Worked on after `since`: a comment, a time entry or a status change."""
    return (
        Comment.objects.filter(task=task, created_at__gt=since).exists()
        or Transition.objects.filter(task=task, at__gt=since).exists()
        or TimeEntry.objects.filter(task=task, created_at__gt=since).exists()
    )


def _end_task(absence: Absence, item: _TaskChanges, *, still_staff: bool, now: datetime) -> int:
    task, changes = item.task, item.changes
    since = min(c.applied_at for c in changes)
    cover_names = [str(c.cover.person) for c in changes]
    CoverChange.objects.filter(pk__in=[c.pk for c in changes]).update(undone_at=now)
    if not task.is_open or touched_since(task, since) or not still_staff:
        CoverChange.objects.filter(pk__in=[c.pk for c in changes]).update(kept=True)
        RoutingNote.objects.create(task=task, reason={"rule": Rule.KEPT_BY_COVER, "to": cover_names, "away": []})
        return 0
    if any(c.removed_absent for c in changes):
        task.assignees.add(absence.person_id)
    added = [c.cover.person_id for c in changes if c.added and c.cover.person_id != absence.person_id]
    if task.assignees.exclude(pk__in=added).exists():  # never without an assignee
        task.assignees.remove(*added)
    RoutingNote.objects.create(task=task, reason={"rule": Rule.RETURNED, "to": [str(absence.person)], "away": []})
    return 1


@dataclass(frozen=True)
class Covering:
    client: Client
    absent: str  # first name only: colleagues and clients see who, never the type
    since: date
    until: date


def covering_for(person: Person, organisation_id: int, today: date) -> list[Covering]:
    """The clients `person` covers today, for whom, since and until when (their *today* page)."""
    rows = (
        Cover.objects.filter(
            person=person,
            ended_at=None,
            absence__organisation_id=organisation_id,
            absence__status=Absence.Status.APPROVED,
            absence__end_date__gte=today,
        )
        .select_related("client", "absence__person")
        .order_by("absence__end_date", "client__name")
    )
    return [
        Covering(client=r.client, absent=_name(r.absence.person), since=r.absence.start_date, until=r.absence.end_date)
        for r in rows
    ]


@dataclass(frozen=True)
class HelpLine:
    absent: str
    until: date
    helpers: list[str]


def help_lines_for_client(client: Client, today: date) -> list[HelpLine]:
    """For the client's portal: who of its team is away until when and who helps meanwhile (never the type)."""
    rows = (
        Cover.objects.filter(
            client=client,
            ended_at=None,
            absence__status=Absence.Status.APPROVED,
            absence__start_date__lte=today,
            absence__end_date__gte=today,
        )
        .select_related("absence__person", "person")
        .order_by("absence__end_date", "absence_id", "pk")
    )
    lines: dict[int, HelpLine] = {}
    for row in rows:
        line = lines.setdefault(
            row.absence_id, HelpLine(absent=_name(row.absence.person), until=row.absence.end_date, helpers=[])
        )
        line.helpers.append(_name(row.person))
    return list(lines.values())
