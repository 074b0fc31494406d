"""Where the events happen, in the apps below this one (their hooks, registered in apps.ready()). Each listener
names the organisation the object belongs to: a delivery only ever goes to that organisation's endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vadesk.agenda import services as agenda
from vadesk.agenda.models import Event
from vadesk.invoicing.models import Invoice, InvoiceDispatch, Payment
from vadesk.invoicing.services import finalising, payments, sending, statements
from vadesk.tasks import services as tasks
from vadesk.tasks.models import Comment, Status, Task
from vadesk.timesheets import services as timesheets
from vadesk.timesheets.models import TimeEntry
from vadesk.webhooks import payloads
from vadesk.webhooks.models import EventKind
from vadesk.webhooks.services import deliveries_create, deliveries_create_many


def register() -> None:
    tasks.task_created.register(on_task_created)
    tasks.task_moved.register(on_task_moved)
    tasks.client_replied.register(on_client_replied)
    timesheets.time_logged.register(on_time_logged)
    finalising.invoice_finalised.register(on_invoice_finalised)
    sending.invoice_sent.register(on_invoice_sent)
    payments.payment_received.register(on_payment_received)
    statements.invoices_settled.register(on_invoices_settled)
    agenda.booking_made.register(on_booking_made)
    agenda.booking_moved.register(on_booking_moved)


def on_task_created(*, task: Task, **_event: Any) -> None:
    deliveries_create(
        organisation_id=task.client.organisation_id,
        event=EventKind.TASK_CREATED,
        data=lambda: {"task": payloads.task_data(task)},
    )


def on_task_moved(*, task: Task, previous: str, **_event: Any) -> None:
    if task.status != Status.DONE or previous == Status.DONE:
        return
    deliveries_create(
        organisation_id=task.client.organisation_id,
        event=EventKind.TASK_DONE,
        data=lambda: {"task": payloads.task_data(task)},
    )


def on_client_replied(*, task: Task, comment: Comment, **_event: Any) -> None:
    deliveries_create(
        organisation_id=task.client.organisation_id,
        event=EventKind.CLIENT_REPLIED,
        data=lambda: {"task": payloads.task_data(task), "comment": payloads.comment_data(comment)},
    )


def on_time_logged(*, entry: TimeEntry, **_event: Any) -> None:
    deliveries_create(
        organisation_id=entry.engagement.client.organisation_id,
        event=EventKind.TIME_LOGGED,
        data=lambda: {"time_entry": payloads.time_entry_data(entry)},
    )


def _invoice_event(invoice: Invoice, event: str, **extra: Any) -> None:
    deliveries_create(
        organisation_id=invoice.organisation_id,
        event=event,
        data=lambda: {"invoice": payloads.invoice_data(invoice), **extra},
    )


def on_invoice_finalised(*, invoice: Invoice, **_event: Any) -> None:
    _invoice_event(invoice, EventKind.INVOICE_FINALISED)


def on_invoice_sent(*, dispatch: InvoiceDispatch, **_event: Any) -> None:
    _invoice_event(dispatch.invoice, EventKind.INVOICE_SENT, sent_at=dispatch.sent_at.isoformat())


def on_payment_received(*, payment: Payment, **_event: Any) -> None:
    """Paid: this payment left nothing due (payment_record set the paid date); a part payment is no event."""
    if payment.invoice.paid_at is not None:
        _invoice_event(payment.invoice, EventKind.INVOICE_PAID)


def on_invoices_settled(*, organisation_id: int, invoice_ids: list[int], **_event: Any) -> None:
    """A bank statement's import paid these in full: one query for the endpoints, one for the invoices."""
    deliveries_create_many(
        organisation_id=organisation_id,
        event=EventKind.INVOICE_PAID,
        data=lambda: [
            {"invoice": payloads.invoice_data(invoice)}
            for invoice in Invoice.objects.filter(pk__in=invoice_ids, organisation_id=organisation_id)
            .select_related("client")
            .order_by("pk")
        ],
    )


def _booking_event(event: Event, kind: str, start: datetime, end: datetime) -> None:
    deliveries_create(
        organisation_id=event.calendar.party.organisation_id,
        event=kind,
        data=lambda: {"booking": payloads.booking_data(event, start=start, end=end)},
    )


def on_booking_made(*, event: Event, start: datetime, end: datetime, **_event: Any) -> None:
    _booking_event(event, EventKind.BOOKING_MADE, start, end)


def on_booking_moved(*, event: Event, start: datetime, end: datetime, **_event: Any) -> None:
    _booking_event(event, EventKind.BOOKING_MOVED, start, end)
