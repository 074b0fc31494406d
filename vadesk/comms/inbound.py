"""Inbound e-mail: each message becomes a comment on its task, a new task for a known client, or a triage item.

1. The raw bytes are parsed leniently (the stdlib parser records defects instead of failing).
2. The message's key is its Message-ID (or a hash of the bytes): the same message twice is stored once.
3. The task is found from the signed tag in a recipient address, the signed token in the subject,
   or In-Reply-To/References pointing at one of our outgoing messages (RFC 5322 §3.6.4).
4. An attendee's answer to one of our invitations (a text/calendar METHOD:REPLY part, RFC 6047 §2.2.3) is
   applied to the appointment by the agenda, which registers itself as the reader of calendar answers
   (`calendar_answers_read_by`); one that cannot be applied goes to triage.
5. Only the client's own contacts (and the client's address) may post into its tasks; anyone else,
   or a message whose receiving server recorded a failed SPF/DMARC check (RFC 8601), goes to triage.
6. Everything for one message commits in one transaction; if processing fails, the message is
   still stored, in triage with the error, so nothing is lost. A receiver answers 250 only after that.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html import unescape
from typing import Protocol

import nh3
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_noop

from vadesk.accounts.models import Membership, Person
from vadesk.clients.models import Client, Contact
from vadesk.comms import conf
from vadesk.comms.addresses import organisation_from_address, task_from_address, task_from_subject
from vadesk.comms.models import Attachment, InboundMessage, OutboxMessage
from vadesk.comms.services import request_arrived
from vadesk.tasks.models import Comment, Source, Task
from vadesk.tasks.services import task_client_reply, task_create, task_request

log = logging.getLogger(__name__)
Outcome = InboundMessage.Outcome
MESSAGE_ID = re.compile(r"<[^<>\s]{1,240}>")
QUOTE_START = re.compile(
    r"^(On .{5,200} wrote:|Op .{5,200} schreef .{0,100}:|Am .{5,200} schrieb .{0,100}:|-----\s*(Original Message|Ursprüngliche Nachricht|Oorspronkelijk bericht)\s*-----)\s*$",
    re.M | re.I,
)
CALENDAR_TYPES = ("text/calendar", "application/ics")


class CalendarFiling(Protocol):
    """What became of the attendees' answers in one message (agenda.services.ReplyFiling)."""

    applied: int
    stale: int
    problems: list[str]


# Reads the calendar parts of a message: None when they hold no answer (METHOD:REPLY), else what was filed.
CalendarAnswerReader = Callable[..., CalendarFiling | None]
_calendar_answer_readers: list[CalendarAnswerReader] = []


def calendar_answers_read_by(reader: CalendarAnswerReader) -> None:
    """The agenda sits above the hub (it sends through the outbox) and registers its reader at start
    (agenda/apps.py), so the hub files attendees' answers without importing the agenda."""
    if reader not in _calendar_answer_readers:
        _calendar_answer_readers.append(reader)


FAILED_AUTH = re.compile(r"\b(dmarc|spf)\s*=\s*fail\b", re.I)


@dataclass
class Parsed:
    message_id: str
    sender: str
    sender_name: str
    recipients: list[str]
    subject: str
    references: list[str]
    text: str
    html: str
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)
    failed_auth: bool = False
    defects: int = 0


def _header(mail: Message, name: str) -> str:
    """A header decoded from RFC 2047 encoded-words; a header too broken to decode counts as absent."""
    value = mail.get(name)
    if value is None:
        return ""
    try:
        return str(make_header(decode_header(str(value))))
    except Exception:
        return str(value) if isinstance(value, str) else ""


def parse(raw: bytes) -> Parsed:
    # compat32 parses headers lazily and cheaply; we decode only the handful we read (about 3× faster than policy.default).
    mail = BytesParser(policy=policy.compat32).parsebytes(raw)
    sender_name, sender = parseaddr(_header(mail, "From"))
    # Only headers that are present: Python 3.13's strict getaddresses() rejects the whole list for an empty one.
    fields = [
        value for value in (_header(mail, "To"), _header(mail, "Cc"), _header(mail, "Delivered-To")) if value.strip()
    ]
    recipients = [a for _, a in getaddresses(fields) if a]
    references = MESSAGE_ID.findall(_header(mail, "In-Reply-To") + " " + _header(mail, "References"))
    message_id = (MESSAGE_ID.findall(_header(mail, "Message-ID")) or [""])[0]
    text, html, attachments = _walk(mail)
    return Parsed(
        message_id=message_id,
        sender=sender.strip().lower(),
        sender_name=sender_name.strip(),
        recipients=[r.lower() for r in recipients],
        subject=" ".join(_header(mail, "Subject").split())[:300],
        references=references,
        text=text,
        html=html,
        attachments=attachments,
        failed_auth=bool(
            FAILED_AUTH.search(" ".join(str(v) for v in mail.get_all("Authentication-Results", []) or []))
        ),
        defects=len(mail.defects),
    )


def _payload(part: Message) -> bytes:
    """A leaf part's content, transfer-decoded (get_payload(decode=True) gives None for a multipart)."""
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _decoded(part: Message) -> str:
    payload = _payload(part)
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name: read it as UTF-8 rather than lose the text
        return payload.decode("utf-8", errors="replace")


def _walk(mail: Message) -> tuple[str, str, list[tuple[str, str, bytes]]]:
    """The first plain and HTML bodies, and every attachment (a part with a filename or 'attachment' disposition)."""
    plain = rich = None
    attachments = []
    for part in mail.walk():
        if part.is_multipart():
            continue
        kind, disposition, filename = part.get_content_type(), part.get_content_disposition(), part.get_filename()
        if disposition == "attachment" or filename or kind not in ("text/plain", "text/html"):
            name = str(make_header(decode_header(filename))) if filename else "attachment"
            attachments.append((re.sub(r"[\\/\x00-\x1f]", "_", name)[:255], kind[:120], _payload(part)))
            continue
        if kind == "text/plain" and plain is None:
            plain = _decoded(part)
        elif kind == "text/html" and rich is None:
            rich = _decoded(part)
    html = nh3.clean(rich) if rich else ""
    if plain is not None:
        text = plain
    elif rich:
        text = unescape(nh3.clean(re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", rich), tags=set()))
    else:
        text = ""
    return text.replace("\r\n", "\n").strip(), html, attachments


def new_text(text: str) -> str:
    """The reply without the quoted message below it (a common 'On … wrote:' line, or '>' lines)."""
    match = QUOTE_START.search(text)
    if match:
        text = text[: match.start()]
    lines = [line for line in text.split("\n") if not line.startswith(">")]
    return "\n".join(lines).strip()


def key_of(parsed: Parsed | None, raw: bytes) -> str:
    return parsed.message_id if parsed and parsed.message_id else "sha256:" + hashlib.sha256(raw).hexdigest()


def _one(queryset):
    """The first row or None, without the ORDER BY that .first() adds (the lookups here are unique or any-will-do)."""
    rows = list(queryset.order_by()[:1])
    return rows[0] if rows else None


def find_task_id(parsed: Parsed, envelope_recipients: list[str]) -> int | None:
    for address in [*envelope_recipients, *parsed.recipients]:
        task_id = task_from_address(address)
        if task_id:
            return task_id
    task_id = task_from_subject(parsed.subject)
    if task_id:
        return task_id
    if parsed.references:
        out = _one(
            OutboxMessage.objects.filter(message_id__in=parsed.references, task__isnull=False).values_list(
                "task_id", flat=True
            )
        )
        if out:
            return out
        earlier = _one(
            InboundMessage.objects.filter(message_id__in=parsed.references, task__isnull=False).values_list(
                "task_id", flat=True
            )
        )
        if earlier:
            return earlier
    return None


def speakers(address: str) -> dict[int, int | None]:
    """The clients this address speaks for — as a contact, as the client's own address, or as an active
    portal user — each with that portal user's person id (None otherwise).

    One hand-written UNION on the hot path of ingestion (the ORM's separate queries cost about three
    times as much to build as to run). LOWER(…) = lower-cased input compares case-insensitively on
    SQLite and PostgreSQL alike; Person e-mails are stored lower-case, so that lookup is exact.
    """
    if not address:
        return {}
    contact, client, membership, person = (
        m._meta.db_table for m in (Contact, Client, Membership, Membership.person.field.related_model)
    )
    sql = (
        f'SELECT client_id, CAST(NULL AS BIGINT) FROM "{contact}" WHERE LOWER(email) = %s '
        f'UNION SELECT id, CAST(NULL AS BIGINT) FROM "{client}" WHERE LOWER(email) = %s '
        f'UNION SELECT m.client_id, m.person_id FROM "{membership}" m JOIN "{person}" p ON p.id = m.person_id '
        "WHERE m.role = %s AND m.is_active AND m.client_id IS NOT NULL AND p.email = %s"
    )
    address = address.lower()
    found: dict[int, int | None] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [address, address, Membership.Role.CLIENT, address])
        for client_id, person_id in cursor.fetchall():
            found[client_id] = found.get(client_id) or person_id
    return found


def senders_clients(ids: dict[int, int | None], organisation_id: int | None) -> list[Client]:
    """The clients among `speakers(...)` (their ids), within the organisation when it is known."""
    if not ids:
        return []
    clients = Client.objects.filter(pk__in=ids)
    if organisation_id:
        clients = clients.filter(organisation_id=organisation_id)
    return list(clients[:5])


def inbound_receive(*, raw: bytes, envelope_recipients: list[str] | None = None) -> InboundMessage:
    """Store and file one message; idempotent by its key. Never raises for bad mail."""
    envelope_recipients = [r.lower() for r in envelope_recipients or []]
    try:
        parsed: Parsed | None = parse(raw)
    except Exception as error:
        log.warning("unparseable inbound message: %s", error)
        parsed = None
    key = key_of(parsed, raw)
    # No look-up first: the unique key refuses a second copy, which rolls the whole filing back (duplicates are rare).
    try:
        with transaction.atomic():
            if parsed is None:
                return _store(
                    key,
                    raw,
                    None,
                    Outcome.TRIAGE,
                    note=gettext_noop("The message could not be read (malformed MIME)."),
                    organisation_id=_organisation_of(envelope_recipients),
                )
            return _file(key, raw, parsed, envelope_recipients)
    except Exception as error:
        if isinstance(error, IntegrityError):
            found = _one(InboundMessage.objects.filter(key=key))
            if found is not None:
                return found  # this message was stored before (or by a concurrent delivery)
        log.exception("inbound message %s could not be filed", key)
        with transaction.atomic():
            return _store(
                key,
                raw,
                parsed,
                Outcome.TRIAGE,
                note=f"Could not be filed automatically: {type(error).__name__}",
                organisation_id=_organisation_of(envelope_recipients),
            )


def _organisation_of(addresses: list[str]) -> int | None:
    for address in addresses:
        found = organisation_from_address(address)
        if found:
            return found
    return None


def _file(key: str, raw: bytes, parsed: Parsed, envelope_recipients: list[str]) -> InboundMessage:
    task_id = find_task_id(parsed, envelope_recipients)
    # Ids only: the filing needs the task's client and organisation, not the task itself (building and
    # filling a Task with its client and organisation cost more than the rest of a reply's filing).
    found = (
        _one(Task.objects.filter(pk=task_id).values_list("pk", "client_id", "client__organisation_id"))
        if task_id
        else None
    )
    if found:
        task_id, task_client_id, organisation_id = found
    else:
        task_id = task_client_id = None
        organisation_id = _organisation_of(envelope_recipients + parsed.recipients)
    if len(raw) > conf.max_message_bytes():
        return _store(
            key,
            raw[: conf.max_message_bytes()],
            parsed,
            Outcome.TRIAGE,
            organisation_id=organisation_id,
            note=gettext_noop("Too large: only the first part is kept and the attachments were not stored."),
            keep_attachments=False,
        )
    if parsed.failed_auth:
        return _store(
            key,
            raw,
            parsed,
            Outcome.TRIAGE,
            organisation_id=organisation_id,
            note=gettext_noop("The receiving server recorded a failed SPF/DMARC check: the sender may be forged."),
        )
    calendar_parts = [data for _name, kind, data in parsed.attachments if kind in CALENDAR_TYPES]
    if calendar_parts:
        for read in _calendar_answer_readers:
            filing = read(parts=calendar_parts, sender=parsed.sender, organisation_id=organisation_id)
            if filing is not None:
                return _as_calendar_reply(key, raw, parsed, filing, organisation_id)
    spoken_for = speakers(parsed.sender)  # once per message: both the reply check and the new-task path read it
    if task_id is not None:
        if task_client_id not in spoken_for:
            return _store(
                key,
                raw,
                parsed,
                Outcome.TRIAGE,
                organisation_id=organisation_id,
                task_id=task_id,
                client_id=task_client_id,
                note=gettext_noop("A reply to a task from an address that is not one of this client's contacts."),
            )
        return _as_comment(
            key, raw, parsed, task_id, task_client_id, organisation_id, author_id=spoken_for[task_client_id]
        )
    clients = senders_clients(spoken_for, organisation_id)
    if len(clients) == 1:
        return _as_task(key, raw, parsed, clients[0], author_id=spoken_for.get(clients[0].pk))
    # Stored in English, shown in the reader's language (comms/triage.html translates the fixed notes).
    note = (
        gettext_noop("Unknown sender.") if not clients else gettext_noop("The sender is a contact of several clients.")
    )
    return _store(key, raw, parsed, Outcome.TRIAGE, organisation_id=organisation_id, note=note)


def _as_comment(
    key: str, raw: bytes, parsed: Parsed, task_id: int, client_id: int, organisation_id: int, *, author_id: int | None
) -> InboundMessage:
    text = new_text(parsed.text) or parsed.text or "(—)"
    who = parsed.sender_name or parsed.sender
    comment = Comment.objects.create(
        task_id=task_id,
        author_id=author_id,
        body=f"✉ {who} <{parsed.sender}>:\n{text}",
        visibility=Comment.Visibility.CLIENT,
    )
    task_client_reply(comment=comment)  # a waiting task is back in progress; its assignees hear of it
    return _store(
        key,
        raw,
        parsed,
        Outcome.COMMENT,
        organisation_id=organisation_id,
        task_id=task_id,
        comment=comment,
        client_id=client_id,
    )


def _as_calendar_reply(
    key: str, raw: bytes, parsed: Parsed, filing: CalendarFiling, organisation_id: int | None
) -> InboundMessage:
    done = f"Answers applied: {filing.applied}; to an earlier version, ignored: {filing.stale}."
    if filing.problems:
        note = "A calendar answer that could not be applied: " + " ".join(filing.problems) + " " + done
        return _store(key, raw, parsed, Outcome.TRIAGE, organisation_id=organisation_id, note=note)
    return _store(key, raw, parsed, Outcome.CALENDAR, organisation_id=organisation_id, note=done)


def _as_task(key: str, raw: bytes, parsed: Parsed, client: Client, *, author_id: int | None) -> InboundMessage:
    title = parsed.subject or "(no subject)"
    description = parsed.text[:20000]
    if author_id:  # the client's own portal user wrote: a request of theirs, as if asked in the portal
        author = Person.objects.get(pk=author_id)
        task = task_request(
            by=author,
            client=client,
            title=title,
            description=description,
            source=Source.EMAIL,
            requester=parsed.sender,
        )
    else:  # a contact without a login: the routing rule chooses who gets it
        task = task_create(
            by=None,
            client=client,
            title=title,
            description=description,
            source=Source.EMAIL,
            routed=True,
            requester=parsed.sender,
        )
    return _store(
        key, raw, parsed, Outcome.TASK, organisation_id=client.organisation_id, task_id=task.pk, client_id=client.pk
    )


def _store(
    key: str,
    raw: bytes,
    parsed: Parsed | None,
    outcome: str,
    *,
    organisation_id: int | None,
    note: str = "",
    task_id: int | None = None,
    comment: Comment | None = None,
    client_id: int | None = None,
    keep_attachments: bool = True,
) -> InboundMessage:
    notes = [note] if note else []
    keep: list[tuple[str, str, bytes]] = []
    if parsed and keep_attachments:
        limit = conf.max_attachment_bytes()
        keep = [a for a in parsed.attachments if len(a[2]) <= limit]
        notes += [
            f"Attachment “{name}” ({len(data) // 1024} KiB) is over the limit of {limit // 1024} KiB and was not stored."
            for name, _kind, data in parsed.attachments
            if len(data) > limit
        ]
    message = InboundMessage.objects.create(
        key=key,
        organisation_id=organisation_id,
        client_id=client_id,
        task_id=task_id,
        comment=comment,
        sender=(parsed.sender if parsed else "")[:254],
        recipients=", ".join(parsed.recipients if parsed else [])[:2000],
        subject=(parsed.subject if parsed else "")[:300],
        message_id=(parsed.message_id if parsed else "")[:250],
        body_text=parsed.text if parsed else "",
        body_html=parsed.html if parsed else "",
        raw=raw if outcome == Outcome.TRIAGE or conf.keep_raw() == "all" else b"",
        outcome=outcome,
        note=" ".join(notes)[:500],
    )
    if keep:
        Attachment.objects.bulk_create(
            [
                Attachment(
                    task_id=task_id if outcome in (Outcome.COMMENT, Outcome.TASK) else None,
                    inbound=message,
                    filename=name,
                    content_type=kind,
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    content=data,
                )
                for name, kind, data in keep
            ]
        )
    return message


def triage_file(
    *, message: InboundMessage, task: Task | None = None, client: Client | None = None, by=None
) -> InboundMessage:
    """A person decides where a triaged message belongs: as a comment on a task, or a new task for a client."""
    with transaction.atomic():
        message = InboundMessage.objects.select_for_update().get(pk=message.pk)
        if message.outcome != Outcome.TRIAGE:
            return message
        parsed_text = message.body_text or "(—)"
        if task is not None:
            message.comment = Comment.objects.create(
                task=task,
                author=by,
                body=f"✉ {message.sender}:\n{new_text(parsed_text) or parsed_text}",
                visibility=Comment.Visibility.INTERNAL,
            )
            message.task, message.client = task, task.client
        elif client is not None:
            message.task = task_create(
                by=by,
                client=client,
                title=message.subject or "(no subject)",
                description=parsed_text[:20000],
                source=Source.EMAIL,
            )
            message.client = client
            if Contact.objects.filter(client=client, email__iexact=message.sender).exists():
                request_arrived(task=message.task, requester=message.sender)  # a contact's new request (9.3)
        message.attachments.update(task=message.task)
        message.outcome = Outcome.DONE
        message.save(update_fields=["comment", "task", "client", "outcome"])
    return message
