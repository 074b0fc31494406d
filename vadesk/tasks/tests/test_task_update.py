"""task_update: changing a task's details and team."""

import pytest
from django.core.exceptions import ValidationError

from vadesk.tasks.models import Task
from vadesk.tasks.services import task_update


def test_it_changes_the_details_and_the_assignees(assistant, owner, task, retainer):
    task_update(by=assistant, task=task, title="Plan the AGM", priority=3, engagement=retainer, assignees=[owner])

    task = Task.objects.get(pk=task.pk)
    assert (task.title, task.priority, task.engagement) == ("Plan the AGM", 3, retainer)
    assert list(task.assignees.all()) == [owner]


def test_it_refuses_an_assignee_who_is_not_on_the_clients_team_and_changes_nothing(assistant, colleague, task):
    with pytest.raises(ValidationError):
        task_update(by=assistant, task=task, title="Plan the AGM", assignees=[colleague])

    task = Task.objects.get(pk=task.pk)
    assert (task.title, list(task.assignees.all())) == ("Plan board meeting", [assistant])


def test_it_refuses_an_engagement_of_another_client_and_an_empty_title(assistant, task, other_client):
    from vadesk.engagements.models import Engagement

    other = Engagement.objects.create(
        client=other_client, name="Other", kind=Engagement.Kind.HOURLY, starts_on=task.created_at.date()
    )
    for change in ({"engagement": other}, {"title": " "}):
        with pytest.raises(ValidationError):
            task_update(by=assistant, task=task, **change)


def test_it_refuses_fields_that_are_not_details(assistant, task):
    with pytest.raises(ValueError):
        task_update(by=assistant, task=task, status="done")
