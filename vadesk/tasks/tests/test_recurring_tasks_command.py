"""`vadesk recurring_tasks`."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command, load_command_class

from vadesk.tasks.models import RecurringTask, Task


def run() -> str:
    out = StringIO()
    call_command("recurring_tasks", stdout=out)
    return out.getvalue()


def test_it_creates_the_due_tasks_and_says_how_many(acme, assistant):
    RecurringTask.objects.create(
        client=acme,
        title="Pay the VAT",
        rrule="FREQ=MONTHLY;BYMONTHDAY=25",
        lead_days=40,
        created_by=assistant,
        first_due_at=datetime(2026, 1, 25, 9, tzinfo=ZoneInfo("Europe/Amsterdam")),
    )

    with time_machine.travel(datetime(2026, 2, 20, 12, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False):
        assert run() == "Created 2 tasks from recurring tasks.\n"
        assert run() == "Created 0 tasks from recurring tasks.\n"

    assert Task.objects.count() == 2


def test_it_explains_itself_in_its_help():
    command = load_command_class("vadesk.tasks", "recurring_tasks")

    help_text = " ".join(command.create_parser("vadesk", "recurring_tasks").format_help().split())

    assert "Create a task for every occurrence of a recurring task that falls within its lead time." in help_text
