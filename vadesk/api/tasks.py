"""Tasks: the team's work queue and the client's requests, with their workflow."""

from base64 import urlsafe_b64decode, urlsafe_b64encode
from datetime import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from vadesk.accounts.models import Membership, Person
from vadesk.api.auth import person_of
from vadesk.api.patching import changes
from vadesk.api.types import (
    ClientRef,
    EngagementRef,
    Id,
    Input,
    Instant,
    MeOrId,
    PersonRef,
    Timestamp,
)
from vadesk.clients.models import Client
from vadesk.clients.scoping import client_for, is_staff_for
from vadesk.engagements.models import Engagement
from vadesk.engagements.scoping import engagement_for
from vadesk.tasks import services
from vadesk.tasks.models import OPEN_STATUSES, Category, Priority, Source, Status, Task
from vadesk.tasks.scoping import task_for, tasks_for

router = Router(tags=["tasks"])

MAX_LIMIT = 200
MAX_OFFSET = 10_000  # deeper pages by `cursor`: an offset costs what it skips
COUNT_CAP = 1_000  # the count stops here, so a page never counts a whole practice's tasks
CURSOR_MAX = 80

Title = Annotated[str, Field(max_length=200)]

# The workflow's statuses and `open`; a test keeps this in step with tasks.models.Status.
StatusFilter = Literal["open", "new", "planned", "in_progress", "waiting", "done", "cancelled"]


class ChecklistItemOut(Schema):
    id: int
    text: str
    done_at: Timestamp | None


class TaskOut(Schema):
    id: int
    client: ClientRef
    engagement: EngagementRef | None
    title: str
    category: Category
    priority: Priority
    status: Status
    source: Source
    due_at: Timestamp | None
    assignees: list[PersonRef]
    created_at: Timestamp
    updated_at: Timestamp
    closed_at: Timestamp | None
    allowed_transitions: list[Status]


class TaskDetailOut(TaskOut):
    description: str
    created_by: PersonRef | None
    checklist: list[ChecklistItemOut]


class TaskPage(Schema):
    count: int = Field(description=f"Matching tasks, counted up to {COUNT_CAP:,}")
    count_capped: bool = Field(description=f"True when more than {COUNT_CAP:,} match: `count` is then {COUNT_CAP:,}")
    limit: int
    offset: int
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
    items: list[TaskOut]


class TaskFilters(Input):
    status: StatusFilter | None = Field(
        None, description="A status, or `open` for new, planned, in progress and waiting"
    )
    client: Id | None = None
    assignee: MeOrId | None = Field(None, description="`me` or a person's id")
    q: str = Field("", description="Part of the title")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Tasks to skip; for deep pages use `cursor`")
    cursor: str | None = Field(
        None, max_length=CURSOR_MAX, description="`next_cursor` of the previous page: the page after it"
    )


# The list's order, due date first (undated last), then priority high to low, then id: a cursor is the
# position after one task in it.
Position = tuple[datetime | None, int, int]


def encode_cursor(due_at: datetime | None, priority: int, pk: int) -> str:
    text = f"{due_at.isoformat() if due_at else ''}|{priority}|{pk}"
    return urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    try:
        text = urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        due, priority, pk = text.split("|")
        due_at = datetime.fromisoformat(due) if due else None
        if due_at is not None and due_at.tzinfo is None:
            raise ValueError(due)
        return due_at, int(priority), int(pk)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError({"cursor": _("This cursor is not one a page of tasks gave.")}) from None


def _keys_after(tasks: QuerySet[Task], position: Position | None, wanted: int) -> list[Position]:
    """The positions of the next `wanted` tasks after `position`, in at most two index walks.

    1. Dated tasks first: a range on `due_at` from the cursor's date (the leading column of `task_due_first`),
       without the tasks of that same date the cursor has passed.
    2. The undated tasks, by priority and id, after the cursor if it is among them; read even when the dated ones
       fill the page, so that a page costs the same queries whether the dated tasks run out on it or not.
    Each walk orders along the index and stops after `wanted` rows, however deep the cursor is."""
    keys: list[Position] = []
    due, priority, pk = position if position else (None, 0, 0)
    if position is None or due is not None:
        dated = tasks.filter(due_at__isnull=False)
        if due is not None:
            dated = dated.filter(due_at__gte=due).exclude(due_at=due, priority__gt=priority)
            dated = dated.exclude(due_at=due, priority=priority, id__lte=pk)
        keys += dated.order_by("due_at", "-priority", "id").values_list("due_at", "priority", "id")[:wanted]
    undated = tasks.filter(due_at__isnull=True)
    if position is not None and due is None:
        undated = undated.exclude(priority__gt=priority).exclude(priority=priority, id__lte=pk)
    keys += undated.order_by("-priority", "id").values_list("due_at", "priority", "id")[:wanted]
    return keys[:wanted]


class TaskIn(Input):
    """A client user may send only client, title, description and due_at: their task lands as a portal request."""

    client: Id
    title: Title
    description: str = ""
    category: Category = Category.OTHER
    priority: Priority = Priority.NORMAL
    due_at: Instant | None = None
    source: Source = Source.EMAIL
    engagement: Id | None = Field(None, description="Defaults to the client's only active engagement")
    assignees: list[Id] = []
    checklist: list[Annotated[str, Field(max_length=200)]] = []


class TaskPatch(Input):
    title: Title | None = None
    description: str | None = None
    category: Category | None = None
    priority: Priority | None = None
    due_at: Instant | None = None
    engagement: Id | None = None
    assignees: list[Id] | None = None


class TransitionIn(Input):
    to: Status


def _listed(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Everything TaskOut shows, in a fixed number of queries however many tasks there are."""
    people = Person.objects.only("id", "full_name")
    return tasks.select_related("client", "engagement").prefetch_related(Prefetch("assignees", queryset=people))


def _detailed(task: Task) -> Task:
    return _listed(Task.objects.filter(pk=task.pk)).select_related("created_by").prefetch_related("checklist").get()


@router.get("/tasks", response=TaskPage)
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]):
    """Open work first by due date (undated last), then by priority."""
    person = person_of(request)
    tasks = tasks_for(person)
    if filters.status == "open":
        tasks = tasks.filter(status__in=OPEN_STATUSES)
    elif filters.status is not None:
        tasks = tasks.filter(status=filters.status)
    if filters.client is not None:
        tasks = tasks.filter(client_id=filters.client)
    if filters.assignee is not None:
        tasks = tasks.filter(assignees=person.pk if filters.assignee == "me" else int(filters.assignee))
    if filters.q.strip():
        tasks = tasks.filter(Q(title__icontains=filters.q.strip()))
    counted = tasks.order_by()[: COUNT_CAP + 1].count()
    if filters.offset and not filters.cursor:
        ordered = tasks.order_by(F("due_at").asc(nulls_last=True), "-priority", "id")
        keys = list(
            ordered.values_list("due_at", "priority", "id")[filters.offset : filters.offset + filters.limit + 1]
        )
    else:
        position = decode_cursor(filters.cursor) if filters.cursor else None
        keys = _keys_after(tasks, position, filters.limit + 1)
    more = len(keys) > filters.limit
    keys = keys[: filters.limit]
    shown = {task.pk: task for task in _listed(Task.objects.filter(pk__in=[k[2] for k in keys])).defer("description")}
    return {
        "count": min(counted, COUNT_CAP),
        "count_capped": counted > COUNT_CAP,
        "limit": filters.limit,
        "offset": filters.offset,
        "next_cursor": encode_cursor(*keys[-1]) if more else None,
        "items": [shown[k[2]] for k in keys],
    }


@router.get("/tasks/{task_id}", response=TaskDetailOut)
def get_task(request: HttpRequest, task_id: Id):
    return _detailed(task_for(person_of(request), task_id))


@router.post("/tasks", response={201: TaskDetailOut})
def create_task(request: HttpRequest, payload: TaskIn):
    person = person_of(request)
    client = client_for(person, payload.client)
    if not is_staff_for(person, client):
        task = services.task_request(
            by=person, client=client, title=payload.title, description=payload.description, due_at=payload.due_at
        )
        return _detailed(task)
    task = services.task_create(
        by=person,
        client=client,
        title=payload.title,
        description=payload.description,
        category=payload.category,
        priority=payload.priority,
        due_at=payload.due_at,
        source=payload.source,
        engagement=_engagement(person, payload.engagement),
        assignees=_team(client, payload.assignees),
        checklist=payload.checklist,
    )
    return _detailed(task)


@router.patch("/tasks/{task_id}", response=TaskDetailOut)
def update_task(request: HttpRequest, task_id: Id, payload: TaskPatch):
    person = person_of(request)
    task = task_for(person, task_id, write=True)
    fields = changes(payload, Task)
    if "engagement" in fields:
        fields["engagement"] = _engagement(person, fields["engagement"])
    if "assignees" in fields:
        fields["assignees"] = _team(task.client, fields["assignees"])
    services.task_update(by=person, task=task, **fields)
    return _detailed(task)


@router.post("/tasks/{task_id}/transition", response=TaskDetailOut)
def transition_task(request: HttpRequest, task_id: Id, payload: TransitionIn):
    person = person_of(request)
    task = services.task_transition(by=person, task=task_for(person, task_id, write=True), to=payload.to)
    return _detailed(task)


def _engagement(person: Person, pk: int | None) -> Engagement | None:
    return None if pk is None else engagement_for(person, pk)


def _team(client: Client, ids: list[int]) -> list[Person]:
    """Assignees by id, among the staff of the client's organisation; the service then checks the client's team.

    Ids outside the organisation are refused without a name, so no one learns who they are.
    """
    staff = Membership.objects.filter(
        organisation_id=client.organisation_id,
        is_active=True,
        role__in=[Membership.Role.OWNER, Membership.Role.ASSISTANT],
    )
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids, memberships__in=staff)}
    unknown = [pk for pk in ids if pk not in people]
    if unknown:
        raise ValidationError(
            {"assignees": _("No one with id %(id)s works in this organisation.") % {"id": unknown[0]}}
        )
    return [people[pk] for pk in dict.fromkeys(ids)]
