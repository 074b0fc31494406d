"""The timer: start, stop, one running per person, and the bundle's balance still applies."""

from datetime import timedelta
from decimal import Decimal

import time_machine
from django.utils import timezone

from vadesk.engagements.models import Engagement
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.services import time_entry_log


def test_it_starts_and_stops_a_timer_rounding_started_minutes(api_as, assistant, bundle, task):
    api = api_as(assistant)
    with time_machine.travel(timezone.now().replace(hour=10, minute=0, second=0), tick=False) as traveller:
        response = api.post("/timer/start", {"engagement": bundle.pk, "task": task.pk, "note": "agenda"})
        assert response.status_code == 201, response.content
        assert response.json()["is_running"] is True
        traveller.shift(timedelta(minutes=16, seconds=1))
        response = api.post("/timer/stop")
    assert response.status_code == 200
    entry = TimeEntry.objects.get()
    assert (entry.worked_minutes, entry.billed_minutes, entry.task, entry.note, entry.is_running) == (
        17,
        30,
        task,
        "agenda",
        False,
    )
    assert response.json()["worked_minutes"] == 17


def test_starting_a_timer_stops_the_one_running(api_as, assistant, bundle, retainer):
    api = api_as(assistant)
    first = api.post("/timer/start", {"engagement": bundle.pk}).json()
    second = api.post("/timer/start", {"engagement": retainer.pk}).json()
    assert TimeEntry.objects.get(pk=first["id"]).is_running is False
    assert TimeEntry.objects.get(pk=second["id"]).is_running is True


def test_stopping_without_a_running_timer_answers_422(api_as, assistant):
    response = api_as(assistant).post("/timer/stop", {})
    assert response.status_code == 422
    assert response.json()["errors"] == {"__all__": ["No timer is running."]}


def test_stopping_can_make_the_entry_non_billable(api_as, assistant, bundle):
    api = api_as(assistant)
    api.post("/timer/start", {"engagement": bundle.pk})
    assert api.post("/timer/stop", {"billable": False}).json()["billable"] is False
    assert TimeEntry.objects.get().billable is False


def test_stopping_only_ever_touches_the_callers_own_timer(api_as, assistant, outsider, colleague, acme_user, bundle):
    api_as(assistant).post("/timer/start", {"engagement": bundle.pk})
    for person in (outsider, colleague, acme_user):
        response = api_as(person).post("/timer/stop")
        assert response.status_code == 422
        assert "Strippenkaart" not in response.content.decode()
    assert TimeEntry.objects.get().is_running


def test_a_client_user_may_not_start_a_timer(api_as, acme_user, bundle):
    response = api_as(acme_user).post("/timer/start", {"engagement": bundle.pk})
    assert response.status_code == 403
    assert not TimeEntry.objects.exists()


def test_it_refuses_to_start_on_a_used_up_bundle(api_as, assistant, bundle):
    for _ in range(2):
        time_entry_log(by=assistant, engagement=bundle, work_date=timezone.localdate(), minutes=300)
    response = api_as(assistant).post("/timer/start", {"engagement": bundle.pk})
    assert response.status_code == 422
    assert "used up" in response.json()["errors"]["__all__"][0]
    assert not TimeEntry.objects.running().exists()


def test_a_timer_the_bundle_cannot_hold_keeps_running(api_as, assistant, acme):
    small = Engagement.objects.create(
        client=acme,
        name="Mini",
        kind="bundle",
        starts_on=timezone.localdate() - timedelta(days=1),
        bundle_hours=Decimal("0.5"),
        bundle_price=Decimal("25"),
        billing_increment_minutes=1,
    )
    api = api_as(assistant)
    with time_machine.travel(timezone.now().replace(hour=9, minute=0, second=0), tick=False) as traveller:
        api.post("/timer/start", {"engagement": small.pk})
        traveller.shift(timedelta(minutes=45))
        response = api.post("/timer/stop")
    assert response.status_code == 422
    assert "Only 0:30 left on this bundle" in response.json()["errors"]["__all__"][0]
    assert TimeEntry.objects.get().is_running
