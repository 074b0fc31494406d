"""recurring_tasks_spawn: one task per RRULE occurrence within the lead time, at the same local wall-clock time."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from vadesk.tasks.models import RecurringTask, Source, Status, Task, Transition
from vadesk.tasks.recurrence import parse_rrule, recurring_tasks_spawn

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


@pytest.fixture
def vat_return(acme, bundle, assistant) -> RecurringTask:
    """Pay the VAT on the 25th of every month at 09:00, created three days ahead."""
    template = RecurringTask.objects.create(
        client=acme,
        engagement=bundle,
        title="Pay the VAT",
        description="Via the bank portal",
        category="bookkeeping",
        priority=3,
        rrule="FREQ=MONTHLY;BYMONTHDAY=25",
        first_due_at=local(2026, 1, 25, 9),
        lead_days=3,
        created_by=assistant,
    )
    template.assignees.set([assistant])
    return template


def spawn_at(when: datetime) -> int:
    with time_machine.travel(when, tick=False):
        return recurring_tasks_spawn()


def due_dates() -> list[datetime]:
    return [t.astimezone(AMSTERDAM) for t in Task.objects.order_by("due_at").values_list("due_at", flat=True)]


def test_it_creates_nothing_before_the_occurrence_is_within_the_lead_time(vat_return):
    assert spawn_at(local(2026, 2, 22, 8, 59)) == 0
    assert not Task.objects.exists()


def test_it_creates_the_task_for_an_occurrence_within_the_lead_time(vat_return, assistant, bundle, acme):
    assert spawn_at(local(2026, 2, 22, 9, 0)) == 1

    task = Task.objects.get()
    assert (task.client, task.engagement, task.title, task.description, task.category, task.priority) == (
        acme,
        bundle,
        "Pay the VAT",
        "Via the bank portal",
        "bookkeeping",
        3,
    )
    assert (task.due_at, task.occurrence_at, task.recurrence, task.status, task.source) == (
        local(2026, 2, 25, 9),
        local(2026, 2, 25, 9),
        vat_return,
        Status.NEW,
        Source.MESSAGE,
    )
    assert (list(task.assignees.all()), task.created_by) == ([assistant], assistant)
    assert list(Transition.objects.filter(task=task).values_list("from_status", "to_status", "by")) == [
        ("", Status.NEW, None)
    ]


def test_it_creates_one_task_per_occurrence_and_nothing_more_when_run_again(vat_return):
    vat_return.lead_days = 40
    vat_return.save()

    assert spawn_at(local(2026, 2, 20, 12)) == 2
    assert spawn_at(local(2026, 2, 20, 12)) == 0
    assert spawn_at(local(2026, 3, 1, 12)) == 0
    assert spawn_at(local(2026, 3, 20, 12)) == 1

    assert due_dates() == [local(2026, 2, 25, 9), local(2026, 3, 25, 9), local(2026, 4, 25, 9)]


def test_it_skips_occurrences_that_passed_more_than_a_day_ago(vat_return):
    spawn_at(local(2026, 3, 1, 12))  # January 25 and February 25 have passed: no tasks to catch up on

    assert not Task.objects.exists()


def test_it_keeps_nine_oclock_local_time_across_the_dst_changes(vat_return):
    vat_return.lead_days = 40
    vat_return.save()

    spawn_at(local(2026, 3, 20, 12))  # March 25 in winter time, April 25 after the clocks went forward on March 29
    spawn_at(local(2026, 10, 20, 12))  # October 25 is the very day the clocks go back, at 03:00; then November 25

    assert [(d.month, d.day, d.hour, d.minute) for d in due_dates()] == [
        (3, 25, 9, 0),
        (4, 25, 9, 0),
        (10, 25, 9, 0),
        (11, 25, 9, 0),
    ]
    assert [t.astimezone(UTC).hour for t in Task.objects.order_by("due_at").values_list("due_at", flat=True)] == [
        8,
        7,
        8,
        8,
    ]


def test_an_inactive_template_creates_nothing(vat_return):
    vat_return.active = False
    vat_return.save()

    assert spawn_at(local(2026, 2, 24, 9)) == 0


def test_a_template_repeating_for_a_long_time_still_creates_its_next_tasks(acme, assistant):
    RecurringTask.objects.create(
        client=acme,
        title="Check the inbox",
        rrule="FREQ=DAILY",
        first_due_at=local(2026, 1, 1, 9),
        lead_days=2,
        created_by=assistant,
    )

    assert spawn_at(local(2026, 6, 1, 8)) == 3

    assert due_dates() == [local(2026, 5, 31, 9), local(2026, 6, 1, 9), local(2026, 6, 2, 9)]


def test_it_honours_an_until_given_in_utc_as_rfc_5545_asks(vat_return):
    vat_return.rrule = "FREQ=MONTHLY;BYMONTHDAY=25;UNTIL=20260301T000000Z"
    vat_return.save()

    assert (spawn_at(local(2026, 2, 22, 12)), spawn_at(local(2026, 3, 22, 12))) == (1, 0)


def test_a_broken_template_does_not_stop_the_others(vat_return, acme, assistant):
    RecurringTask.objects.create(
        client=acme, title="Broken", rrule="FREQ=SOMETIMES", first_due_at=local(2026, 1, 1, 9), created_by=assistant
    )

    assert spawn_at(local(2026, 2, 22, 12)) == 1
    assert Task.objects.get().title == "Pay the VAT"


@pytest.mark.parametrize(
    "rule",
    [
        "",
        "FREQ=SOMETIMES",
        "BYMONTHDAY=25",
        "FREQ=MONTHLY;BYMONTHDAY=x",
        "nonsense",
        "FREQ=DAILY\nFREQ=WEEKLY",
        "FREQ=DAILY;UNTIL=tomorrow",
    ],
)
def test_an_invalid_rrule_is_a_validation_error(rule):
    with pytest.raises(ValidationError) as refused:
        parse_rrule(rule, local(2026, 1, 25, 9))

    assert list(refused.value.message_dict) == ["rrule"]


def test_a_template_with_an_invalid_rrule_does_not_validate(acme, assistant):
    template = RecurringTask(
        client=acme,
        title="Pay the VAT",
        rrule="FREQ=SOMETIMES",
        first_due_at=local(2026, 1, 25, 9),
        created_by=assistant,
    )

    with pytest.raises(ValidationError) as refused:
        template.full_clean()

    assert refused.value.message_dict["rrule"][0].startswith("This is not a valid RRULE:")


def test_a_template_with_a_valid_rrule_validates(acme, assistant):
    RecurringTask(
        client=acme,
        title="Pay the VAT",
        rrule="RRULE:FREQ=MONTHLY;BYMONTHDAY=25",
        first_due_at=local(2026, 1, 25, 9),
        created_by=assistant,
    ).full_clean()


def test_the_rrule_starts_from_the_first_due_date(vat_return):
    rule = parse_rrule(vat_return.rrule, local(2026, 1, 25, 9).replace(tzinfo=AMSTERDAM))

    assert rule.after(datetime(2026, 1, 25, 9), inc=True) == datetime(2026, 1, 25, 9)
    assert (
        rule.after(datetime(2026, 1, 25, 9))
        == datetime(2026, 2, 25, 9)
        == rule.after(datetime(2026, 1, 25, 9) + timedelta(days=1))
    )
