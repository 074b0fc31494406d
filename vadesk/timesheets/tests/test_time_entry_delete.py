"""time_entry_delete: until invoiced, by the assistant who logged the entry or an owner."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.services import (
    time_entries_lock,
    time_entry_delete,
    time_entry_log,
)


@pytest.fixture
def entry(assistant, bundle, today):
    return time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=30)


def test_an_assistant_deletes_their_own_entry(assistant, entry):
    time_entry_delete(by=assistant, entry=entry)

    assert not TimeEntry.objects.exists()


def test_an_owner_deletes_anyones_entry(owner, entry):
    time_entry_delete(by=owner, entry=entry)

    assert not TimeEntry.objects.exists()


@pytest.mark.parametrize("who", ["bea", "colleague", "outsider", "acme_user"])
def test_nobody_else_deletes_an_entry(request, entry, who):
    with pytest.raises(PermissionDenied):
        time_entry_delete(by=request.getfixturevalue(who), entry=entry)

    assert TimeEntry.objects.filter(pk=entry.pk).exists()


def test_it_refuses_to_delete_an_invoiced_entry(owner, entry):
    time_entries_lock(entries=TimeEntry.objects.all(), reference="2026-0042")

    with pytest.raises(ValidationError, match="This entry is on invoice 2026-0042 and can no longer be changed."):
        time_entry_delete(by=owner, entry=entry)

    assert TimeEntry.objects.filter(pk=entry.pk).exists()


def test_an_assistant_whose_membership_ended_cannot_delete_their_entries(assistant, entry):
    from vadesk.accounts.models import Person

    assistant.memberships.update(is_active=False)
    former = Person.objects.get(pk=assistant.pk)  # a new request: roles are read once per request

    with pytest.raises(PermissionDenied):
        time_entry_delete(by=former, entry=entry)

    assert TimeEntry.objects.filter(pk=entry.pk).exists()


def test_an_outsider_learns_nothing_about_an_invoiced_entry(outsider, entry):
    time_entries_lock(entries=TimeEntry.objects.all(), reference="2026-0042")

    with pytest.raises(PermissionDenied) as refused:
        time_entry_delete(by=outsider, entry=entry)

    assert "2026-0042" not in str(refused.value)
