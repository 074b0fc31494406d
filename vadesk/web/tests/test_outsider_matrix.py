"""Deny by default, page by page: whoever cannot reach an object gets 404, 403 or a redirect, and nothing changes.

Every URL pattern of the site that takes an id (an int or str path converter) is an entry of MATRIX or is named
in ELSEWHERE with the reason; test_the_matrix_covers_every_page_that_takes_an_id walks Django's resolver to
prove it, as vadesk/api/tests/test_tenancy.py does for the API's OpenAPI document. Each entry is requested,
with GET and with POST, by `outsider` (owner of another organisation), `colleague` (an assistant of the same
agency not on acme's team) and `globex_user` (the client user of another client); the rows of every vadesk
table are compared before and after. The same request by someone in reach is the positive control.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, StringConverter
from django.utils import timezone

from vadesk.accounts.models import ApiToken
from vadesk.accounts.services import api_token_create
from vadesk.agenda.models import Calendar, Conflict, Event, Party
from vadesk.agenda.parties import client_party
from vadesk.api.tests.conftest import globex, globex_user  # noqa: F401  (the client user of another client)
from vadesk.clients.models import Client, Contact, DossierFact
from vadesk.comms.models import Attachment, FollowUp, InboundMessage, OutboxMessage, PhoneMessage
from vadesk.comms.services import followup_add, phone_message_take
from vadesk.invoicing.models import BankStatement, Buyer, Invoice, Payment, SellerProfile, StatementLine
from vadesk.invoicing.services import invoice_draft_create, invoice_finalise, invoice_line_save, payment_record
from vadesk.invoicing.tests.conftest import PERIOD, billable_acme, hourly, october_hours, seller  # noqa: F401
from vadesk.jobs.models import JobRun
from vadesk.notifications.models import Notification
from vadesk.reports.models import MonthlyReport
from vadesk.tasks.models import ChecklistItem, RecurringTask, Task
from vadesk.team.models import Absence, HandoverNote, Interest
from vadesk.timesheets.models import OverageConsent, TimeEntry
from vadesk.timesheets.services import time_entry_log
from vadesk.webhooks.models import Delivery
from vadesk.webhooks.services import endpoint_create

ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//vadesk//tests//EN
BEGIN:VEVENT
UID:matrix@vadesk.test
DTSTAMP:20261001T080000Z
DTSTART:20261201T090000Z
DTEND:20261201T100000Z
SUMMARY:Board meeting
END:VEVENT
END:VCALENDAR
"""


@dataclass
class World:
    acme: Client
    task: Task
    entry: TimeEntry
    fact: DossierFact
    contact: Contact
    item: ChecklistItem
    recurring: RecurringTask
    token: ApiToken
    calendar: Calendar
    party: Party
    event: Event
    call: PhoneMessage
    follow_up: FollowUp
    attachment: Attachment
    outbox: OutboxMessage
    held: OutboxMessage
    inbound: InboundMessage
    statement_line: StatementLine
    buyer: Buyer
    draft: Invoice
    final: Invoice
    payment: Payment
    notification: Notification
    delivery: Delivery


@pytest.fixture(autouse=True)
def _file_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the runs' result files


@pytest.fixture
def world(owner, assistant, acme_user, colleague, outsider, globex_user, task, seller, october_hours) -> World:
    acme, engagement = task.client, october_hours[0].engagement
    task.engagement = engagement
    task.save(update_fields=["engagement"])
    contact = Contact.objects.create(client=acme, name="Cees Acme", email="ceo@acme.example", is_primary=True)
    calendar = Calendar.objects.create(party=client_party(acme), name="Work", source=Calendar.Source.LOCAL)
    event = Event.objects.create(calendar=calendar, uid="matrix@vadesk.test", ics=ICS, summary="Board meeting")
    Conflict.objects.create(event=event, local_ics=ICS, remote_ics=ICS)
    inbound = InboundMessage.objects.create(key="<m@x>", organisation=acme.organisation, outcome="triage", raw=b"x")
    behalf = SellerProfile.objects.create(organisation=acme.organisation, on_behalf_of=acme)
    statement = BankStatement.objects.create(
        organisation=acme.organisation, statement_id="S1", account_iban="NL91ABNA0417164300"
    )
    draft = invoice_draft_create(by=owner, client=acme, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False)
    invoice_line_save(
        by=owner, invoice=draft, description="Travel", quantity=Decimal(1), unit="C62", unit_price=Decimal("40")
    )
    final = invoice_finalise(
        by=owner,
        invoice=invoice_draft_create(by=assistant, client=acme, period_start=PERIOD[0], period_end=PERIOD[1]),
        issue_date=date(2026, 11, 2),
    )
    return World(
        acme=acme,
        task=task,
        entry=time_entry_log(
            by=assistant, engagement=engagement, task=task, work_date=timezone.localdate(), minutes=30
        ),
        fact=DossierFact.objects.create(client=acme, text="Door code 4711", author=assistant),
        contact=contact,
        item=ChecklistItem.objects.create(task=task, text="Book the room", position=0),
        recurring=RecurringTask.objects.create(
            client=acme, title="Monthly VAT", rrule="FREQ=MONTHLY;BYMONTHDAY=25", first_due_at=timezone.now()
        ),
        token=api_token_create(person=assistant, name="laptop")[0],
        calendar=calendar,
        party=Party.objects.create(
            organisation=acme.organisation, client=acme, kind=Party.Kind.EXTERNAL, name="Notaris"
        ),
        event=event,
        call=phone_message_take(
            by=assistant, client=acme, caller_name="Jan", number="020 1234567", reason="Offerte", callback=True
        )[0],
        follow_up=followup_add(by=assistant, client=acme, task=task, text="Ask", due_at=timezone.now()),
        attachment=Attachment.objects.create(
            task=task,
            inbound=inbound,
            filename="a.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0",
            content=b"x",
        ),
        outbox=OutboxMessage.objects.create(
            organisation=acme.organisation,
            client=acme,
            kind="task",
            recipient="ceo@acme.example",
            subject="Hi",
            not_before=timezone.now(),
        ),
        held=OutboxMessage.objects.create(
            organisation=acme.organisation,
            client=acme,
            contact=contact,
            kind="update",
            recipient="ceo@acme.example",
            subject="For the digest",
            message_id="<held@matrix.test>",
            state=OutboxMessage.State.HELD,
            not_before=timezone.now(),
        ),
        inbound=inbound,
        statement_line=StatementLine.objects.create(
            organisation=acme.organisation,
            statement=statement,
            bank_reference="R1",
            booked_on=date(2026, 11, 3),
            amount=Decimal("100.00"),
            status=StatementLine.Status.REVIEW,
        ),
        buyer=Buyer.objects.create(seller=behalf, name="Koper B.V.", street="Weg 1", postal_code="1000 AA", city="A"),
        draft=draft,
        final=final,
        payment=payment_record(by=owner, invoice=final, amount=Decimal("10.00"), paid_on=date(2026, 11, 3)),
        notification=Notification.objects.create(
            recipient=owner, organisation=acme.organisation, kind="client_message", client=acme, title="Acme replied"
        ),
        delivery=_webhook_delivery(owner, acme.organisation_id),
    )


def _webhook_delivery(owner, organisation_id: int) -> Delivery:
    """A failed delivery of an endpoint of acme's organisation (so that the owner may resend it)."""
    endpoint, _secret = endpoint_create(
        by=owner, organisation_id=organisation_id, url="https://hooks.example/vadesk", events=["task.done"]
    )
    return Delivery.objects.create(
        endpoint=endpoint, event="task.done", message_id=Delivery.new_message_id(), payload={}, status="failed"
    )


Entry = Callable[[World], dict[str, Any]]


def _team_absence(w: World) -> Absence:
    """A requested absence of acme's assistant (team pages)."""
    person = w.acme.assignments.get().person
    return Absence.objects.create(
        organisation=w.acme.organisation,
        person=person,
        start_date=date(2026, 12, 14),
        end_date=date(2026, 12, 18),
        requested_by=person,
    )


def _done_run(w: World) -> dict[str, Any]:
    """A finished run of acme's organisation (an export) with its file; its page and download are the owners'."""
    name = default_storage.save(f"runs/{w.acme.organisation_id}/m/export.zip", ContentFile(b"PK"))
    run = JobRun.objects.create(
        organisation=w.acme.organisation,
        kind="invoicing.export",
        title="Export",
        state=JobRun.State.DONE,
        result_name=name,
        result_filename="export.zip",
    )
    return {"pk": run.pk}


def _consent(w: World) -> OverageConsent:
    """A waiting question to acme's user: may the team go beyond the engagement's hours this month?"""
    now = timezone.now()
    return OverageConsent.objects.create(
        engagement=w.entry.engagement,
        month=timezone.localdate().replace(day=1),
        threshold=80,
        asked_at=now,
        answer_by=now + timedelta(days=3),
    )


def _report(w: World) -> MonthlyReport:
    """A monthly report of acme that went out (the portal shows only those)."""
    now = timezone.now()
    return MonthlyReport.objects.get_or_create(
        client=w.acme, month=date(2026, 11, 1), defaults={"content": {}, "built_at": now, "sent_at": now}
    )[0]


def _handover_note(w: World) -> dict[str, Any]:
    """A handover note on acme for its assistant's absence; the owner is the positive control."""
    note = HandoverNote.objects.create(absence=_team_absence(w), client=w.acme, draft={})
    return {"pk": note.pk}


def _team_interest(w: World) -> dict[str, Any]:
    Interest.objects.get_or_create(client=w.acme, person=w.acme.assignments.get().person)
    return {"client_pk": w.acme.pk}


# URL name → the kwargs naming one of acme's objects (or of its team); `who` in INSIDERS is the positive control.
MATRIX: dict[str, Entry] = {
    "token_revoke": lambda w: {"pk": w.token.pk},
    "client_detail": lambda w: {"pk": w.acme.pk},
    "client_edit": lambda w: {"pk": w.acme.pk},
    "client_team": lambda w: {"pk": w.acme.pk},
    "contact_add": lambda w: {"pk": w.acme.pk},
    "contact_edit": lambda w: {"pk": w.acme.pk, "contact_pk": w.contact.pk},
    "fact_edit": lambda w: {"pk": w.acme.pk, "fact_pk": w.fact.pk},
    "fact_add": lambda w: {"pk": w.acme.pk},
    "fact_pin": lambda w: {"pk": w.acme.pk, "fact_pk": w.fact.pk},
    "fact_delete": lambda w: {"pk": w.acme.pk, "fact_pk": w.fact.pk},
    "engagement_create": lambda w: {"pk": w.acme.pk},
    "engagement_edit": lambda w: {"pk": w.acme.pk, "engagement_pk": w.entry.engagement_id},
    "recurring_new": lambda w: {"pk": w.acme.pk},
    "recurring_stop": lambda w: {"pk": w.acme.pk, "recurring_pk": w.recurring.pk},
    "task_detail": lambda w: {"pk": w.task.pk},
    "task_edit": lambda w: {"pk": w.task.pk},
    "task_move": lambda w: {"pk": w.task.pk},
    "comment_new": lambda w: {"pk": w.task.pk},
    "checklist_new": lambda w: {"pk": w.task.pk},
    "checklist_toggle": lambda w: {"pk": w.task.pk, "item_pk": w.item.pk},
    "timer_start": lambda w: {"pk": w.task.pk},
    "task_log_time": lambda w: {"pk": w.task.pk},
    "entry_edit": lambda w: {"pk": w.entry.pk},
    "entry_delete": lambda w: {"pk": w.entry.pk},
    "portal:task": lambda w: {"pk": w.task.pk},
    "portal:consent": lambda w: {"pk": _consent(w).pk},
    # the team's side of the monthly report: the client's team and the owners
    "client_reports": lambda w: {"pk": w.acme.pk},
    "report_detail": lambda w: {"pk": _report(w).pk},
    "report_pdf": lambda w: {"pk": _report(w).pk},
    "report_notes": lambda w: {"pk": _report(w).pk},
    "report_rebuild": lambda w: {"pk": _report(w).pk},
    "portal:report": lambda w: {"pk": _report(w).pk},
    "portal:report_pdf": lambda w: {"pk": _report(w).pk},
    "portal:report_rate": lambda w: {"pk": _report(w).pk},
    "portal:task_rate": lambda w: {"pk": w.task.pk},
    # agenda
    "agenda_week": lambda w: {"pk": w.acme.pk},
    "agenda_calendar_add": lambda w: {"pk": w.acme.pk},
    "agenda_find": lambda w: {"pk": w.acme.pk},
    "agenda_book": lambda w: {"pk": w.acme.pk},
    "agenda_party_add": lambda w: {"pk": w.acme.pk},
    "agenda_calendar_action": lambda w: {"calendar_pk": w.calendar.pk, "action": "feed"},
    "agenda_party": lambda w: {"party_pk": w.party.pk},
    "agenda_move": lambda w: {"event_pk": w.event.pk},
    "agenda_conflict": lambda w: {"event_pk": w.event.pk, "choice": "mine"},
    "agenda_cancel": lambda w: {"event_pk": w.event.pk},
    # comms
    "comms:call_done": lambda w: {"pk": w.call.pk},
    "comms:people": lambda w: {"pk": w.acme.pk},
    "comms:call_log": lambda w: {"pk": w.acme.pk},
    "comms:preference": lambda w: {"pk": w.contact.pk},
    "comms:follow_up_done": lambda w: {"pk": w.follow_up.pk},
    "comms:ask": lambda w: {"pk": w.task.pk},
    "comms:confirm": lambda w: {"pk": w.task.pk},
    "comms:attachment": lambda w: {"pk": w.attachment.pk},
    "comms:outbox_settle": lambda w: {"pk": w.outbox.pk},
    "comms:digest_item": lambda w: {"pk": w.held.pk},
    "comms:triage_settle": lambda w: {"pk": w.inbound.pk},
    # invoicing
    "invoicing:bank_resolve": lambda w: {"line_pk": w.statement_line.pk},
    "invoicing:client_billing": lambda w: {"client_pk": w.acme.pk},
    "invoicing:behalf": lambda w: {"client_pk": w.acme.pk},
    "invoicing:behalf_buyer_new": lambda w: {"client_pk": w.acme.pk},
    "invoicing:behalf_buyer": lambda w: {"client_pk": w.acme.pk, "pk": w.buyer.pk},
    "invoicing:behalf_draft_new": lambda w: {"client_pk": w.acme.pk},
    "invoicing:detail": lambda w: {"pk": w.draft.pk},
    "invoicing:edit": lambda w: {"pk": w.draft.pk},
    "invoicing:line_add": lambda w: {"pk": w.draft.pk},
    "invoicing:line_edit": lambda w: {"pk": w.draft.pk, "line_pk": w.draft.lines.get().pk},
    "invoicing:line_delete": lambda w: {"pk": w.draft.pk, "line_pk": w.draft.lines.get().pk},
    "invoicing:finalise": lambda w: {"pk": w.draft.pk},
    "invoicing:discard": lambda w: {"pk": w.draft.pk},
    "invoicing:send": lambda w: {"pk": w.final.pk},
    "invoicing:credit": lambda w: {"pk": w.final.pk},
    "invoicing:payment_add": lambda w: {"pk": w.final.pk},
    "invoicing:payment_undo": lambda w: {"pk": w.final.pk, "payment_pk": w.payment.pk},
    "invoicing:pdf": lambda w: {"pk": w.final.pk},
    "invoicing:einvoice": lambda w: {"pk": w.final.pk, "fmt": "ubl"},
    "invoicing:portal_download": lambda w: {"pk": w.final.pk, "fmt": "pdf"},
    # team
    "team:absence_decide": lambda w: {"pk": _team_absence(w).pk},
    "team:absence_cancel": lambda w: {"pk": _team_absence(w).pk},
    "team:profile": lambda w: {"person_pk": w.acme.assignments.get().person_id},
    "team:candidates": lambda w: {"client_pk": w.acme.pk},
    "team:interest": _team_interest,
    "team:handover": _handover_note,
    # jobs: a run with progress and its result file
    "jobs:run": _done_run,
    "jobs:run_download": _done_run,
    # notifications: the owner's own, about acme
    "notifications:open": lambda w: {"pk": w.notification.pk},
    # webhooks: an endpoint of acme's organisation, for its owners only
    "webhooks:detail": lambda w: {"pk": w.delivery.endpoint_id},
    "webhooks:rotate": lambda w: {"pk": w.delivery.endpoint_id},
    "webhooks:delete": lambda w: {"pk": w.delivery.endpoint_id},
    "webhooks:test": lambda w: {"pk": w.delivery.endpoint_id},
    "webhooks:resend": lambda w: {"pk": w.delivery.endpoint_id, "delivery_pk": w.delivery.pk},
}

# Who is in reach for the positive control: the owner, or for some pages the assistant or acme's own user.
INSIDERS = {
    "token_revoke": "assistant",
    "portal:task": "acme_user",
    "portal:consent": "acme_user",
    "portal:report": "acme_user",
    "portal:report_pdf": "acme_user",
    "portal:report_rate": "acme_user",
    "portal:task_rate": "acme_user",
    "invoicing:portal_download": "acme_user",
    "team:interest": "assistant",
}

# Patterns with an id that are not an object of a client; where their outsider test is, or why they need none.
ELSEWHERE = {
    "password_reset_confirm": "a signed one-time token, checked by Django's PasswordResetConfirmView",
    "portal:signin_link": "a one-time sign-in secret for one person: vadesk/portal/tests/test_signin_link.py",
    "invitation": "a signed single-use token for one address: vadesk/web/tests/test_invitations.py",
    "agenda_feed": "a capability URL (the secret is the token): test_an_unknown_feed_token_is_404 below",
    "comms:template_edit": "a kind and a language, not an object: each organisation edits only its own wording",
    "api:*": "the REST API: vadesk/api/tests/test_tenancy.py proves its own matrix complete",
}

# Bodies that would succeed for someone in reach, so that a refusal is the scoping's and not the input's.
BODIES: dict[str, Entry] = {
    "agenda_book": lambda w: {
        "calendar": w.calendar.pk,
        "start": "2026-12-02T09:00:00+00:00",
        "end": "2026-12-02T10:00:00+00:00",
        "summary": "Planted",
    },
}

DENIED = ["outsider", "colleague", "globex_user"]
BODY = {"to": "done", "body": "x", "visibility": "internal", "text": "x", "minutes": "30", "duration": "0:30"}


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, list]]:
    for pattern in resolver.url_patterns:
        converters = list(getattr(pattern.pattern, "converters", {}).values())
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            for name, route, more in _patterns(pattern, prefix + str(pattern.pattern), inner):
                yield name, route, converters + more
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", prefix + str(pattern.pattern), converters


def pages_with_an_id() -> set[str]:
    """Named URL patterns whose route takes an int or str converter, a namespace's patterns as `namespace:*`."""
    found = set()
    for name, _route, converters in _patterns(get_resolver()):
        if any(isinstance(c, IntConverter | StringConverter) for c in converters):
            namespace = name.rpartition(":")[0]
            found.add(f"{namespace}:*" if namespace and f"{namespace}:*" in ELSEWHERE else name)
    return found


def _snapshot() -> dict[str, list[dict]]:
    models = [m for m in apps.get_models() if m.__module__.startswith("vadesk.")]
    # Logging each person in writes their last_login: that is the test's doing, not the page's.
    return {m.__name__: [{**row, "last_login": None} for row in m.objects.order_by("pk").values()] for m in models}


def test_the_matrix_covers_every_page_that_takes_an_id():
    assert pages_with_an_id() == set(MATRIX) | set(ELSEWHERE)


def _denied(response, url: str) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    # A redirect only to the place for this person: the login, or a client user's portal.
    return response.status_code == 302 and response.url.split("?")[0] in (reverse("login"), reverse("portal:home"))


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_whoever_is_out_of_reach_is_refused_and_nothing_changes(name, world, client, request):
    url = reverse(name, kwargs=MATRIX[name](world))
    body = {**BODY, **BODIES.get(name, lambda w: {})(world)}
    before = _snapshot()
    for who in DENIED:
        client.force_login(request.getfixturevalue(who))
        for response in (client.get(url), client.post(url, body)):
            assert _denied(response, url), (who, response.status_code, url)
    assert _snapshot() == before, url

    client.force_login(request.getfixturevalue(INSIDERS.get(name, "owner")))
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, body)
    assert response.status_code not in (403, 404), (name, response.status_code)  # the positive control


def test_an_unknown_feed_token_is_404(client, world):
    world.calendar.feed_token = Calendar.new_feed_token()
    world.calendar.save(update_fields=["feed_token"])

    assert client.get(reverse("agenda_feed", args=[Calendar.new_feed_token()])).status_code == 404
    assert client.get(reverse("agenda_feed", args=[world.calendar.feed_token])).status_code == 200
