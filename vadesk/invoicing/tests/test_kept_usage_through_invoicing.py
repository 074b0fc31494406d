"""The kept usage the dashboard and the balances read equals the entries' sums through a whole billing cycle:
logs, a correction, a deletion, a draft, its finalising, a credit note and the hours after it."""

from datetime import UTC, date, datetime

from django.utils import timezone

from vadesk.engagements.models import Engagement
from vadesk.invoicing.services import credit_note_create, invoice_draft_create, invoice_finalise
from vadesk.reports.overview import overview
from vadesk.timesheets.models import EngagementPeriodUsage, EngagementWeekUsage, TimeEntry
from vadesk.timesheets.services import time_entry_correct, time_entry_delete

from .conftest import log

AFTER_THE_CYCLE = datetime(2026, 12, 15, 12, tzinfo=UTC)


def assert_kept_equals_the_entries(engagement: Engagement, owner) -> None:
    from vadesk.timesheets.usage import usage_from_entries, week_usage_from_entries

    months = {(c.engagement_id, c.month): (c.minutes, c.entries) for c in EngagementPeriodUsage.objects.all()}
    weeks = {
        (c.engagement_id, c.week, c.person_id): (c.worked_minutes, c.unbilled_minutes)
        for c in EngagementWeekUsage.objects.all()
    }
    assert months == usage_from_entries([engagement.pk])
    assert weeks == week_usage_from_entries([engagement.pk])
    # The dashboard's unbilled hours of the client: the billed minutes of counted entries not yet invoiced.
    unbilled = sum(
        TimeEntry.objects.counted()
        .filter(engagement=engagement, invoiced_at=None)
        .values_list("billed_minutes", flat=True)
    )
    # Read as in the weeks after the cycle (the window is the last twelve months), whatever today's date.
    shown = dict(overview(owner, engagement.client.organisation, now=AFTER_THE_CYCLE).unbilled)
    assert shown.get(engagement.client, 0) == unbilled


def test_the_kept_usage_equals_the_entries_through_a_billing_cycle(seller, hourly, assistant, owner):
    entries = [log(hourly, assistant, date(2026, 10, 1 + n), 50) for n in range(4)]
    assert_kept_equals_the_entries(hourly, owner)

    time_entry_correct(
        by=assistant, entry=entries[0], minutes=20, work_date=date(2026, 11, 3), note="moved", billable=True
    )
    time_entry_delete(by=assistant, entry=entries[1])
    time_entry_correct(
        by=assistant, entry=entries[2], minutes=50, work_date=entries[2].work_date, note="", billable=False
    )
    assert_kept_equals_the_entries(hourly, owner)

    draft = invoice_draft_create(
        by=owner, client=hourly.client, period_start=date(2026, 10, 1), period_end=date(2026, 11, 30)
    )
    assert_kept_equals_the_entries(hourly, owner)  # a draft locks nothing

    final = invoice_finalise(by=owner, invoice=draft, issue_date=timezone.localdate())
    assert TimeEntry.objects.filter(engagement=hourly, invoiced_at__isnull=False).count() == 2
    assert_kept_equals_the_entries(hourly, owner)

    credit = credit_note_create(by=owner, invoice=final)
    invoice_finalise(by=owner, invoice=credit, issue_date=timezone.localdate())
    assert_kept_equals_the_entries(hourly, owner)

    log(hourly, assistant, date(2026, 11, 20), 45)
    assert_kept_equals_the_entries(hourly, owner)
    assert EngagementWeekUsage.objects.filter(unbilled_minutes__gt=0).exists()
