"""Each event the brief names makes one delivery of the organisation's own, with a minimal payload."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from vadesk.agenda.models import Calendar
from vadesk.agenda.parties import client_party
from vadesk.agenda.services import booking_create, booking_move
from vadesk.conftest import INTERNAL_MARKERS, leaked
from vadesk.invoicing.services import (
    invoice_draft_create,
    invoice_finalise,
    invoice_send,
    payment_record,
    statement_import,
)
from vadesk.invoicing.tests.camt_sample import statement
from vadesk.invoicing.tests.conftest import PERIOD
from vadesk.invoicing.tests.test_payments_statement_queries import entries_for, open_invoices
from vadesk.tasks.models import Status
from vadesk.tasks.services import comment_add, task_create, task_transition
from vadesk.timesheets.services import time_entry_log, timer_start, timer_stop
from vadesk.webhooks.models import Delivery, EventKind
from vadesk.webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db


def sent(event: str | None = None) -> list[Delivery]:
    found = Delivery.objects.order_by("pk")
    return list(found.filter(event=event) if event else found)


def test_a_task_created_and_done(registered, assistant, acme):
    task = task_create(by=assistant, client=acme, title="Book the venue")
    task_transition(by=assistant, task=task, to=Status.DONE)
    task_transition(by=assistant, task=task, to=Status.IN_PROGRESS)  # reopened: no event

    assert [d.event for d in sent()] == ["task.created", "task.done"]
    data = sent("task.done")[0].payload["data"]["task"]
    assert data["id"] == task.pk and data["status"] == "done"
    assert data["url"].endswith(f"/tasks/{task.pk}/")


def test_time_logged_by_hand_and_by_timer(registered, assistant, task, bundle):
    entry = time_entry_log(by=assistant, engagement=bundle, task=task, work_date=timezone.localdate(), minutes=30)
    running = timer_start(by=assistant, engagement=bundle, task=task)
    timer_stop(by=assistant, entry=running, now=running.started_at + timedelta(minutes=10))

    logged = sent("time.logged")
    assert len(logged) == 2
    data = logged[0].payload["data"]["time_entry"]
    assert (data["id"], data["worked_minutes"], data["task_id"]) == (entry.pk, 30, task.pk)
    assert "note" not in data  # a time entry's note can be internal


def test_an_invoice_finalised_sent_and_paid(registered, owner, assistant, billable_acme, october_hours, seller):
    final = invoice_finalise(
        by=owner,
        invoice=invoice_draft_create(by=assistant, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1]),
        issue_date=date(2026, 11, 2),
    )
    invoice_send(by=owner, invoice=final)
    payment_record(by=owner, invoice=final, amount=Decimal("10.00"), paid_on=date(2026, 11, 3))  # a part: no event
    assert sent("invoice.paid") == []
    final.refresh_from_db()
    payment_record(by=owner, invoice=final, amount=final.gross_total - Decimal("10.00"), paid_on=date(2026, 11, 4))

    assert [d.event for d in sent() if d.event.startswith("invoice.")] == [
        "invoice.finalised",
        "invoice.sent",
        "invoice.paid",
    ]
    paid = sent("invoice.paid")[0].payload["data"]["invoice"]
    assert (paid["number"], paid["gross_total"], paid["paid_on"]) == (
        final.number,
        str(final.gross_total),
        "2026-11-04",
    )
    assert "sent_at" in sent("invoice.sent")[0].payload["data"]


def test_a_client_reply(registered, assistant, acme_user, task):
    task = task_transition(by=assistant, task=task, to=Status.WAITING)
    comment = comment_add(by=acme_user, task=task, body="Tuesday suits us", visibility="client")

    [reply] = sent("client.replied")
    assert reply.payload["data"]["comment"]["id"] == comment.pk
    assert reply.payload["data"]["task"]["status"] == "in_progress"
    assert "Tuesday" not in str(reply.payload)  # ids and links, not the words


def test_a_booking_made_and_moved(registered, assistant, acme):
    calendar = Calendar.objects.create(party=client_party(acme), name="Work", source=Calendar.Source.LOCAL)
    start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    event = booking_create(
        by=assistant, calendar=calendar, start=start, end=start + timedelta(hours=1), summary="Board"
    )
    later = start + timedelta(days=1)
    booking_move(by=assistant, event=event, start=later, end=later + timedelta(hours=1))

    made, moved = sent("booking.made")[0], sent("booking.moved")[0]
    assert made.payload["data"]["booking"]["id"] == event.pk
    assert made.payload["data"]["booking"]["client"]["id"] == acme.pk
    assert moved.payload["data"]["booking"]["start"] == later.isoformat()


def test_an_event_in_one_organisation_never_reaches_another_organisations_endpoint(
    registered, outsider, other_org, other_client, assistant, acme, receiver
):
    theirs, _secret = endpoint_create(
        by=outsider, organisation_id=other_org.pk, url=receiver.url, events=EventKind.values
    )
    task_create(by=assistant, client=acme, title="Ours")
    task_create(by=outsider, client=other_client, title="Theirs")

    assert [(d.endpoint_id, d.payload["data"]["task"]["title"]) for d in sent()] == [
        (registered.endpoint.pk, "Ours"),
        (theirs.pk, "Theirs"),
    ]


def test_only_the_events_an_endpoint_chose(owner, org, receiver, assistant, acme):
    endpoint_create(by=owner, organisation_id=org.pk, url=receiver.url, events=["task.done"])
    task = task_create(by=assistant, client=acme, title="Quiet")
    assert sent() == []
    task_transition(by=assistant, task=task, to=Status.DONE)
    assert [d.event for d in sent()] == ["task.done"]


def test_no_payload_carries_what_the_team_keeps_internal(registered, assistant, acme_user, task, internal_notes):
    task = task_transition(by=assistant, task=task, to=Status.WAITING)
    comment_add(by=acme_user, task=task, body="ok", visibility="client")
    comment_add(by=assistant, task=task, body=f"{INTERNAL_MARKERS['comment']} again", visibility="internal")
    task_transition(by=assistant, task=task, to=Status.DONE)
    assert sent()
    assert leaked(str([d.payload for d in sent()])) == []


def test_invoices_a_bank_statement_pays_in_full(registered, owner, org, seller, billable_acme):
    invoices = open_invoices(seller, billable_acme, 1, 6)
    statement_import(by=owner, organisation=org, data=statement(entries_for(invoices, "W")))

    paid = [d.payload["data"]["invoice"]["number"] for d in sent("invoice.paid")]
    assert paid == [invoices[0].number, invoices[3].number]  # the exact amounts with their number (every third)
