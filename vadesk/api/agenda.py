"""REST API for the agenda: calendars, occurrences, slots, bookings. Registered in vadesk/api/main.py."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema

from vadesk.agenda import ical, proposals, scoping, services, slots
from vadesk.agenda.jobs import calendar_import_job
from vadesk.agenda.models import Calendar, Event
from vadesk.api.auth import person_of
from vadesk.api.runs import RunOut, run_out
from vadesk.api.types import Id, Input, Instant, Timestamp
from vadesk.jobs.models import JobRun
from vadesk.jobs.runs import run_start
from vadesk.tasks.scoping import task_for

router = Router(tags=["agenda"])


class CalendarOut(Schema):
    id: int
    party_id: int
    party_name: str = Field(alias="party.name")
    client_id: int | None = Field(alias="party.client_id")
    name: str
    source: Calendar.Source
    writable: bool
    last_synced_at: Timestamp | None
    last_error: str
    import_problems: list[str] = Field(description="What the last import or sync left out, by object")
    unread_series: list[str] = Field(description="Series the last expansion left out: their times may be busy")


class OccurrenceOut(Schema):
    event_id: int
    summary: str
    start: str
    end: str
    kind: str
    busy: bool
    status: str


class Window(Input):
    start: Instant
    end: Instant


@router.get("/calendars", response=list[CalendarOut])
def list_calendars(request: HttpRequest):
    return scoping.visible_calendars(person_of(request)).select_related("party").order_by("party__name", "name", "id")


@router.get("/calendars/{calendar_id}/occurrences", response=list[OccurrenceOut])
def list_occurrences(request: HttpRequest, calendar_id: Id, window: Query[Window]):
    """Stored occurrences overlapping the window. Floating and all-day ones are given as wall-clock times without an offset."""
    calendar = scoping.calendar_visible(person_of(request), calendar_id)
    if window.end <= window.start or window.end - window.start > timedelta(days=92):
        raise ValidationError({"end": [_("The window must end after it starts and span at most 92 days.")]})
    pad = timedelta(days=1, hours=2)
    rows = calendar.occurrences.filter(start__lt=window.end + pad, end__gt=window.start - pad).order_by("start")
    return [
        OccurrenceOut(
            event_id=o.event_id,
            summary=o.summary,
            kind=o.kind,
            busy=o.busy,
            status=o.status,
            start=o.start.isoformat().replace("+00:00", "Z")
            if o.kind == "fixed"
            else o.start.replace(tzinfo=None).isoformat(),
            end=o.end.isoformat().replace("+00:00", "Z")
            if o.kind == "fixed"
            else o.end.replace(tzinfo=None).isoformat(),
        )
        for o in rows
    ]


class ImportIn(Input):
    # The request body is bounded first (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB unless configured: a 413); the
    # pages take a file of up to 10 MB.
    ics: str = Field(max_length=ical.MAX_ICS_BYTES, description="The whole .ics file as text")


@router.post("/calendars/{calendar_id}/import", response={202: RunOut})
def import_calendar(request: HttpRequest, calendar_id: Id, payload: ImportIn):
    """Put an .ics file into an uploaded-file calendar, as background work: the answer is the run to follow
    (`status_url`), whose messages name each event left out. A file that cannot be used changes nothing."""
    person = person_of(request)
    calendar = scoping.calendar_staffed(person, calendar_id)
    if calendar.source != Calendar.Source.UPLOAD:
        raise ValidationError({"ics": [_("Only an uploaded-file calendar takes a file.")]})
    data = payload.ics.encode()
    if len(data) > ical.MAX_ICS_BYTES:
        raise ValidationError({"ics": [_("The file is too large: at most 10 MB is accepted.")]})
    run = run_start(
        by=person,
        organisation=calendar.party.organisation,
        job=calendar_import_job,
        title=gettext_noop("Import into %(calendar)s"),
        params={"calendar": calendar.name[:100]},
        audience=JobRun.Audience.STARTER,
        upload=ContentFile(data),
        upload_name="calendar.ics",
        calendar_id=calendar.pk,
        organisation_id=calendar.party.organisation_id,
    )
    return run_out(request, run)


class FeedOut(Schema):
    url: str | None


@router.post("/calendars/{calendar_id}/feed", response=FeedOut)
def renew_feed(request: HttpRequest, calendar_id: Id):
    """A new secret .ics address for this calendar; the previous one stops working."""
    calendar = scoping.calendar_staffed(person_of(request), calendar_id)
    token = services.calendar_feed_renew(calendar=calendar)
    return FeedOut(url=request.build_absolute_uri(f"/agenda/feed/{token}.ics"))


@router.delete("/calendars/{calendar_id}/feed", response=FeedOut)
def revoke_feed(request: HttpRequest, calendar_id: Id):
    services.calendar_feed_revoke(calendar=scoping.calendar_staffed(person_of(request), calendar_id))
    return FeedOut(url=None)


class SlotsIn(Input):
    parties: list[Id] = Field(min_length=1, max_length=50)
    window_start: Instant
    window_end: Instant
    duration_minutes: int = Field(ge=5, le=24 * 60)
    step_minutes: int = Field(15, ge=5, le=24 * 60)
    buffer_minutes: int = Field(0, ge=0, le=240)
    travel_minutes: int = Field(0, ge=0, le=480)
    notice_minutes: int = Field(0, ge=0, le=60 * 24 * 30)


class ProposalOut(Schema):
    start: str
    end: str
    reasons: list[str]


class SlotsOut(Schema):
    starts: list[str]
    proposals: list[ProposalOut]


def _request(person, payload: SlotsIn) -> proposals.Request:
    if payload.window_end <= payload.window_start or payload.window_end - payload.window_start > timedelta(days=92):
        raise ValidationError({"window_end": [_("The window must end after it starts and span at most 92 days.")]})
    parties = [scoping.party_staffed(person, pk) for pk in dict.fromkeys(payload.parties)]
    return proposals.Request(
        parties,
        payload.window_start,
        payload.window_end,
        payload.duration_minutes,
        payload.step_minutes,
        payload.buffer_minutes,
        payload.travel_minutes,
        payload.notice_minutes,
    )


@router.post("/slots", response=SlotsOut)
def find_slots(request: HttpRequest, payload: SlotsIn):
    """Every feasible start (the `vadesk slots` contract) and the ten best proposals with their reasons."""
    req = _request(person_of(request), payload)
    starts = proposals.feasible(req)
    ranked = proposals.propose(req, timezone.now())
    return SlotsOut(
        starts=[slots.iso_z(t) for t in starts],
        proposals=[
            ProposalOut(
                start=slots.iso_z(slots.to_epoch(p.start)), end=slots.iso_z(slots.to_epoch(p.end)), reasons=p.reasons
            )
            for p in ranked
        ],
    )


class AttendeeIn(Input):
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)
    name: str = Field("", max_length=150)


class BookingIn(Input):
    calendar: Id
    start: Instant
    end: Instant
    summary: str = Field(max_length=300)
    location: str = Field("", max_length=300)
    attendees: list[AttendeeIn] = Field(default_factory=list, max_length=100)
    task: Id | None = None
    log_minutes: int = Field(0, ge=0, le=24 * 60)


class BookingMove(Input):
    start: Instant
    end: Instant


class AttendeeOut(Schema):
    email: str
    name: str
    status: str


class BookingOut(Schema):
    id: int
    calendar_id: int
    uid: str
    summary: str
    sequence: int
    task_id: int | None
    attendees: list[AttendeeOut]


@router.post("/bookings", response={201: BookingOut})
def create_booking(request: HttpRequest, payload: BookingIn):
    person = person_of(request)
    calendar = scoping.calendar_staffed(person, payload.calendar)
    task = task_for(person, payload.task, write=True) if payload.task else None
    with transaction.atomic():
        event = services.booking_create(
            by=person,
            calendar=calendar,
            start=payload.start,
            end=payload.end,
            summary=payload.summary,
            location=payload.location,
            attendees=[(a.email, a.name) for a in payload.attendees],
            task=task,
            log_minutes=payload.log_minutes,
        )
    return _booking(event)


def _booking(event: Event) -> BookingOut:
    return BookingOut(
        id=event.pk,
        calendar_id=event.calendar_id,
        uid=event.uid,
        summary=event.summary,
        sequence=event.sequence,
        task_id=event.task_id,
        attendees=[AttendeeOut(email=a.email, name=a.name, status=a.status) for a in event.attendees.order_by("email")],
    )


@router.patch("/bookings/{event_id}", response=BookingOut)
def move_booking(request: HttpRequest, event_id: Id, payload: BookingMove):
    person = person_of(request)
    event = scoping.event_staffed(person, event_id)
    return _booking(services.booking_move(by=person, event=event, start=payload.start, end=payload.end))


@router.delete("/bookings/{event_id}", response=BookingOut)
def cancel_booking(request: HttpRequest, event_id: Id):
    person = person_of(request)
    event = scoping.event_staffed(person, event_id)
    return _booking(services.booking_cancel(by=person, event=event))


class PartyOut(Schema):
    id: int
    kind: str
    name: str
    email: str
    client_id: int | None
    time_zone: str
    working_hours: dict[str, list[list[str]]]
    preferred_hours: dict[str, list[list[str]]]
    buffer_minutes: int
    travel_minutes: int
    max_meetings_per_day: int | None
    availability: list[list[str]]


class PartyIn(Input):
    name: str | None = Field(None, max_length=150)
    email: str | None = Field(None, max_length=254)
    time_zone: str | None = Field(None, max_length=64)
    working_hours: dict[str, list[list[str]]] | None = None
    preferred_hours: dict[str, list[list[str]]] | None = None
    buffer_minutes: int | None = Field(None, ge=0, le=240)
    travel_minutes: int | None = Field(None, ge=0, le=480)
    max_meetings_per_day: int | None = Field(None, ge=0, le=50)
    availability: str | None = Field(
        None, max_length=50_000, description='Pasted text: "Mon 09:00-12:00" lines and/or ISO ranges "start/end"'
    )


@router.get("/parties", response=list[PartyOut])
def list_parties(request: HttpRequest):
    """Parties in reach for finding a time: your clients' (client and outside parties) and your organisation's assistants."""
    return scoping.staff_parties(person_of(request)).order_by("kind", "name", "id")


@router.patch("/parties/{party_id}", response=PartyOut)
def update_party(request: HttpRequest, party_id: Id, payload: PartyIn):
    """Change hours, zone and defaults; `null` for max_meetings_per_day is only taken when sent explicitly."""
    person = person_of(request)
    party = scoping.party_editable(person, party_id)
    # Only what was sent changes; an explicit null for max_meetings_per_day means "no daily limit".
    changes = {
        k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k == "max_meetings_per_day"
    }
    return services.party_update(by=person, party=party, **changes)


class MoveProposalsOut(Schema):
    parties: list[int]
    not_checked: list[str] = Field(description="Attendees known only by e-mail address: their time is not checked")
    proposals: list[ProposalOut]


@router.get("/bookings/{event_id}/proposals", response=MoveProposalsOut)
def move_proposals(request: HttpRequest, event_id: Id, days: int = Query(14, ge=1, le=92)):
    """The next best times to move a booking to, for everyone invited whom vadesk knows (as on the move page)."""
    from zoneinfo import ZoneInfo

    person = person_of(request)
    event = scoping.event_staffed(person, event_id)
    organisation = event.calendar.party.organisation
    move = proposals.for_move(
        event,
        by=person,
        organisation=organisation,
        now=timezone.now(),
        zone=ZoneInfo(organisation.time_zone),
        days=days,
    )
    return MoveProposalsOut(
        parties=[p.pk for p in move.request.parties],
        not_checked=move.unknown,
        proposals=[
            ProposalOut(
                start=slots.iso_z(slots.to_epoch(p.start)), end=slots.iso_z(slots.to_epoch(p.end)), reasons=p.reasons
            )
            for p in move.proposals
        ],
    )
