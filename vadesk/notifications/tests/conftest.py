import pytest

from vadesk.comms.models import OutboxMessage
from vadesk.comms.tests.conftest import cees, smtp_server  # noqa: F401  (acme's contact; a real SMTP server)
from vadesk.notifications.models import Notification
from vadesk.tasks.models import Status
from vadesk.tasks.services import task_transition


@pytest.fixture
def waiting(task, assistant):
    """acme's task, assigned to the assistant, waiting for the client."""
    return task_transition(by=assistant, task=task, to=Status.WAITING)


def told(person, kind=None) -> list[Notification]:
    found = Notification.objects.filter(recipient=person)
    return list(found.filter(kind=kind) if kind else found)


def mails_to(person) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(recipient=person.email).order_by("pk"))
