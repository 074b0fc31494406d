"""Issue 11.5: a word back. The client rates a done task or a report, one to five with a comment; a low
rating tells the lead and the owner; another client's task, an open task or a bad score is refused."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from vadesk.accounts.models import Membership
from vadesk.clients.models import Assignment
from vadesk.conftest import login, make_person
from vadesk.notifications.models import Notification
from vadesk.reports.models import Rating
from vadesk.reports.monthly import report_build, report_send
from vadesk.reports.ratings import rating_give, rating_trend
from vadesk.tasks.services import task_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(task, assistant, acme):
    Assignment.objects.filter(client=acme, person=assistant).update(role=Assignment.Role.LEAD)
    return task_transition(by=assistant, task=task, to="done")


def test_a_client_rates_a_done_task_and_rating_again_replaces_it(acme_user, done, acme):
    rating_give(by=acme_user, task=done, score=4, comment="Snel geregeld")
    rating_give(by=acme_user, task=done, score=5)
    rating = Rating.objects.get()
    assert (rating.score, rating.comment, rating.client, rating.by) == (5, "", acme, acme_user)
    assert rating_trend(acme) == {"count": 1, "average": 5.0}


def test_a_low_rating_tells_the_lead_and_the_owner(acme_user, done, assistant, owner):
    rating_give(by=acme_user, task=done, score=2, comment="Te laat")
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {assistant.pk, owner.pk}
    assert not Notification.objects.filter(recipient=acme_user).exists()


def test_a_good_rating_tells_nobody(acme_user, done):
    rating_give(by=acme_user, task=done, score=5)
    assert not Notification.objects.exists()


def test_an_open_task_another_clients_task_or_a_bad_score_is_refused(
    acme_user, task, assistant, other_client, other_org
):
    with pytest.raises(ValidationError):
        rating_give(by=acme_user, task=task, score=5)  # not done yet
    task_transition(by=assistant, task=task, to="done")
    for score in (0, 6, -1, True):
        with pytest.raises(ValidationError):
            rating_give(by=acme_user, task=task, score=score)
    stranger = make_person("boss@other.example", "Other Boss")
    Membership.objects.create(person=stranger, organisation=other_org, role="client", client=other_client)
    for person in (stranger, assistant):
        with pytest.raises(PermissionDenied):
            rating_give(by=person, task=task, score=1)
    assert not Rating.objects.exists()


def test_the_portal_rates_a_task_and_a_report(client, acme_user, done, acme):
    login(client, acme_user)
    assert 'data-testid="rate"' in client.get(reverse("portal:task", args=[done.pk])).content.decode()
    client.post(reverse("portal:task_rate", args=[done.pk]), {"score": "3", "comment": "Prima"})
    assert Rating.objects.get().score == 3
    report = report_build(client=acme, month=date.today())
    report_send(report=report)
    client.post(reverse("portal:report_rate", args=[report.pk]), {"score": "5"})
    assert Rating.objects.get(report=report).score == 5
    response = client.post(reverse("portal:task_rate", args=[done.pk]), {"score": "9"}, follow=True)
    assert Rating.objects.get(task=done).score == 3  # refused with a message, nothing changed
    assert "one to five" in response.content.decode() or "een tot vijf" in response.content.decode()


def test_another_clients_user_cannot_rate_in_the_portal(client, done, other_client, other_org):
    stranger = make_person("boss@other.example", "Other Boss")
    Membership.objects.create(person=stranger, organisation=other_org, role="client", client=other_client)
    login(client, stranger)
    assert client.post(reverse("portal:task_rate", args=[done.pk]), {"score": "1"}).status_code == 404
    assert not Rating.objects.exists()
