"""What an assistant does all day, through the pages: tasks, timers, hours, the dossier."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from vadesk.clients.models import DossierFact
from vadesk.tasks.models import Task
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.services import time_entries_lock, time_entry_log


@pytest.fixture
def logged_in(client, assistant):
    client.force_login(assistant)
    return client


def test_it_creates_a_task_with_a_checklist(logged_in, acme, bundle, assistant):
    response = logged_in.post(
        reverse("task_new"),
        {
            "client": acme.pk,
            "title": "Reis naar Berlijn boeken",
            "category": "travel",
            "priority": 3,
            "source": "phone",
            "engagement": bundle.pk,
            "assignees": [assistant.pk],
            "checklist": "Trein\nHotel\n",
        },
    )
    task = Task.objects.get(title="Reis naar Berlijn boeken")
    assert response.url == reverse("task_detail", args=[task.pk])
    assert [i.text for i in task.checklist.all()] == ["Trein", "Hotel"]
    assert task.transitions.get().to_status == "new"


def test_a_task_form_without_title_says_so_and_writes_nothing(logged_in, acme):
    response = logged_in.post(
        reverse("task_new"), {"client": acme.pk, "title": "", "category": "other", "priority": 2, "source": "email"}
    )
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert Task.objects.count() == 0


def test_it_moves_a_task_through_the_workflow_and_records_who(logged_in, task, assistant):
    for status in ["planned", "in_progress", "waiting", "done"]:
        logged_in.post(reverse("task_move", args=[task.pk]), {"to": status})
    task.refresh_from_db()
    assert task.status == "done" and task.closed_at is not None
    assert [(t.to_status, t.by) for t in task.transitions.all()][1:] == [
        (s, assistant) for s in ["planned", "in_progress", "waiting", "done"]
    ]


def test_an_illegal_move_is_refused_with_a_message(logged_in, task):
    logged_in.post(reverse("task_move", args=[task.pk]), {"to": "done"})
    response = logged_in.post(reverse("task_move", args=[task.pk]), {"to": "waiting"}, follow=True)
    assert "cannot become" in response.content.decode()
    task.refresh_from_db()
    assert task.status == "done"


def test_a_timer_runs_across_pages_and_stops_into_a_rounded_entry(logged_in, task, bundle):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        logged_in.post(reverse("timer_start", args=[task.pk]))
        assert 'data-testid="topbar-stop"' in logged_in.get(reverse("clients")).content.decode()
    with time_machine.travel(start + timedelta(minutes=17), tick=False):
        logged_in.post(reverse("timer_stop"))
    entry = TimeEntry.objects.get()
    assert (entry.worked_minutes, entry.billed_minutes, entry.is_running) == (17, 30, False)


def test_it_logs_time_typed_as_hours_and_minutes(logged_in, acme, bundle):
    response = logged_in.post(
        reverse("timesheet"),
        {
            "engagement": bundle.pk,
            "work_date": timezone.localdate().isoformat(),
            "duration": "1:20",
            "note": "Mail",
            "billable": "on",
        },
    )
    assert response.status_code == 302
    entry = TimeEntry.objects.get()
    assert (entry.worked_minutes, entry.billed_minutes) == (80, 90)


@pytest.mark.parametrize("typed", ["lots", "0", "25:00"])
def test_an_unreadable_or_impossible_duration_is_refused_and_nothing_is_logged(logged_in, bundle, typed):
    response = logged_in.post(
        reverse("timesheet"),
        {"engagement": bundle.pk, "work_date": timezone.localdate().isoformat(), "duration": typed, "billable": "on"},
    )
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode() or "msg-error" in response.content.decode()
    assert TimeEntry.objects.count() == 0


def test_an_overdraft_of_a_blocking_bundle_is_explained_and_not_logged(logged_in, assistant, bundle, task):
    time_entry_log(by=assistant, engagement=bundle, work_date=timezone.localdate(), minutes=9 * 60 + 30)
    response = logged_in.post(
        reverse("timesheet"),
        {"engagement": bundle.pk, "work_date": timezone.localdate().isoformat(), "duration": "45", "billable": "on"},
    )
    body = response.content.decode()
    assert "Only 0:30 left on this bundle" in body
    assert TimeEntry.objects.count() == 1


def test_an_invoiced_entry_can_no_longer_be_corrected(logged_in, assistant, bundle):
    entry = time_entry_log(by=assistant, engagement=bundle, work_date=timezone.localdate(), minutes=30)
    time_entries_lock(entries=TimeEntry.objects.filter(pk=entry.pk), reference="2026-0042")
    response = logged_in.post(
        reverse("entry_edit", args=[entry.pk]),
        {"engagement": bundle.pk, "work_date": entry.work_date.isoformat(), "duration": "10", "billable": "on"},
    )
    assert "2026-0042" in response.content.decode()
    entry.refresh_from_db()
    assert entry.worked_minutes == 30


def test_the_dossier_takes_a_fact_by_htmx_and_finds_it_again(logged_in, acme, assistant):
    response = logged_in.post(
        reverse("fact_add", args=[acme.pk]),
        {"topic": "sensitivity", "text": "Noem nooit de vorige assistent", "noted_on": "2026-11-20", "pinned": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert "Noem nooit de vorige assistent" in response.content.decode() and "<html" not in response.content.decode()
    fact = DossierFact.objects.get()
    assert (fact.author, fact.pinned, fact.topic) == (assistant, True, "sensitivity")
    found = logged_in.get(
        reverse("client_detail", args=[acme.pk]) + "?part=dossier&q=vorige", HTTP_HX_REQUEST="true"
    ).content.decode()
    missed = logged_in.get(
        reverse("client_detail", args=[acme.pk]) + "?part=dossier&q=parkeren", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Noem nooit" in found and "Noem nooit" not in missed


def test_the_owner_creates_a_retainer_and_a_wrong_one_gets_field_errors(client, owner, acme):
    client.force_login(owner)
    url = reverse("engagement_create", args=[acme.pk])
    base = {
        "name": "Retainer 20",
        "kind": "retainer",
        "status": "active",
        "starts_on": "2026-11-01",
        "billing_increment_minutes": 6,
        "minimum_minutes_per_task": 0,
        "overdraft_policy": "block",
        "rollover_policy": "capped",
    }
    response = client.post(url, base)
    assert response.status_code == 200 and "Required for this kind of engagement." in response.content.decode()
    assert not acme.engagements.exists()
    client.post(
        url, base | {"monthly_hours": "20", "monthly_price": "1100.00", "excess_rate": "60", "rollover_cap_hours": "5"}
    )
    retainer = acme.engagements.get()
    assert (retainer.monthly_hours, retainer.rollover_cap_hours) == (Decimal("20"), Decimal("5"))


def test_the_owner_puts_a_colleague_on_the_team_who_then_sees_the_client(client, owner, colleague, assistant, acme):
    client.force_login(owner)
    client.post(
        reverse("client_team", args=[acme.pk]), {f"role-{colleague.pk}": "backup", f"role-{assistant.pk}": "lead"}
    )
    client.force_login(colleague)
    assert client.get(reverse("client_detail", args=[acme.pk])).status_code == 200


def test_a_client_with_an_invalid_vat_id_is_refused(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("client_create"),
        {"name": "Foute BV", "kind": "company", "preferred_language": "nl", "country": "NL", "vat_id": "NL123"},
    )
    assert "not a valid EU VAT id" in response.content.decode()
    assert not owner.memberships.get().organisation.clients.exists()
