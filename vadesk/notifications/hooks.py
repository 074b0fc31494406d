"""Where events happen, in the apps below this one, and whom each tells (registered in apps.ready())."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from vadesk.accounts.models import Membership, Person
from vadesk.agenda import upkeep
from vadesk.agenda.models import Conflict, Party
from vadesk.clients.models import Client
from vadesk.clients.scoping import is_staff_for
from vadesk.comms import outbox
from vadesk.comms.models import OutboxMessage
from vadesk.invoicing.models import Payment
from vadesk.invoicing.services import payments
from vadesk.lib.formatting import format_money
from vadesk.notifications.mentions import mentioned
from vadesk.notifications.models import Kind
from vadesk.notifications.services import notify
from vadesk.tasks import services as tasks
from vadesk.tasks.models import Comment, Task

EXCERPT = 500


def register() -> None:
    tasks.task_requested.register(on_task_requested)
    tasks.task_assigned.register(on_task_assigned)
    tasks.comment_added.register(on_comment_added)
    tasks.client_replied.register(on_client_replied)
    payments.payment_received.register(on_payment_received)
    upkeep.conflicts_found.register(on_conflicts_found)
    outbox.delivery_failed.register(on_delivery_failed)


def owners_of(organisation_id: int) -> list[Person]:
    return list(
        Person.objects.filter(
            memberships__organisation_id=organisation_id,
            memberships__role=Membership.Role.OWNER,
            memberships__is_active=True,
        ).order_by("pk")
    )


def team_of(client: Client) -> list[Person]:
    """Who works for the client: its assigned assistants (leads first), else the organisation's owners."""
    assigned = [a.person for a in client.assignments.select_related("person").order_by("role", "pk")]
    return assigned or owners_of(client.organisation_id)


def _task_people(task: Task) -> list[Person]:
    return list(task.assignees.order_by("pk")) or team_of(task.client)


def _excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def _task_url(task: Task) -> str:
    return reverse("task_detail", args=[task.pk])


def on_task_requested(*, task: Task, requester: str = "") -> None:
    notify(
        kind=Kind.CLIENT_MESSAGE,
        recipients=_task_people(task),
        organisation_id=task.client.organisation_id,
        task=task,
        url=_task_url(task),
        text=lambda: (
            _("New request from %(client)s: %(task)s") % {"client": task.client.name, "task": task.title},
            _excerpt(task.description),
        ),
    )


def on_task_assigned(*, task: Task, people: list[Person], by: Person | None) -> None:
    if by is None or not is_staff_for(by, task.client):
        return  # a client's request: its people hear of it as a new request (on_task_requested)
    notify(
        kind=Kind.ASSIGNED,
        recipients=people,
        organisation_id=task.client.organisation_id,
        task=task,
        url=_task_url(task),
        by=by,
        text=lambda: (
            _("%(person)s assigned you: %(task)s") % {"person": by.first_name, "task": task.title},
            _("For %(client)s.") % {"client": task.client.name},
        ),
    )


def on_comment_added(*, comment: Comment, by: Person) -> None:
    task = comment.task
    people = mentioned(comment.body, organisation_id=task.client.organisation_id)
    if not is_staff_for(by, task.client):
        # A client's reply tells the task's people already (on_client_replied); a mention tells the others.
        already = {p.pk for p in _task_people(task)}
        people = [p for p in people if p.pk not in already]
    notify(
        kind=Kind.MENTION,
        recipients=people,
        organisation_id=task.client.organisation_id,
        task=task,
        url=_task_url(task),
        by=by,
        text=lambda: (
            _("%(person)s mentioned you on %(task)s") % {"person": by.first_name, "task": task.title},
            _excerpt(comment.body),
        ),
    )


def on_client_replied(*, task: Task, comment: Comment) -> None:
    notify(
        kind=Kind.CLIENT_MESSAGE,
        recipients=_task_people(task),
        organisation_id=task.client.organisation_id,
        task=task,
        url=_task_url(task),
        by=comment.author,
        text=lambda: (
            _("%(client)s replied on %(task)s") % {"client": task.client.name, "task": task.title},
            _excerpt(comment.body),
        ),
    )


def on_payment_received(*, payment: Payment, by: Person) -> None:
    invoice = payment.invoice
    client = invoice.client
    notify(
        kind=Kind.PAYMENT,
        recipients=[*owners_of(invoice.organisation_id), *team_of(client)],
        organisation_id=invoice.organisation_id,
        client=client,
        url=reverse("invoicing:detail", args=[invoice.pk]),
        by=by,
        text=lambda: (
            _("Payment received from %(client)s: %(amount)s")
            % {"client": client.name, "amount": format_money(payment.amount)},
            _("Invoice %(number)s.") % {"number": invoice.number or "—"},
        ),
    )


def on_conflicts_found(*, conflicts: list[Conflict]) -> None:
    by_calendar: dict[int, list[Conflict]] = defaultdict(list)
    for conflict in conflicts:
        by_calendar[conflict.event.calendar_id].append(conflict)
    for found in by_calendar.values():
        with transaction.atomic():
            _tell_conflicts(found)


def _tell_conflicts(found: list[Conflict]) -> None:
    calendar = found[0].event.calendar
    party = calendar.party
    people: list[Person]
    if party.kind == Party.Kind.ASSISTANT and party.person is not None:
        people, client, url = [party.person], None, reverse("agenda_home")
    elif party.client is not None:
        people, client, url = team_of(party.client), party.client, reverse("agenda_week", args=[party.client_id])
    else:
        return
    summaries = _excerpt(", ".join(sorted({c.event.summary or "—" for c in found})))
    notify(
        kind=Kind.CALENDAR_CONFLICT,
        recipients=people,
        organisation_id=party.organisation_id,
        client=client,
        url=url,
        text=lambda: (
            _("Calendar conflict in %(calendar)s") % {"calendar": calendar.name},
            _("Changed both here and on the server: %(events)s. The server's version was kept; ours waits for you.")
            % {"events": summaries},
        ),
    )


def on_delivery_failed(*, message: OutboxMessage, error: str, **_event: Any) -> None:
    """Only a client's mail: one to a person of ours (a notification itself) bouncing would tell them nothing."""
    if message.client_id is None or message.organisation_id is None:
        return
    client = Client.objects.get(pk=message.client_id)
    task = Task.objects.filter(pk=message.task_id).select_related("client").first() if message.task_id else None
    with transaction.atomic():
        notify(
            kind=Kind.BOUNCE,
            recipients=_task_people(task) if task else team_of(client),
            organisation_id=message.organisation_id,
            client=client,
            task=task,
            url=reverse("comms:outbox"),
            key=f"bounce:{message.pk}",
            text=lambda: (
                _("Could not deliver to %(recipient)s: %(subject)s")
                % {"recipient": message.recipient, "subject": message.subject},
                _excerpt(error),
            ),
        )
