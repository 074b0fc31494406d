"""time_entries_lock: invoicing marks entries so they can no longer change."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.services import time_entries_lock, time_entry_log, timer_start


def test_it_marks_entries_with_the_invoice_and_counts_them(assistant, bundle, today):
    entries = [time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=m) for m in (15, 30)]

    with time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False):
        assert time_entries_lock(entries=TimeEntry.objects.all(), reference="2026-0042") == 2

    for entry in entries:
        entry.refresh_from_db()
        assert (entry.is_locked, entry.invoice_reference, entry.invoiced_at) == (
            True,
            "2026-0042",
            datetime(2026, 12, 1, 9, tzinfo=ZoneInfo("UTC")),
        )


def test_an_entry_stays_on_the_first_invoice_that_locked_it(assistant, bundle, today):
    first = time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=15)
    time_entries_lock(entries=TimeEntry.objects.all(), reference="2026-0042")
    later = time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=15)

    assert time_entries_lock(entries=TimeEntry.objects.all(), reference="2026-0043") == 1

    assert dict(TimeEntry.objects.values_list("pk", "invoice_reference")) == {
        first.pk: "2026-0042",
        later.pk: "2026-0043",
    }


def test_a_running_timer_is_not_invoiced(assistant, bundle):
    running = timer_start(by=assistant, engagement=bundle)

    assert time_entries_lock(entries=TimeEntry.objects.all(), reference="2026-0042") == 0

    running.refresh_from_db()
    assert (running.is_running, running.is_locked) == (True, False)
