"""checklist_item_add and checklist_item_toggle."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from vadesk.tasks.services import checklist_item_add, checklist_item_toggle, task_create


def test_new_items_go_to_the_end_of_the_checklist(assistant, acme):
    task = task_create(by=assistant, client=acme, title="Plan trip", checklist=["Book flight"])

    checklist_item_add(by=assistant, task=task, text=" Book hotel ")

    assert list(task.checklist.values_list("text", "position")) == [("Book flight", 0), ("Book hotel", 1)]


def test_it_refuses_an_empty_item(assistant, task):
    with pytest.raises(ValidationError):
        checklist_item_add(by=assistant, task=task, text=" ")

    assert not task.checklist.exists()


def test_toggling_ticks_an_item_off_with_who_and_when_and_toggling_again_unticks_it(assistant, task):
    item = checklist_item_add(by=assistant, task=task, text="Book room")
    when = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))

    with time_machine.travel(when, tick=False):
        checklist_item_toggle(by=assistant, item=item)
    item.refresh_from_db()
    assert (item.done_at, item.done_by) == (when, assistant)

    checklist_item_toggle(by=assistant, item=item)
    item.refresh_from_db()
    assert (item.done_at, item.done_by) == (None, None)
