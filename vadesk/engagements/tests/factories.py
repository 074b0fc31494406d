"""Engagements of each kind and raw time entries, built inline for balance and time tests."""

from datetime import UTC, date, datetime, time
from decimal import Decimal

from vadesk.accounts.models import Person
from vadesk.clients.models import Client
from vadesk.engagements.models import Engagement
from vadesk.tasks.models import Task
from vadesk.timesheets.models import TimeEntry


def make_engagement(client: Client, kind: str, *, starts_on: date, **terms) -> Engagement:
    defaults: dict[str, object] = {
        Engagement.Kind.HOURLY: {"hourly_rate": Decimal("55.00")},
        Engagement.Kind.BUNDLE: {"bundle_hours": Decimal("10"), "bundle_price": Decimal("550.00")},
        Engagement.Kind.RETAINER: {
            "monthly_hours": Decimal("20"),
            "monthly_price": Decimal("1000.00"),
            "excess_rate": Decimal("55.00"),
        },
        Engagement.Kind.PROJECT: {"budget_hours": Decimal("40"), "project_price": Decimal("2000.00")},
    }[kind]
    fields = {"name": f"{kind} for {client}", "billing_increment_minutes": 15, **defaults, **terms}
    engagement = Engagement(client=client, kind=kind, starts_on=starts_on, **fields)
    engagement.full_clean()
    engagement.save()
    # Entered when it started (not back-dated), so a retainer rolls over from its first month.
    recorded = datetime.combine(starts_on, time(9), tzinfo=UTC)
    Engagement.objects.filter(pk=engagement.pk).update(created_at=recorded)
    engagement.created_at = recorded
    return engagement


def make_entry(
    engagement: Engagement,
    person: Person,
    work_date: date,
    minutes: int,
    *,
    billable: bool = True,
    task: Task | None = None,
    running: bool = False,
) -> TimeEntry:
    """A stored entry billed exactly `minutes`, bypassing the services (but keeping the monthly usage, as they do):
    the balance is what is under test.

    A running timer keeps its minutes too (a corrected timer has them), so only the query can leave it out.
    """
    from django.utils import timezone

    from vadesk.timesheets.usage import usage_refresh

    entry = TimeEntry.objects.create(
        engagement=engagement,
        person=person,
        work_date=work_date,
        task=task,
        billable=billable,
        worked_minutes=minutes,
        billed_minutes=minutes if billable else 0,
        started_at=timezone.now() if running else None,
    )
    usage_refresh([(engagement.pk, work_date)])  # what the services keep in the same transaction
    return entry
