"""Drafts never drift from the hours (issue 10.6): correcting or deleting an entry on a draft updates its line,
a line the hours cannot follow refuses the correction naming the draft, and finalising re-checks every line."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from vadesk.invoicing.models import InvoiceLine
from vadesk.invoicing.services import invoice_draft_create, invoice_finalise
from vadesk.invoicing.tests.conftest import PERIOD
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.services import time_entry_correct, time_entry_delete

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(owner, seller, october_hours):
    return invoice_draft_create(
        by=owner, client=october_hours[0].engagement.client, period_start=PERIOD[0], period_end=PERIOD[1]
    )


def _hours_line(draft) -> InvoiceLine:
    return draft.lines.get(source=InvoiceLine.Source.HOURS)


def test_the_draft_starts_with_the_hours_of_its_entries(draft):
    assert _hours_line(draft).quantity == Decimal("4")  # four entries of 50 minutes, billed per 15: 4 × 60


def test_correcting_an_entry_on_a_draft_updates_its_line(draft, assistant, october_hours):
    entry = october_hours[0]
    time_entry_correct(by=assistant, entry=entry, minutes=100, work_date=entry.work_date, note="", billable=True)
    assert _hours_line(draft).quantity == Decimal("4.75")  # 105 + 3 × 60 minutes
    invoice = invoice_finalise(by=draft.created_by, invoice=draft, issue_date=date(2026, 11, 2))
    assert TimeEntry.objects.get(pk=entry.pk).invoice_reference == invoice.number
    assert invoice.lines.get(source="hours").quantity == Decimal("4.75")


def test_an_entry_moved_out_of_the_period_or_made_unbillable_leaves_the_draft(draft, assistant, october_hours):
    first, second = october_hours[:2]
    time_entry_correct(by=assistant, entry=first, minutes=50, work_date=date(2026, 11, 5), note="", billable=True)
    time_entry_correct(by=assistant, entry=second, minutes=50, work_date=second.work_date, note="", billable=False)
    assert _hours_line(draft).quantity == Decimal("2")
    assert not hasattr(TimeEntry.objects.get(pk=first.pk), "invoice_link")


def test_deleting_an_entry_on_a_draft_takes_it_off_and_the_last_one_removes_the_line(draft, assistant, october_hours):
    time_entry_delete(by=assistant, entry=october_hours[0])
    assert _hours_line(draft).quantity == Decimal("3")
    for entry in october_hours[1:]:
        time_entry_delete(by=assistant, entry=entry)
    assert not draft.lines.filter(source=InvoiceLine.Source.HOURS).exists()


def test_a_line_that_cannot_follow_the_hours_refuses_the_correction_naming_the_draft(draft, assistant, october_hours):
    _hours_line(draft).__class__.objects.filter(invoice=draft).update(source=InvoiceLine.Source.EXCESS)
    entry = october_hours[0]
    with pytest.raises(ValidationError, match=rf"draft invoice {draft.pk} for Acme"):
        time_entry_correct(by=assistant, entry=entry, minutes=100, work_date=entry.work_date, note="", billable=True)
    assert TimeEntry.objects.get(pk=entry.pk).worked_minutes == 50


def test_finalising_refuses_a_line_that_no_longer_matches_its_entries(draft, october_hours):
    # As an older version left it: the entry changed behind the draft's back.
    TimeEntry.objects.filter(pk=october_hours[0].pk).update(worked_minutes=100, billed_minutes=105)
    with pytest.raises(ValidationError, match=r"bills 4 hours, its time entries 4.75"):
        invoice_finalise(by=draft.created_by, invoice=draft, issue_date=date(2026, 11, 2))
    assert TimeEntry.objects.filter(invoiced_at__isnull=False).count() == 0
