"""task_request: a client user's request from the portal lands with the client's lead assistants."""

import pytest
from django.core.exceptions import PermissionDenied

from vadesk.accounts.models import Membership, Person
from vadesk.clients.models import Assignment
from vadesk.conftest import make_person
from vadesk.tasks.models import Source, Status, Task
from vadesk.tasks.services import task_request


@pytest.fixture
def backup(org, acme) -> Person:
    person = make_person("bea@assist.example", "Bea Backup")
    Membership.objects.create(person=person, organisation=org, role=Membership.Role.ASSISTANT)
    Assignment.objects.create(client=acme, person=person, role=Assignment.Role.BACKUP)
    return person


def test_a_request_becomes_a_new_portal_task_for_the_lead_assistants(acme_user, acme, assistant, backup, bundle):
    task = task_request(by=acme_user, client=acme, title="Book a table for 6", description="Friday, near the office")

    assert (task.source, task.status, task.created_by, task.engagement, task.description) == (
        Source.PORTAL,
        Status.NEW,
        acme_user,
        bundle,
        "Friday, near the office",
    )
    assert list(task.assignees.all()) == [assistant]


def test_a_lead_who_left_the_agency_does_not_block_the_request(acme_user, acme, assistant, org):
    second_lead = make_person("lea@assist.example", "Lea Left")
    membership = Membership.objects.create(person=second_lead, organisation=org, role=Membership.Role.ASSISTANT)
    Assignment.objects.create(client=acme, person=second_lead)
    membership.is_active = False
    membership.save()

    task = task_request(by=acme_user, client=acme, title="Book a table for 6", description="")

    assert list(task.assignees.all()) == [assistant]


def test_a_client_user_cannot_request_work_for_another_client(acme_user, other_client):
    with pytest.raises(PermissionDenied):
        task_request(by=acme_user, client=other_client, title="Snoop", description="")

    assert not Task.objects.exists()


def test_the_team_may_file_a_request_on_the_clients_behalf(assistant, acme):
    assert task_request(by=assistant, client=acme, title="Book a table for 6", description="").source == Source.PORTAL
