"""The durable outbox: enqueue inside the caller's transaction, claim atomically, deliver with retries.

The guarantee, precisely:
1. A message exists iff the change that caused it committed (`outbox_enqueue` refuses to run
   outside a transaction, so it always shares the caller's).
2. A row is claimed by one worker at a time (a conditional UPDATE of a batch; on PostgreSQL candidates are
   picked with SELECT … FOR UPDATE SKIP LOCKED), so two workers never send it concurrently; and only the
   worker whose handover finds the row still its own sends it (recovery may have taken back an old claim).
3. Each attempt records how far it got. `claimed` → the provider cannot have accepted it yet;
   `handed_over` → committed right before the irreversible step (SMTP end-of-data, the HTTP request).
4. A worker that dies leaves its row in "sending". After the lease, a recovering worker puts a
   `claimed` row back to pending (safe: RFC 5321 §3.8, no end-of-data → no delivery) and a
   `handed_over` row to "uncertain" (VADESK_OUTBOX_UNCERTAIN=hold, the default): a person checks
   and resends or marks it sent. With =resend it is sent again with the same Message-ID, which
   mail systems may use to collapse the duplicate but need not: that mode is at-least-once.
5. The outcome *sent* is written with the next message's handover (or at the end of the batch): a worker
   killed in between leaves that one message handed over, so *uncertain*, like a kill before the write.
So: never lost, and never sent twice automatically; the only window that needs a human (or a
resend) is from the end-of-data dot until the next message's handover: the server's answer, then the next
message's MAIL, RCPT and DATA (one round trip with PIPELINING), a few milliseconds on a nearby relay.
"""

from __future__ import annotations

import os
import socket
from contextlib import ExitStack
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from vadesk.clients.models import Client
from vadesk.comms import conf, mime
from vadesk.comms.addresses import new_message_id, organisation_address, task_reply_address
from vadesk.comms.channels import Adapter, DeliveryError, Envelope
from vadesk.comms.models import OutboxAttachment, OutboxMessage
from vadesk.lib.hooks import Hook

State, Phase = OutboxMessage.State, OutboxMessage.Phase
# message=, error=: a message that failed for good (a bounce at the SMTP dialogue, or out of attempts).
delivery_failed = Hook("comms.delivery_failed")
# message=: a message was written to the outbox, inside the caller's transaction (comms.jobs queues its delivery).
message_queued = Hook("comms.message_queued")


class NotInTransaction(RuntimeError):
    pass


def outbox_enqueue(
    *,
    organisation_id: int | None,
    kind: str,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    channel: str = "email",
    client_id: int | None = None,
    contact_id: int | None = None,
    task_id: int | None = None,
    urgent: bool = False,
    not_before: datetime | None = None,
    dedupe_key: str | None = None,
    in_reply_to: str = "",
    payload: dict[str, Any] | None = None,
    person_id: int | None = None,
    body_calendar: str = "",
    attachments: list[tuple[str, str, bytes]] | None = None,
    reply_to: str = "",
    state: str = State.PENDING,
) -> OutboxMessage:
    """Write one message to the outbox as part of the caller's transaction.

    `reply_to` overrides the practice's own threaded reply address (e.g. an invoice's seller, or the organiser
    of an appointment, whose calendar program must get the attendees' answers).
    """
    if not connection.in_atomic_block:
        raise NotInTransaction("outbox_enqueue must run inside the transaction of the change that causes the message")
    if client_id is not None and organisation_id is None:  # a client's message is filed under its organisation
        organisation_id = Client.objects.values_list("organisation_id", flat=True).get(pk=client_id)
    if not reply_to:
        base = conf.inbound_address()
        if task_id:
            reply_to = task_reply_address(base, task_id)
        elif organisation_id:
            reply_to = organisation_address(base, organisation_id)
    fields = dict(
        # A subject is one header line (RFC 5322 §2.2): a title with line breaks must not become header injection.
        organisation_id=organisation_id,
        kind=kind,
        channel=channel,
        recipient=recipient.strip(),
        subject=" ".join(subject.split())[:300],
        body_text=body_text,
        body_html=body_html,
        client_id=client_id,
        contact_id=contact_id,
        person_id=person_id,
        task_id=task_id,
        urgent=urgent,
        not_before=not_before or timezone.now(),
        reply_to=reply_to,
        in_reply_to=in_reply_to,
        payload=payload,
        body_calendar=body_calendar,
        message_id=new_message_id(conf.message_id_domain()),
        state=state,
    )
    if dedupe_key is not None:
        existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    message = OutboxMessage.objects.create(dedupe_key=dedupe_key, **fields)
    if attachments:
        OutboxAttachment.objects.bulk_create(
            [
                OutboxAttachment(message=message, filename=name[:255], content_type=kind[:120], content=content)
                for name, kind, content in attachments
            ]
        )
    if message.state == State.PENDING:
        message_queued.fire(message=message)
    return message


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


def _due(now: datetime) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(state=State.PENDING, not_before__lte=now).order_by("not_before", "id")


# A delivery run claims this many due messages in one UPDATE. Each waits in its claim until its turn (about
# 10 ms a message); a claim older than the lease is taken back by recovery, and then this worker's handover
# finds the row no longer its own and does not send it (`ClaimLost`), so no size can cause a double send.
BATCH = 20

# PostgreSQL: the claim and the outcome *sent* are one round trip each (a multi-statement query, which
# PostgreSQL runs as one transaction), and their commits do not wait for the disk flush (5 ms each here, on
# top of the handover's, which must wait). That is safe: the handover's own commit flushes the claim before
# anything irreversible, and a claim lost in a database crash is a message still pending; a *sent* lost in one
# leaves the row handed over, which recovery flags *uncertain*, never sends again. A killed worker loses
# neither: only the database server's own crash can.
_TABLE = OutboxMessage._meta.db_table
_CLAIM_SQL = f"""
SET LOCAL synchronous_commit TO off;
UPDATE {_TABLE}
SET state = %(sending)s, phase = %(claimed)s, claimed_at = %(now)s, claimed_by = %(worker)s, attempts = attempts + 1
WHERE id IN (
    SELECT id FROM {_TABLE} WHERE state = %(pending)s AND not_before <= %(now)s
    ORDER BY not_before, id LIMIT %(size)s FOR UPDATE SKIP LOCKED
)
RETURNING id
"""
_SENT_SQL = f"""
UPDATE {_TABLE}
SET state = %(sent)s, phase = %(none)s, sent_at = %(sent_at_{{n}})s, provider_id = %(provider_id_{{n}})s, last_error = ''
WHERE id = %(id_{{n}})s AND claimed_by = %(worker)s AND state = %(sending)s
"""
_HANDOVER_SQL = f"""
UPDATE {_TABLE} SET phase = %(handed_over)s
WHERE id = %(id)s AND claimed_by = %(worker)s AND state = %(sending)s AND phase = %(claimed)s
RETURNING id
"""


def _one_round_trip() -> bool:
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _last_result(cursor: Any) -> Any:
    results: Any = cursor.cursor  # psycopg's: one result per statement
    while results.nextset():
        pass
    return results.fetchall()


def outbox_claim(*, worker: str, now: datetime | None = None, size: int = 1) -> list[OutboxMessage]:
    """Take up to `size` due messages for this worker, oldest first, in one UPDATE; [] when nothing is due.

    PostgreSQL picks them with SKIP LOCKED, so workers claiming at once take different rows; SQLite's
    transactions are IMMEDIATE (config/settings.py), so the read and the conditional UPDATE hold the write
    lock together and a second worker reads only after the first committed its claim.
    """
    now = now or timezone.now()
    if _one_round_trip():
        params: dict[str, Any] = dict(
            sending=State.SENDING, claimed=Phase.CLAIMED, pending=State.PENDING, now=now, worker=worker, size=size
        )
        with connection.cursor() as cursor:
            cursor.execute(_CLAIM_SQL, params)
            ids = [row[0] for row in _last_result(cursor)]
    else:
        with transaction.atomic():
            due = _due(now).values_list("pk", flat=True)
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            ids = list(due[:size])
            OutboxMessage.objects.filter(pk__in=ids, state=State.PENDING).update(
                state=State.SENDING,
                phase=Phase.CLAIMED,
                claimed_at=now,
                claimed_by=worker,
                attempts=F("attempts") + 1,
            )
    if not ids:
        return []
    return list(_claimed(ids))


def _claimed(ids: list[int]) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(pk__in=ids).order_by("not_before", "id").prefetch_related("attachments")


def outbox_release(*, messages: list[OutboxMessage], worker: str) -> int:
    """Give back claimed messages this run did not get to (the relay went away, the limit was reached): due
    again at once, their attempt not counted. Only rows still claimed by this worker and not handed over."""
    if not messages:
        return 0
    return OutboxMessage.objects.filter(
        pk__in=[m.pk for m in messages], claimed_by=worker, state=State.SENDING, phase=Phase.CLAIMED
    ).update(state=State.PENDING, phase=Phase.NONE, claimed_by="", attempts=F("attempts") - 1)


def envelope_of(message: OutboxMessage) -> Envelope:
    if message.channel == "email":
        data = mime.build(
            mime.Outgoing(
                sender=conf.from_address(),
                recipient=message.recipient,
                subject=message.subject,
                text=message.body_text,
                html=message.body_html,
                message_id=message.message_id,
                date=message.created_at,
                reply_to=message.reply_to,
                in_reply_to=message.in_reply_to,
                auto_submitted=message.kind == OutboxMessage.Kind.DIGEST,
                calendar=message.body_calendar,
                attachments=tuple((a.filename, a.content_type, bytes(a.content)) for a in message.attachments.all()),
            )
        )
        return Envelope(sender=conf.from_address(), recipient=message.recipient, data=data)
    return Envelope(sender="", recipient=message.recipient, text=message.body_text, payload=message.payload)


def backoff(attempts: int, config: conf.OutboxConfig) -> timedelta:
    """Exponential: base, 2×base, 4×base … capped (30 s, 1 min, 2 min … 6 h by default)."""
    return timedelta(seconds=min(config.backoff_cap, config.backoff_base * 2 ** max(0, attempts - 1)))


class ClaimLost(Exception):
    """The row is no longer this worker's (recovery took back a claim older than the lease): do not send it."""


class Ledger:
    """The outcomes *sent* a run has not written yet, written in the transaction of the next handover.

    That commit must reach the disk before the next end-of-data anyway; carrying the previous message's *sent*
    saves a commit (and a round trip) per message. A worker killed in between leaves that one message handed
    over, which recovery flags *uncertain*, as a kill between the server's 250 and the write always did.
    """

    def __init__(self, worker: str) -> None:
        self.worker = worker
        self.sent: list[tuple[int, str, datetime]] = []  # (id, provider id, when)

    def handover(self, message: OutboxMessage) -> None:
        """Record the handover of `message` (durably, before its end-of-data) with the sent marks before it."""
        if _one_round_trip():
            params: dict[str, Any] = dict(
                handed_over=Phase.HANDED_OVER, claimed=Phase.CLAIMED, id=message.pk, **self._sent_params()
            )
            statements = [_SENT_SQL.format(n=n) for n in range(len(self.sent))] + [_HANDOVER_SQL]
            with connection.cursor() as cursor:
                cursor.execute(";".join(statements), params)
                mine = bool(_last_result(cursor))
        else:
            with transaction.atomic():
                self._write()
                mine = bool(_mine(message.pk, self.worker).filter(phase=Phase.CLAIMED).update(phase=Phase.HANDED_OVER))
        self.sent.clear()
        if not mine:
            raise ClaimLost(message.pk)

    def write(self) -> None:
        """Write the sent marks still held (the end of a batch); on PostgreSQL without waiting for the disk."""
        if not self.sent:
            return
        if _one_round_trip():
            statements = ["SET LOCAL synchronous_commit TO off"] + [
                _SENT_SQL.format(n=n) for n in range(len(self.sent))
            ]
            with connection.cursor() as cursor:
                cursor.execute(";".join(statements), self._sent_params())
        else:
            with transaction.atomic():
                self._write()
        self.sent.clear()

    def _sent_params(self) -> dict[str, Any]:
        params: dict[str, Any] = dict(sent=State.SENT, none=Phase.NONE, sending=State.SENDING, worker=self.worker)
        for n, (pk, provider_id, at) in enumerate(self.sent):
            params.update({f"id_{n}": pk, f"provider_id_{n}": provider_id, f"sent_at_{n}": at})
        return params

    def _write(self) -> None:
        for pk, provider_id, at in self.sent:
            _mine(pk, self.worker).update(
                state=State.SENT, phase=Phase.NONE, sent_at=at, provider_id=provider_id, last_error=""
            )


def _mine(pk: int, worker: str) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(pk=pk, claimed_by=worker, state=State.SENDING)


def outbox_deliver(
    *, message: OutboxMessage, ledger: Ledger, adapters: dict[str, Adapter], config: conf.OutboxConfig | None = None
) -> str:
    """Deliver one claimed message; its outcome *sent* goes into the ledger, any other is written at once.

    Returns the new state ("lost" when the claim was no longer this worker's: nothing sent, nothing written).
    """
    config = config or conf.outbox_config()
    handed_over = False

    def handover() -> None:
        nonlocal handed_over
        ledger.handover(message)  # committed: on disk before the irreversible step
        handed_over = True

    adapter = adapters.get(message.channel)
    try:
        if adapter is None:
            raise DeliveryError(f"no adapter configured for {message.channel}", permanent=True)
        provider_id = adapter.deliver(envelope_of(message), handover)
    except ClaimLost:
        return "lost"
    except DeliveryError as error:
        return _failed(_mine(message.pk, ledger.worker), message, str(error), permanent=error.permanent, config=config)
    except Exception as error:
        mine, reason = _mine(message.pk, ledger.worker), f"{type(error).__name__}: {error}"
        if handed_over:
            # The connection broke after the end-of-data dot: the provider may have the message.
            return _uncertain(mine, reason, config=config)
        return _failed(mine, message, reason, permanent=False, config=config)
    ledger.sent.append((message.pk, provider_id, timezone.now()))
    return State.SENT


def _failed(mine, message: OutboxMessage, error: str, *, permanent: bool, config: conf.OutboxConfig) -> str:
    if permanent or message.attempts >= config.max_attempts:
        if mine.update(state=State.FAILED, phase=Phase.NONE, last_error=error[:2000]):
            delivery_failed.fire(message=message, error=error)
        return State.FAILED
    mine.update(
        state=State.PENDING,
        phase=Phase.NONE,
        claimed_by="",
        last_error=error[:2000],
        not_before=timezone.now() + backoff(message.attempts, config),
    )
    return State.PENDING


def _uncertain(mine, error: str, *, config: conf.OutboxConfig) -> str:
    if config.uncertain == "resend":
        mine.update(
            state=State.PENDING, phase=Phase.NONE, claimed_by="", last_error=error[:2000], not_before=timezone.now()
        )
        return State.PENDING
    mine.update(state=State.UNCERTAIN, phase=Phase.NONE, last_error=error[:2000])
    return State.UNCERTAIN


UNCERTAIN_NOTE = (
    "The worker stopped after handing the message over; it may have been delivered. Check, then resend or mark as sent."
)


def outbox_recover(*, now: datetime | None = None, config: conf.OutboxConfig | None = None) -> int:
    """Release rows of workers that vanished (claimed longer than the lease ago)."""
    config = config or conf.outbox_config()
    stale = OutboxMessage.objects.filter(
        state=State.SENDING, claimed_at__lt=(now or timezone.now()) - timedelta(seconds=config.lease)
    )
    released = stale.filter(phase=Phase.CLAIMED).update(
        state=State.PENDING,
        phase=Phase.NONE,
        claimed_by="",
        last_error="The worker stopped before handing the message over.",
    )
    handed = stale.filter(phase=Phase.HANDED_OVER)
    if config.uncertain == "resend":
        released += handed.update(state=State.PENDING, phase=Phase.NONE, claimed_by="", last_error=UNCERTAIN_NOTE)
    else:
        released += handed.update(state=State.UNCERTAIN, phase=Phase.NONE, last_error=UNCERTAIN_NOTE)
    return released


def outbox_held_change(*, message: OutboxMessage, action: str, subject: str = "", text: str = "") -> bool:
    """A message held for a digest: `save` a new subject and text, `remove` it, or `send` it at once.

    Conditional on the row still being held, so an edit that loses the race with the digest that took it
    changes nothing (and says so: False). Sending at once queues its delivery on commit, like a new message.
    """
    held = OutboxMessage.objects.filter(pk=message.pk, state=State.HELD)
    if action == "save":
        return bool(held.update(subject=" ".join(subject.split())[:300], body_text=text))
    if action == "remove":
        return bool(held.update(state=State.REMOVED))
    if action != "send" or not held.update(state=State.PENDING, not_before=timezone.now()):
        return False
    message.refresh_from_db()
    message_queued.fire(message=message)
    return True


def outbox_resolve(*, message: OutboxMessage, resend: bool) -> OutboxMessage:
    """A person settles an uncertain or failed message: send it again, or record that it did arrive."""
    if resend:
        OutboxMessage.objects.filter(pk=message.pk, state__in=[State.UNCERTAIN, State.FAILED]).update(
            state=State.PENDING, phase=Phase.NONE, claimed_by="", not_before=timezone.now()
        )
    else:
        OutboxMessage.objects.filter(pk=message.pk, state=State.UNCERTAIN).update(
            state=State.SENT, sent_at=timezone.now()
        )
    message.refresh_from_db()
    return message


def outbox_run(*, adapters: dict[str, Adapter], worker: str | None = None, limit: int | None = None) -> dict[str, int]:
    """Recover, then deliver everything due (up to `limit`). Returns a count per resulting state.

    The whole run is one session per adapter that has one (SMTP: one connection for the batch, not one per
    message). Messages are claimed BATCH at a time in one UPDATE; each is handed over on its own, right before
    its end-of-data, and its *sent* is written with the next one's handover. A relay that cannot be reached ends
    the run: the message that found it so waits out its back-off, the rest of the batch is released at once.
    """
    worker = worker or worker_name()
    config = conf.outbox_config()
    counts: dict[str, int] = {"recovered": outbox_recover(config=config)}
    ledger = Ledger(worker)
    done = 0
    with ExitStack() as sessions:
        for adapter in adapters.values():
            session = getattr(adapter, "session", None)
            if session is not None:
                sessions.enter_context(session())
        while limit is None or done < limit:
            batch = outbox_claim(worker=worker, size=BATCH if limit is None else min(BATCH, limit - done))
            if not batch:
                break
            try:
                while batch:
                    message = batch.pop(0)
                    state = outbox_deliver(message=message, ledger=ledger, adapters=adapters, config=config)
                    counts[state] = counts.get(state, 0) + 1
                    done += 1
                    if getattr(adapters.get(message.channel), "unavailable", False):
                        return counts
            finally:
                ledger.write()
                outbox_release(messages=batch, worker=worker)
    return counts
