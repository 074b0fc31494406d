"""Digests: at each contact's own time, one e-mail with everything pending for them, or nothing at all.

Content comes from the domain itself (tasks waiting for the client, tasks done since the last
digest, phone messages, balances), always filtered by the contact's own client, so a digest can
only ever show that client's data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from vadesk.clients.models import Contact
from vadesk.comms import conf
from vadesk.comms.addresses import task_reply_address, task_token
from vadesk.comms.models import Cadence, MessageTemplate, OutboxMessage, PhoneMessage, Preference
from vadesk.comms.outbox import outbox_enqueue
from vadesk.comms.schedule import next_digest
from vadesk.comms.texts import compose
from vadesk.engagements.models import Engagement
from vadesk.tasks.models import Comment, Status, Task
from vadesk.timesheets.balances import balances_of

State = OutboxMessage.State


@dataclass
class DigestContent:
    questions: list[tuple[Task, str]] = field(default_factory=list)
    done: list[Task] = field(default_factory=list)
    calls: list[tuple[PhoneMessage, str]] = field(default_factory=list)  # the call, and the text held for it
    hours: list[tuple[Engagement, object]] = field(default_factory=list)
    messages: list[OutboxMessage] = field(default_factory=list)  # held rows that are neither a question nor a call

    @property
    def worth_sending(self) -> bool:
        # Hours alone are no news: they are in the portal any time.
        return bool(self.questions or self.done or self.calls or self.messages)


@dataclass
class Held:
    """What the outbox holds for a contact since their last digest, by the question's task and the call it tells of.

    A held row's (possibly edited) text stands in for the item; an item whose row was removed, or sent at once,
    is left out of the digest (the contact was told, or the assistant decided they need not be).
    """

    tasks: dict[int, OutboxMessage] = field(default_factory=dict)
    calls: dict[int, OutboxMessage] = field(default_factory=dict)
    others: list[OutboxMessage] = field(default_factory=list)


def held_for(contact: Contact, *, since: datetime) -> Held:
    held = Held()
    rows = OutboxMessage.objects.filter(contact=contact, created_at__gt=since).exclude(state=State.IN_DIGEST)
    for row in rows.exclude(kind=OutboxMessage.Kind.DIGEST).order_by("id"):
        call = (row.payload or {}).get("phone_message")
        if row.kind == OutboxMessage.Kind.QUESTION and row.task_id:
            held.tasks[row.task_id] = row
        elif row.kind == OutboxMessage.Kind.PHONE and isinstance(call, int):
            held.calls[call] = row
        elif row.state == State.HELD:
            held.others.append(row)
    return held


def _told_in_digest(row: OutboxMessage | None) -> tuple[bool, str]:
    """(include the item, the text to show for it: '' for the item's own)."""
    if row is None:
        return True, ""
    return row.state == State.HELD, row.body_text if row.state == State.HELD else ""


def digest_content(contact: Contact, *, since: datetime, until: datetime) -> DigestContent:
    client_id = contact.client_id
    waiting = list(Task.objects.filter(client_id=client_id, status=Status.WAITING).order_by("due_at", "id"))
    last_question: dict[int, str] = {}
    for comment in Comment.objects.filter(task__in=waiting, visibility=Comment.Visibility.CLIENT).order_by(
        "created_at", "id"
    ):
        last_question[comment.task_id] = comment.body
    done = list(
        Task.objects.filter(
            client_id=client_id, status=Status.DONE, closed_at__gt=since, closed_at__lte=until
        ).order_by("closed_at")
    )
    calls = list(
        PhoneMessage.objects.filter(client_id=client_id, taken_at__gt=since, taken_at__lte=until)
        .filter(models_q_for(contact))
        .order_by("taken_at")
    )
    engagements = list(Engagement.objects.active().filter(client_id=client_id).exclude(kind=Engagement.Kind.HOURLY))
    balances = balances_of(engagements, timezone.localdate(until))
    held = held_for(contact, since=since)
    questions = []
    for t in waiting:
        include, text = _told_in_digest(held.tasks.get(t.pk))
        if include:
            questions.append((t, text or last_question.get(t.pk, "")))
    told_calls = []
    for c in calls:
        include, text = _told_in_digest(held.calls.get(c.pk))
        if include:
            told_calls.append((c, text))
    return DigestContent(
        questions=questions,
        done=done,
        calls=told_calls,
        hours=[(e, balances[e.pk]) for e in engagements],
        messages=held.others,
    )


def models_q_for(contact: Contact):
    from django.db.models import Q

    # A call for someone else at the same client is theirs; a call for nobody in particular is everyone's.
    return Q(contact__isnull=True) | Q(contact=contact)


def digest_render(
    contact: Contact, preference: Preference, content: DigestContent, *, at: datetime, templates: dict | None = None
) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a digest, in the contact's language and time zone."""
    organisation = contact.client.organisation
    with translation.override(preference.language), timezone.override(preference.time_zone):
        values = {
            "contact": contact.name,
            "client": contact.client.name,
            "organisation": organisation.name,
            "date": formats.date_format(timezone.localtime(at), "DATE_FORMAT"),
            "summary": "",
        }
        subject, intro = compose(
            "digest", organisation_id=organisation.pk, language=preference.language, values=values, templates=templates
        )
        base = conf.inbound_address()
        questions = [
            {
                "task": t,
                "text": q,
                "token": task_token(t.pk),
                "reply": f"mailto:{task_reply_address(base, t.pk)}?subject={quote('Re: ' + t.title + ' ' + task_token(t.pk))}",
            }
            for t, q in content.questions
        ]
        context = {
            "contact": contact,
            "intro": intro,
            "content": content,
            "questions": questions,
            "organisation": organisation,
        }
        text = render_to_string("comms/digest.txt", context)
        html = render_to_string("comms/digest.html", context)
    return subject, text, html


def digest_send(
    preference: Preference, *, slot: datetime, since: datetime, templates: dict | None = None
) -> OutboxMessage | None:
    contact = preference.contact
    if not contact.email:
        return None
    content = digest_content(contact, since=since, until=slot)
    if not content.worth_sending:
        return None
    subject, text, html = digest_render(contact, preference, content, at=slot, templates=templates)
    digest = outbox_enqueue(
        organisation_id=contact.client.organisation_id,
        client_id=contact.client_id,
        contact_id=contact.pk,
        kind=OutboxMessage.Kind.DIGEST,
        recipient=contact.email,
        subject=subject,
        body_text=text,
        body_html=html,
        dedupe_key=f"digest:{contact.pk}:{slot.isoformat()}",
        # One question only: a plain reply lands on its task. Several: each has its own reply link.
        task_id=content.questions[0][0].pk if len(content.questions) == 1 else None,
    )
    # In the digest's transaction: what it told is no longer waiting (and no longer editable).
    OutboxMessage.objects.filter(contact=contact, state=State.HELD).update(
        state=State.IN_DIGEST, provider_id=f"digest {digest.message_id}"[:200]
    )
    return digest


def digests_build_due(*, now: datetime | None = None) -> int:
    """Build every digest whose moment has come; returns how many were queued.

    Each contact is claimed by moving its next_digest_at forward with a conditional UPDATE in the
    same transaction as the outbox row, so two workers never build the same digest, and a crash
    leaves either both or neither.
    """
    now = now or timezone.now()
    due = (
        Preference.objects.filter(next_digest_at__lte=now, cadence__in=[Cadence.DAILY, Cadence.WEEKLY])
        .select_related("contact__client__organisation")
        .order_by("next_digest_at")
    )
    queued = 0
    templates_by_org: dict[int, dict] = {}
    for preference in due:
        slot = preference.next_digest_at
        if slot is None:  # excluded by the filter; a row changed since is the next run's business
            continue
        since = preference.last_digest_at or slot - timedelta(days=7 if preference.cadence == Cadence.WEEKLY else 1)
        following = next_digest(
            max(now, slot),
            cadence=preference.cadence,
            at=preference.digest_time,
            weekday=preference.digest_weekday,
            zone=preference.time_zone,
        )
        org_id = preference.contact.client.organisation_id
        if org_id not in templates_by_org:
            templates_by_org[org_id] = {
                (t.kind, t.language): t for t in MessageTemplate.objects.filter(organisation_id=org_id, kind="digest")
            }
        with transaction.atomic():
            claimed = Preference.objects.filter(pk=preference.pk, next_digest_at=slot).update(
                next_digest_at=following, last_digest_at=slot
            )
            if not claimed:
                continue
            if digest_send(preference, slot=slot, since=since, templates=templates_by_org[org_id]) is not None:
                queued += 1
    return queued
