"""What each event tells an endpoint: ids, the kind, a few fields and a link; nothing the team keeps internal
(no dossier, no internal comment, no time-entry note, no comment text). Money as strings, times in ISO 8601."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse

from vadesk.agenda.models import Event
from vadesk.clients.models import Client
from vadesk.invoicing.models import Invoice
from vadesk.tasks.models import Comment, Task
from vadesk.timesheets.models import TimeEntry


def link(name: str, *args: Any) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _when(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def client_data(client: Client) -> dict[str, Any]:
    return {"id": client.pk, "name": client.name}


def task_data(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "title": task.title,
        "status": task.status,
        "due_at": _when(task.due_at),
        "client": client_data(task.client),
        "url": link("task_detail", task.pk),
    }


def comment_data(comment: Comment) -> dict[str, Any]:
    return {"id": comment.pk, "created_at": _when(comment.created_at)}


def time_entry_data(entry: TimeEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "work_date": _when(entry.work_date),
        "worked_minutes": entry.worked_minutes,
        "billed_minutes": entry.billed_minutes,
        "billable": entry.billable,
        "person_id": entry.person_id,
        "engagement_id": entry.engagement_id,
        "task_id": entry.task_id,
        "client": client_data(entry.engagement.client),
    }


def invoice_data(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "kind": invoice.kind,
        "number": invoice.number,
        "issue_date": _when(invoice.issue_date),
        "due_date": _when(invoice.due_date),
        "paid_on": _when(invoice.paid_at),
        "currency": "EUR",
        "net_total": str(invoice.net_total),
        "gross_total": str(invoice.gross_total),
        "client": client_data(invoice.client),
        "url": link("invoicing:detail", invoice.pk),
    }


def booking_data(event: Event, *, start: datetime, end: datetime) -> dict[str, Any]:
    party = event.calendar.party
    return {
        "id": event.pk,
        "uid": event.uid,
        "summary": event.summary,
        "start": _when(start),
        "end": _when(end),
        "sequence": event.sequence,
        "calendar_id": event.calendar_id,
        "task_id": event.task_id,
        "client": client_data(party.client) if party.client is not None else None,
    }
