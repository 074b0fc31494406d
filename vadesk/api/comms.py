"""REST endpoints of the communication hub: preferences, phone messages, follow-ups, questions, outbox, templates, triage."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Annotated

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Language
from vadesk.api import paging
from vadesk.api.auth import person_of
from vadesk.api.owners import owned_organisation
from vadesk.api.types import ClientRef, Id, Input, Instant, PersonRef, TaskRef, Timestamp
from vadesk.clients.scoping import client_for, dossier_fact_for, staff_clients
from vadesk.comms import scoping, services
from vadesk.comms.models import Cadence, Channel, MessageTemplate, OutboxMessage, PhoneMessage
from vadesk.comms.phone import call_statistics
from vadesk.comms.routing import preference_of
from vadesk.comms.texts import default_text
from vadesk.tasks.models import Comment
from vadesk.tasks.scoping import task_for

router = Router(tags=["comms"])

Text = Annotated[str, Field(max_length=300)]
CURSOR_MAX = 100  # a moment with its offset and an id, as base64 of JSON


class PreferenceOut(Schema):
    contact_id: int
    by_email: bool
    by_portal: bool
    by_sms: bool
    by_whatsapp: bool
    mobile: str
    cadence: Cadence
    digest_time: time
    digest_weekday: int
    time_zone: str
    quiet_from: time | None
    quiet_until: time | None
    quiet_days: str
    language: Language
    confirmations: bool = Field(description="Confirm a new request at once when it arrives")
    next_digest_at: Timestamp | None


class PreferenceIn(Input):
    by_email: bool | None = None
    by_portal: bool | None = None
    by_sms: bool | None = None
    by_whatsapp: bool | None = None
    mobile: Annotated[str, Field(max_length=40)] | None = None
    cadence: Cadence | None = None
    digest_time: time | None = None
    digest_weekday: Annotated[int, Field(ge=0, le=6)] | None = None
    time_zone: Annotated[str, Field(max_length=64)] | None = None
    quiet_from: time | None = None
    quiet_until: time | None = None
    quiet_days: (
        Annotated[
            str,
            Field(max_length=7, pattern=r"^[0-6]*$", description="Weekdays as digits, Monday = 0: `56` is the weekend"),
        ]
        | None
    ) = None
    language: Language | None = None
    confirmations: bool | None = Field(None, description="Confirm a new request at once when it arrives")


def _preference_out(contact) -> PreferenceOut:
    p = preference_of(contact)
    return PreferenceOut(
        contact_id=contact.pk, **{name: getattr(p, name) for name in PreferenceOut.model_fields if name != "contact_id"}
    )


@router.get("/contacts/{contact_id}/preference", response=PreferenceOut)
def get_preference(request: HttpRequest, contact_id: Id):
    return _preference_out(scoping.contact_for_staff(person_of(request), contact_id))


@router.patch("/contacts/{contact_id}/preference", response=PreferenceOut)
def update_preference(request: HttpRequest, contact_id: Id, payload: PreferenceIn):
    person = person_of(request)
    contact = scoping.contact_for_staff(person, contact_id)
    fields = payload.model_dump(exclude_unset=True)
    services.preference_set(by=person, contact=contact, **fields)
    contact.refresh_from_db()
    return _preference_out(contact)


class PhoneMessageOut(Schema):
    id: int
    client: ClientRef
    contact_id: int | None
    caller_name: str
    company: str
    number: str
    reason: str
    urgency: PhoneMessage.Urgency
    callback: bool
    callback_when: str
    called_back_at: Timestamp | None
    taken_by: PersonRef | None
    taken_at: Timestamp


class OutboxOut(Schema):
    id: int
    kind: OutboxMessage.Kind
    channel: Channel
    recipient: str
    subject: str
    state: OutboxMessage.State
    urgent: bool
    not_before: Timestamp
    attempts: int
    sent_at: Timestamp | None
    last_error: str
    client_id: int | None
    task_id: int | None
    created_at: Timestamp


class PhoneMessageIn(Input):
    caller_name: Annotated[str, Field(max_length=150)]
    reason: Annotated[str, Field(max_length=5000)]
    company: Annotated[str, Field(max_length=150)] = ""
    number: Annotated[str, Field(max_length=40)] = ""
    urgency: PhoneMessage.Urgency = PhoneMessage.Urgency.NORMAL
    callback: bool = False
    callback_when: Annotated[str, Field(max_length=150)] = ""
    contact: Id | None = None
    override_quiet: bool = Field(
        False, description="Urgent and it cannot wait: send even during the contact's quiet hours"
    )
    as_task: bool = Field(
        False,
        description="The call asks for work: it also becomes a task, routed to the first present member of the "
        "client's team in the order of cover (the owners' queue when nobody fits)",
    )


class PhoneMessageTaken(Schema):
    phone_message: PhoneMessageOut
    outbox: list[OutboxOut]
    task_id: int | None = Field(None, description="The task the call became, when taken `as_task`")


class PhoneFilters(Input):
    days: int = Field(30, ge=1, le=3660)
    urgency: PhoneMessage.Urgency | None = None
    open_callbacks: bool = False


class CallStatistics(Schema):
    total: int
    urgent_percent: int
    callbacks_open: int
    per_day: dict[str, int]
    per_week: dict[str, int]


@router.get("/clients/{client_id}/phone-messages", response=list[PhoneMessageOut])
def list_phone_messages(request: HttpRequest, client_id: Id, filters: Query[PhoneFilters]):
    client = client_for(person_of(request), client_id, write=True)
    calls = PhoneMessage.objects.filter(
        client=client, taken_at__gte=timezone.now() - timedelta(days=filters.days)
    ).select_related("client", "taken_by")
    if filters.urgency:
        calls = calls.filter(urgency=filters.urgency)
    if filters.open_callbacks:
        calls = calls.callbacks_open()
    return calls[:1000]


@router.get("/clients/{client_id}/phone-messages/statistics", response=CallStatistics)
def phone_statistics(request: HttpRequest, client_id: Id, days: int = Query(30, ge=1, le=3660)):
    client = client_for(person_of(request), client_id, write=True)
    calls = list(PhoneMessage.objects.filter(client=client, taken_at__gte=timezone.now() - timedelta(days=days)))
    stats = call_statistics(calls, timezone.localdate())
    return CallStatistics(
        total=stats["total"],
        urgent_percent=stats["urgent_percent"],
        callbacks_open=stats["callbacks_open"],
        per_day={d.isoformat(): n for d, n in stats["days"]},
        per_week=dict(stats["weeks"]),
    )


@router.post("/clients/{client_id}/phone-messages", response={201: PhoneMessageTaken})
def take_phone_message(request: HttpRequest, client_id: Id, payload: PhoneMessageIn):
    person = person_of(request)
    client = client_for(person, client_id, write=True)
    contact = scoping.contact_for_staff(person, payload.contact) if payload.contact else None
    data = payload.model_dump(exclude={"contact"})
    message, rows = services.phone_message_take(by=person, client=client, contact=contact, **data)
    task_id = message.routed_task.pk if message.routed_task is not None else None
    return PhoneMessageTaken.model_validate(
        {"phone_message": message, "outbox": rows, "task_id": task_id}, from_attributes=True
    )


@router.post("/phone-messages/{message_id}/called-back", response=PhoneMessageOut)
def phone_called_back(request: HttpRequest, message_id: Id):
    person = person_of(request)
    return services.phone_callback_done(by=person, message=scoping.phone_message_for_staff(person, message_id))


class FollowUpOut(Schema):
    id: int
    client: ClientRef
    text: str
    due_at: Timestamp
    task: TaskRef | None
    comment_id: int | None
    fact_id: int | None
    done_at: Timestamp | None
    outcome: str
    became_fact_id: int | None


class FollowUpIn(Input):
    text: Text
    due_at: Instant
    client: Id | None = Field(None, description="Needed unless task, comment or fact names it")
    task: Id | None = None
    comment: Id | None = None
    fact: Id | None = None


class FollowUpDoneIn(Input):
    outcome: Annotated[str, Field(max_length=500)] = ""
    to_dossier: bool = False


class FollowUpPage(Schema):
    count: int = paging.count_field()
    count_capped: bool = paging.capped_field()
    limit: int
    next_cursor: str | None = paging.next_cursor_field()
    items: list[FollowUpOut]


class FollowUpFilters(Input):
    client: Id | None = None
    done: bool = False
    limit: int = paging.limit_field()
    cursor: str | None = paging.cursor_field(CURSOR_MAX)


@router.get("/follow-ups", response=FollowUpPage)
def list_follow_ups(request: HttpRequest, filters: Query[FollowUpFilters]):
    """Soonest due first, a page at a time: pass `next_cursor` as `cursor` for the next one."""
    rows = scoping.follow_ups_of(person_of(request)).filter(done_at__isnull=not filters.done)
    if filters.client:
        rows = rows.filter(client_id=filters.client)
    return paging.page_of(
        rows.select_related("client", "task"),
        "due_at",
        descending=False,
        cursor=filters.cursor,
        limit=filters.limit,
        parse=paging.instant,
    )


@router.post("/follow-ups", response={201: FollowUpOut})
def create_follow_up(request: HttpRequest, payload: FollowUpIn):
    person = person_of(request)
    task = comment = fact = None
    if payload.comment:
        comment = _comment_staffed(person, payload.comment)
        client = comment.task.client
    elif payload.fact:
        fact = dossier_fact_for(person, payload.fact)
        client = fact.client
    elif payload.task:
        task = task_for(person, payload.task, write=True)
        client = task.client
    elif payload.client:
        client = client_for(person, payload.client, write=True)
    else:
        raise Http404
    follow_up = services.followup_add(
        by=person, client=client, task=task, comment=comment, fact=fact, text=payload.text, due_at=payload.due_at
    )
    return follow_up


def _comment_staffed(person, pk: int) -> Comment:
    try:
        return Comment.objects.select_related("task__client").get(pk=pk, task__client__in=staff_clients(person))
    except Comment.DoesNotExist:
        raise Http404 from None


@router.post("/follow-ups/{follow_up_id}/done", response=FollowUpOut)
def finish_follow_up(request: HttpRequest, follow_up_id: Id, payload: FollowUpDoneIn):
    person = person_of(request)
    return services.followup_done(
        by=person, follow_up=scoping.follow_up_for_staff(person, follow_up_id), **payload.model_dump()
    )


class QuestionIn(Input):
    question: Annotated[str, Field(min_length=1, max_length=5000)]


class QuestionOut(Schema):
    comment_id: int
    outbox: list[OutboxOut]


@router.post("/tasks/{task_id}/questions", response={201: QuestionOut})
def ask_question(request: HttpRequest, task_id: Id, payload: QuestionIn):
    person = person_of(request)
    task = task_for(person, task_id, write=True)
    comment, rows = services.question_ask(by=person, task=task, question=payload.question)
    return QuestionOut.model_validate({"comment_id": comment.pk, "outbox": rows}, from_attributes=True)


class OutboxPage(Schema):
    count: int = paging.count_field()
    count_capped: bool = paging.capped_field()
    limit: int
    next_cursor: str | None = paging.next_cursor_field()
    items: list[OutboxOut]


class OutboxFilters(Input):
    state: OutboxMessage.State | None = None
    client: Id | None = None
    limit: int = paging.limit_field()
    cursor: str | None = paging.cursor_field(CURSOR_MAX)


@router.get("/outbox", response=OutboxPage)
def list_outbox(request: HttpRequest, filters: Query[OutboxFilters]):
    """Newest first, a page at a time: pass `next_cursor` as `cursor` for the next one."""
    person = person_of(request)
    organisations = reach_of(person).staff_of
    rows = OutboxMessage.objects.none()
    for organisation_id in organisations:
        rows = rows | scoping.outbox_of(person, organisation_id)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.client:
        rows = rows.filter(client_id=filters.client)
    return paging.page_of(
        rows, "created_at", descending=True, cursor=filters.cursor, limit=filters.limit, parse=paging.instant
    )


class TemplateOut(Schema):
    kind: MessageTemplate.Kind
    language: Language
    subject: str
    body: str
    own: bool


class TemplateIn(Input):
    subject: Annotated[str, Field(max_length=200)]
    body: Annotated[str, Field(max_length=10000)]


@router.get("/organisations/{organisation_id}/message-templates", response=list[TemplateOut])
def list_templates(request: HttpRequest, organisation_id: Id):
    if organisation_id not in reach_of(person_of(request)).staff_of:
        raise Http404
    own = {(t.kind, t.language): t for t in MessageTemplate.objects.filter(organisation_id=organisation_id)}
    out = []
    for kind in MessageTemplate.Kind.values:
        for language in Language.values:
            template = own.get((kind, language))
            subject, body = (template.subject, template.body) if template else default_text(kind, language)
            out.append(
                TemplateOut(
                    kind=MessageTemplate.Kind(kind),
                    language=Language(language),
                    subject=subject,
                    body=body,
                    own=template is not None,
                )
            )
    return out


@router.put("/organisations/{organisation_id}/message-templates/{kind}/{language}", response=TemplateOut)
def save_template(
    request: HttpRequest, organisation_id: Id, kind: MessageTemplate.Kind, language: Language, payload: TemplateIn
):
    person = person_of(request)
    owned_organisation(person, organisation_id)
    template = services.template_save(
        by=person,
        organisation_id=organisation_id,
        kind=kind,
        language=language,
        subject=payload.subject,
        body=payload.body,
    )
    return TemplateOut(
        kind=MessageTemplate.Kind(template.kind),
        language=Language(template.language),
        subject=template.subject,
        body=template.body,
        own=True,
    )


class TriageOut(Schema):
    id: int
    sender: str
    subject: str
    note: str
    body_text: str
    received_at: Timestamp


@router.get("/organisations/{organisation_id}/triage", response=list[TriageOut])
def list_triage(request: HttpRequest, organisation_id: Id):
    person = person_of(request)
    owned_organisation(person, organisation_id)
    return scoping.triage_of(person, organisation_id)[:200]
