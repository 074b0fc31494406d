"""Time entries and the timer. Every write goes through the timesheet services, which check the balance."""

from base64 import urlsafe_b64decode, urlsafe_b64encode
from datetime import date

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Person
from vadesk.api.auth import person_of
from vadesk.api.types import (
    ClientRef,
    Day,
    EngagementRef,
    Id,
    Input,
    MeOrId,
    PersonRef,
    TaskRef,
    Timestamp,
)
from vadesk.clients.models import Client
from vadesk.engagements.scoping import engagement_for
from vadesk.tasks.models import Task
from vadesk.tasks.scoping import task_for
from vadesk.timesheets import services
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.scoping import time_entries_for, time_entry_for

router = Router(tags=["time entries"])

MAX_LIMIT = 200
MAX_OFFSET = 10_000  # deeper pages by `cursor`: an offset costs what it skips
COUNT_CAP = 1_000  # the count stops here, so a page never counts a whole practice's history
CURSOR_MAX = 40


class TimeEntryOut(Schema):
    id: int
    client: ClientRef
    engagement: EngagementRef
    task: TaskRef | None
    person: PersonRef
    work_date: date
    started_at: Timestamp | None
    ended_at: Timestamp | None
    is_running: bool
    worked_minutes: int
    billed_minutes: int
    note: str = Field(description="Internal to the team: empty for the client's own users")
    client_note: str = Field(description="The note for the client, as their work log shows it")
    billable: bool
    invoiced_at: Timestamp | None
    invoice_reference: str
    created_at: Timestamp
    updated_at: Timestamp

    @staticmethod
    def resolve_client(entry: TimeEntry) -> Client:
        return entry.engagement.client

    @staticmethod
    def resolve_note(entry: TimeEntry, context) -> str:
        # Issue 11: the internal note never reaches the client; only the client's organisation's staff read it.
        person = person_of(context["request"])
        return entry.note if entry.engagement.client.organisation_id in reach_of(person).staff_of else ""


class TimeEntryPage(Schema):
    count: int = Field(description=f"Matching entries, counted up to {COUNT_CAP:,}")
    count_capped: bool = Field(description=f"True when more than {COUNT_CAP:,} match: `count` is then {COUNT_CAP:,}")
    limit: int
    offset: int
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
    items: list[TimeEntryOut]


class TimeEntryFilters(Input):
    client: Id | None = None
    engagement: Id | None = None
    person: MeOrId | None = Field(None, description="`me` or a person's id")
    from_: Day | None = Field(None, alias="from", description="First work date, inclusive")
    to: Day | None = Field(None, description="Last work date, inclusive")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Entries to skip; for deep pages use `cursor`")
    cursor: str | None = Field(
        None, max_length=CURSOR_MAX, description="`next_cursor` of the previous page: the page after it"
    )


def encode_cursor(work_date: date, pk: int) -> str:
    """The position after an entry in newest-first order: its date and id, opaque to clients."""
    return urlsafe_b64encode(f"{work_date.isoformat()}.{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[date, int]:
    try:
        text = urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        day, pk = text.split(".")
        return date.fromisoformat(day), int(pk)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError({"cursor": _("This cursor is not one a page of time entries gave.")}) from None


class TimeEntryIn(Input):
    engagement: Id
    work_date: Day
    minutes: int = Field(description="Minutes worked; billing rounds them by the engagement's terms")
    task: Id | None = None
    note: str = Field("", max_length=500, description="Internal to the team")
    client_note: str = Field("", max_length=500, description="What the client reads in their work log")
    billable: bool = True


class TimeEntryPatch(Input):
    """Only the fields sent are changed; the entry is then checked again as if it were new."""

    engagement: Id | None = None
    work_date: Day | None = None
    minutes: int | None = None
    task: Id | None = None
    note: str | None = Field(None, max_length=500)
    client_note: str | None = Field(None, max_length=500)
    billable: bool | None = None


class TimerStartIn(Input):
    engagement: Id
    task: Id | None = None
    note: str = Field("", max_length=500)
    client_note: str = Field("", max_length=500)


class TimerStopIn(Input):
    billable: bool | None = None


def _shown(person: Person, entry: TimeEntry) -> TimeEntry:
    return time_entry_for(person, entry.pk)


def _task(person: Person, pk: int | None) -> Task | None:
    return None if pk is None else task_for(person, pk)


@router.get("/time-entries", response=TimeEntryPage)
def list_time_entries(request: HttpRequest, filters: Query[TimeEntryFilters]):
    """Newest work first."""
    person = person_of(request)
    entries = time_entries_for(person)
    if filters.client is not None:
        entries = entries.filter(engagement__client_id=filters.client)
    if filters.engagement is not None:
        entries = entries.filter(engagement_id=filters.engagement)
    if filters.person is not None:
        entries = entries.filter(person_id=person.pk if filters.person == "me" else filters.person)
    if filters.from_ is not None:
        entries = entries.filter(work_date__gte=filters.from_)
    if filters.to is not None:
        entries = entries.filter(work_date__lte=filters.to)
    counted = entries.order_by()[: COUNT_CAP + 1].count()
    if filters.cursor:
        day, pk = decode_cursor(filters.cursor)
        # A range on the leading column (not an OR), so both databases start the index walk at the cursor.
        entries = entries.filter(work_date__lte=day).exclude(work_date=day, id__gte=pk)
    # Newest first along the (work_date DESC, id DESC) index: a page reads `limit` rows, however deep it is.
    page = list(
        entries.select_related("engagement__client", "task", "person").order_by("-work_date", "-id")[
            filters.offset : filters.offset + filters.limit + 1
        ]
    )
    more = len(page) > filters.limit
    page = page[: filters.limit]
    return {
        "count": min(counted, COUNT_CAP),
        "count_capped": counted > COUNT_CAP,
        "limit": filters.limit,
        "offset": filters.offset,
        "next_cursor": encode_cursor(page[-1].work_date, page[-1].pk) if more else None,
        "items": page,
    }


@router.get("/time-entries/{entry_id}", response=TimeEntryOut)
def get_time_entry(request: HttpRequest, entry_id: Id):
    return time_entry_for(person_of(request), entry_id)


@router.post("/time-entries", response={201: TimeEntryOut})
def log_time(request: HttpRequest, payload: TimeEntryIn):
    person = person_of(request)
    entry = services.time_entry_log(
        by=person,
        engagement=engagement_for(person, payload.engagement),
        work_date=payload.work_date,
        minutes=payload.minutes,
        task=_task(person, payload.task),
        note=payload.note,
        client_note=payload.client_note,
        billable=payload.billable,
    )
    return _shown(person, entry)


@router.patch("/time-entries/{entry_id}", response=TimeEntryOut)
def correct_time_entry(request: HttpRequest, entry_id: Id, payload: TimeEntryPatch):
    person = person_of(request)
    entry = time_entry_for(person, entry_id)
    sent = payload.dict(exclude_unset=True)
    # Unsent fields keep their value; only `task` may be cleared by sending null.
    entry = services.time_entry_correct(
        by=person,
        entry=entry,
        engagement=engagement_for(person, payload.engagement) if payload.engagement is not None else entry.engagement,
        task=_task(person, payload.task) if "task" in sent else entry.task,
        minutes=payload.minutes if payload.minutes is not None else entry.worked_minutes,
        work_date=payload.work_date or entry.work_date,
        note=payload.note if payload.note is not None else entry.note,
        client_note=payload.client_note if payload.client_note is not None else entry.client_note,
        billable=payload.billable if payload.billable is not None else entry.billable,
    )
    return _shown(person, entry)


@router.delete("/time-entries/{entry_id}", response={204: None})
def delete_time_entry(request: HttpRequest, entry_id: Id):
    person = person_of(request)
    services.time_entry_delete(by=person, entry=time_entry_for(person, entry_id))
    return None


@router.post("/timer/start", response={201: TimeEntryOut}, tags=["timer"])
def start_timer(request: HttpRequest, payload: TimerStartIn):
    """Start timing; a timer already running is stopped and saved first."""
    person = person_of(request)
    entry = services.timer_start(
        by=person,
        engagement=engagement_for(person, payload.engagement),
        task=_task(person, payload.task),
        note=payload.note,
        client_note=payload.client_note,
    )
    return _shown(person, entry)


@router.post("/timer/stop", response=TimeEntryOut, tags=["timer"])
def stop_timer(request: HttpRequest, payload: TimerStopIn | None = None):
    person = person_of(request)
    running = TimeEntry.objects.filter(person=person).running().first()
    if running is None:
        raise ValidationError(_("No timer is running."))
    return _shown(person, services.timer_stop(by=person, entry=running, billable=payload.billable if payload else None))
