"""task_transition: the workflow, each step recorded with who and when."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from vadesk.tasks.models import Status, Task, Transition
from vadesk.tasks.services import task_create, task_transition

START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def steps(task):
    return list(Transition.objects.filter(task=task).values_list("from_status", "to_status", "by", "at"))


def test_each_step_of_the_workflow_is_recorded_with_who_and_when(assistant, owner, acme):
    path = [
        (Status.PLANNED, owner),
        (Status.IN_PROGRESS, assistant),
        (Status.WAITING, assistant),
        (Status.IN_PROGRESS, assistant),
        (Status.DONE, assistant),
    ]
    with time_machine.travel(START, tick=False) as clock:
        task = task_create(by=owner, client=acme, title="Organise the summer party")
        for to, by in path:
            clock.shift(timedelta(hours=1))
            task = task_transition(by=by, task=task, to=to)

    expected, previous = [], Status.NEW
    for hour, (to, by) in enumerate(path, start=1):
        expected.append((previous, to, by.pk, START + timedelta(hours=hour)))
        previous = to
    assert steps(task) == [("", Status.NEW, owner.pk, START), *expected]
    task = Task.objects.get(pk=task.pk)
    assert (task.status, task.closed_at, task.is_open) == (Status.DONE, START + timedelta(hours=5), False)


def test_a_task_can_be_cancelled_from_any_open_status(assistant, task):
    for status in (Status.NEW, Status.PLANNED, Status.IN_PROGRESS, Status.WAITING):
        Task.objects.filter(pk=task.pk).update(status=status, closed_at=None)
        assert task_transition(by=assistant, task=task, to=Status.CANCELLED).closed_at is not None


@pytest.mark.parametrize(
    ("current", "target", "message"),
    [
        (Status.DONE, Status.WAITING, "A task that is Done cannot become Waiting for client."),
        (Status.CANCELLED, Status.DONE, "A task that is Cancelled cannot become Done."),
        (Status.IN_PROGRESS, Status.NEW, "A task that is In progress cannot become New."),
        (Status.NEW, Status.NEW, "A task that is New cannot become New."),
        (Status.NEW, "archived", "A task that is New cannot become archived."),
    ],
)
def test_it_refuses_a_step_the_workflow_does_not_allow_and_records_nothing(assistant, task, current, target, message):
    Task.objects.filter(pk=task.pk).update(status=current)

    with pytest.raises(ValidationError) as refused:
        task_transition(by=assistant, task=task, to=target)

    assert refused.value.messages == [message]
    assert Task.objects.get(pk=task.pk).status == current
    assert len(steps(task)) == 1


def test_a_done_task_is_reopened_in_progress_and_open_again(assistant, task):
    task = task_transition(by=assistant, task=task, to=Status.DONE)

    task = task_transition(by=assistant, task=task, to=Status.IN_PROGRESS)

    assert (task.status, task.closed_at, task.is_open) == (Status.IN_PROGRESS, None, True)
    assert [s[:2] for s in steps(task)][-1] == (Status.DONE, Status.IN_PROGRESS)


def test_a_cancelled_task_is_reopened_as_new(assistant, task):
    task = task_transition(by=assistant, task=task, to=Status.CANCELLED)

    assert task_transition(by=assistant, task=task, to=Status.NEW).status == Status.NEW
    assert Task.objects.open().filter(pk=task.pk).exists()


def test_the_allowed_transitions_are_offered_in_workflow_order(task):
    assert task.allowed_transitions() == [
        Status.PLANNED,
        Status.IN_PROGRESS,
        Status.WAITING,
        Status.DONE,
        Status.CANCELLED,
    ]
    task.status = Status.DONE
    assert task.allowed_transitions() == [Status.IN_PROGRESS]
