"""A draft from a month of hours costs the same queries for 5 entries on 2 tasks as for 2,000 on 400 (issue 13),
and the bulk-made lines say what the line-by-line ones said: each task's hours, each entry linked once."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vadesk.accounts.models import Person
from vadesk.invoicing.models import InvoiceLine, InvoiceLineEntry
from vadesk.invoicing.services import invoice_draft_create
from vadesk.tasks.models import Task
from vadesk.timesheets.models import TimeEntry

pytestmark = pytest.mark.django_db


def month_of_work(engagement, person, month: date, *, entries: int, tasks: int) -> list[Task]:
    made = Task.objects.bulk_create(
        [Task(client=engagement.client, engagement=engagement, title=f"{month:%b} job {n:03}") for n in range(tasks)]
    )
    TimeEntry.objects.bulk_create(
        [
            TimeEntry(
                engagement=engagement,
                task=made[n % tasks],
                person=person,
                work_date=month + timedelta(days=n % 28),
                worked_minutes=15 + n % 4 * 15,
                billed_minutes=15 + n % 4 * 15,
            )
            for n in range(entries)
        ],
        batch_size=2000,
    )
    return made


def draft_counting(owner, client, month: date) -> tuple[int, object]:
    owner = Person.objects.get(pk=owner.pk)  # fresh, as each request has it
    end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    with CaptureQueriesContext(connection) as queries:
        draft = invoice_draft_create(by=owner, client=client, period_start=month, period_end=end)
    return len(queries.captured_queries), draft


def test_the_draft_costs_the_same_queries_for_a_busy_month(owner, assistant, seller, hourly):
    month_of_work(hourly, assistant, date(2026, 9, 1), entries=5, tasks=2)
    month_of_work(hourly, assistant, date(2026, 10, 1), entries=2_000, tasks=400)

    draft_counting(owner, hourly.client, date(2026, 8, 1))  # the first makes the client's billing settings
    few, _small = draft_counting(owner, hourly.client, date(2026, 9, 1))
    many, large = draft_counting(owner, hourly.client, date(2026, 10, 1))

    assert many == few, (few, many)
    assert many <= 16, many
    assert large.lines.count() == 400


def test_each_line_holds_its_tasks_hours_and_links_each_entry_once(owner, assistant, seller, hourly):
    tasks = month_of_work(hourly, assistant, date(2026, 10, 1), entries=90, tasks=7)

    _queries, draft = draft_counting(owner, hourly.client, date(2026, 10, 1))

    lines = list(draft.lines.order_by("position"))
    assert [line.position for line in lines] == list(range(1, 8))
    assert [line.description for line in lines] == [t.title for t in tasks]  # first worked first
    for line, task in zip(lines, tasks, strict=True):
        entries = TimeEntry.objects.filter(task=task)
        assert set(line.time_entries.values_list("pk", flat=True)) == set(entries.values_list("pk", flat=True))
        minutes = sum(entries.values_list("billed_minutes", flat=True))
        assert line.quantity == (Decimal(minutes) / 60).quantize(Decimal("0.0001"))
        assert line.unit_price == Decimal("55.00") and line.source == InvoiceLine.Source.HOURS
    assert InvoiceLineEntry.objects.filter(line__invoice=draft).count() == 90
