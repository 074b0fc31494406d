"""time_entry_correct: changes until invoiced, by the assistant who logged the entry or an owner."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vadesk.timesheets.balances import balance_of
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.services import (
    time_entries_lock,
    time_entry_correct,
    time_entry_log,
)


@pytest.fixture
def entry(assistant, bundle, today):
    return time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=30, note="Inbox")


def correct(entry, by, **changes):
    fields = {
        "minutes": entry.worked_minutes,
        "work_date": entry.work_date,
        "note": entry.note,
        "billable": entry.billable,
        "task": entry.task,
    }
    return time_entry_correct(by=by, entry=entry, **{**fields, **changes})


def test_an_assistant_corrects_their_own_entry_and_it_is_priced_again(assistant, entry, today):
    correct(entry, assistant, minutes=50, work_date=today - timedelta(days=1), note="Inbox and calls")

    entry.refresh_from_db()
    assert (entry.worked_minutes, entry.billed_minutes, entry.work_date, entry.note) == (
        50,
        60,
        today - timedelta(days=1),
        "Inbox and calls",
    )


def test_a_correction_to_non_billable_gives_the_minutes_back_to_the_bundle(assistant, entry, bundle, today):
    correct(entry, assistant, billable=False)

    assert balance_of(bundle, today).used == 0


def test_a_correction_that_would_overdraw_a_blocking_bundle_is_refused_and_changes_nothing(
    assistant, owner, entry, bundle, today
):
    time_entry_log(by=owner, engagement=bundle, work_date=today, minutes=9 * 60)

    with pytest.raises(ValidationError) as refused:
        correct(entry, assistant, minutes=61, note="More")  # 60 minutes are left besides the entry's own

    assert refused.value.code == "bundle_exhausted"
    entry.refresh_from_db()
    assert (entry.worked_minutes, entry.billed_minutes, entry.note) == (30, 30, "Inbox")


def test_a_correction_may_keep_the_minutes_the_entry_already_holds_on_a_full_bundle(
    assistant, owner, entry, bundle, today
):
    time_entry_log(by=owner, engagement=bundle, work_date=today, minutes=9 * 60 + 30)

    correct(entry, assistant, minutes=25, note="Fewer")

    assert balance_of(bundle, today).used == 600


def test_an_entry_can_move_to_another_engagement_of_the_client(assistant, entry, bundle, retainer, today):
    correct(entry, assistant, engagement=retainer, minutes=7)

    entry.refresh_from_db()
    assert (entry.engagement, entry.billed_minutes) == (retainer, 12)
    assert (balance_of(bundle, today).used, balance_of(retainer, today).used) == (0, 12)


def test_it_refuses_to_move_an_entry_to_a_client_the_assistant_does_not_serve(assistant, entry, other_client, today):
    from decimal import Decimal

    from vadesk.engagements.models import Engagement

    elsewhere = Engagement.objects.create(
        client=other_client, name="Elsewhere", kind=Engagement.Kind.HOURLY, starts_on=today, hourly_rate=Decimal("50")
    )

    with pytest.raises(PermissionDenied):
        correct(entry, assistant, engagement=elsewhere)

    entry.refresh_from_db()
    assert entry.engagement_id != elsewhere.pk


def test_it_refuses_a_task_of_another_client(assistant, owner, entry, org):
    from vadesk.clients.models import Client
    from vadesk.tasks.services import task_create

    globex_task = task_create(
        by=owner, client=Client.objects.create(organisation=org, name="Globex"), title="Order toner"
    )

    with pytest.raises(ValidationError):
        correct(entry, assistant, task=globex_task)


def test_an_assistant_cannot_correct_a_colleagues_entry(bea, entry):
    with pytest.raises(PermissionDenied, match="Only the assistant who logged this entry or an owner can change it."):
        correct(entry, bea, minutes=60)

    entry.refresh_from_db()
    assert entry.worked_minutes == 30


def test_an_owner_can_correct_anyones_entry(owner, assistant, entry):
    correct(entry, owner, minutes=60)

    entry.refresh_from_db()
    assert (entry.worked_minutes, entry.person) == (60, assistant)


def test_an_owner_of_another_organisation_cannot_correct_the_entry(outsider, entry):
    with pytest.raises(PermissionDenied):
        correct(entry, outsider, minutes=60)


def test_it_refuses_to_correct_an_entry_once_it_is_invoiced(assistant, owner, entry):
    time_entries_lock(entries=TimeEntry.objects.filter(pk=entry.pk), reference="2026-0042")

    for person in (assistant, owner):
        with pytest.raises(ValidationError) as refused:
            correct(entry, person, minutes=60)
        assert refused.value.messages == [
            "This entry is on invoice 2026-0042 and can no longer be changed. Correct it with a credit note."
        ]

    entry.refresh_from_db()
    assert entry.worked_minutes == 30


def test_it_refuses_an_assistant_who_no_longer_serves_the_client(assistant, entry):
    assistant.assignments.all().delete()

    with pytest.raises(PermissionDenied):
        correct(entry, assistant, minutes=60)
