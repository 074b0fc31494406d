"""task_create: a task with its checklist, default engagement, team and first workflow step."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from vadesk.engagements.models import Engagement
from vadesk.tasks.models import Status, Task, Transition
from vadesk.tasks.services import task_create


def test_it_creates_a_new_task_with_its_checklist_in_order(assistant, acme, bundle):
    task = task_create(
        by=assistant,
        client=acme,
        title="  Plan board meeting ",
        checklist=["Book room", " ", "Send agenda "],
        assignees=[assistant],
    )

    assert (task.title, task.status, task.created_by, task.engagement) == (
        "Plan board meeting",
        Status.NEW,
        assistant,
        bundle,
    )
    assert list(task.checklist.values_list("text", "position", "done_at")) == [
        ("Book room", 0, None),
        ("Send agenda", 2, None),
    ]
    assert list(task.assignees.all()) == [assistant]


def test_its_first_workflow_step_records_who_created_it(assistant, acme):
    task = task_create(by=assistant, client=acme, title="Renew domain")

    assert list(Transition.objects.filter(task=task).values_list("from_status", "to_status", "by")) == [
        ("", Status.NEW, assistant.pk)
    ]


def test_it_takes_the_clients_engagement_when_exactly_one_is_active(assistant, acme, bundle, retainer):
    retainer.status = Engagement.Status.ENDED
    retainer.save()

    assert task_create(by=assistant, client=acme, title="Renew domain").engagement == bundle


def test_it_leaves_the_engagement_open_when_the_client_has_several_or_none_active(assistant, acme, bundle, retainer):
    assert task_create(by=assistant, client=acme, title="Renew domain").engagement is None

    Engagement.objects.update(status=Engagement.Status.PAUSED)
    assert task_create(by=assistant, client=acme, title="Renew domain").engagement is None


def test_a_given_engagement_wins_over_the_default(assistant, acme, bundle, retainer):
    assert task_create(by=assistant, client=acme, title="Renew domain", engagement=retainer).engagement == retainer


def test_it_refuses_an_engagement_of_another_client(assistant, acme, other_client):
    other = Engagement.objects.create(
        client=other_client, name="Other", kind=Engagement.Kind.HOURLY, starts_on=other_client.created_at.date()
    )

    with pytest.raises(ValidationError) as refused:
        task_create(by=assistant, client=acme, title="Renew domain", engagement=other)

    assert refused.value.message_dict == {"engagement": ["This engagement belongs to another client."]}
    assert not Task.objects.exists()


def test_it_refuses_a_task_without_a_title(assistant, acme):
    with pytest.raises(ValidationError) as refused:
        task_create(by=assistant, client=acme, title="   ")

    assert refused.value.message_dict == {"title": ["Give the task a title."]}


@pytest.mark.parametrize("who", ["colleague", "outsider", "acme_user"])
def test_it_refuses_assignees_who_are_not_on_the_clients_team(request, assistant, acme, who):
    person = request.getfixturevalue(who)

    with pytest.raises(ValidationError) as refused:
        task_create(by=assistant, client=acme, title="Renew domain", assignees=[assistant, person])

    # Someone of another organisation is not named: the message must not confirm who exists elsewhere.
    named = "This person" if who == "outsider" else str(person)
    assert refused.value.message_dict == {"assignees": [f"{named} is not on this client's team."]}
    assert not Task.objects.exists()


def test_an_owner_may_be_assigned_to_any_client_of_the_organisation(owner, assistant, acme):
    task = task_create(
        by=assistant, client=acme, title="Renew domain", assignees=[owner], due_at=acme.created_at + timedelta(days=2)
    )

    assert list(task.assignees.all()) == [owner]
