"""Signing in without a password: a one-time link by e-mail, 15 minutes, single use, rate-limited, no enumeration."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from vadesk.accounts.models import Membership, SignInLink
from vadesk.comms.models import OutboxMessage
from vadesk.portal.jobs import signin_link_job

pytestmark = pytest.mark.django_db

ASK = reverse("portal:signin")


def run_queued_links() -> int:
    """What a worker does with the queued sign-in link jobs (the tests' immediate backend ran them already);
    how many there were."""
    rows = list(DBTaskResult.objects.filter(task_path__endswith=".signin_link_job").order_by("enqueued_at"))
    for row in rows:
        signin_link_job.call(**row.args_kwargs["kwargs"])
    DBTaskResult.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Post the sign-in form, as the request commits, then run the job it queued."""

    def post(email: str, address: str = "192.0.2.10"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(ASK, {"email": email}, REMOTE_ADDR=address, follow=True)
        run_queued_links()
        return response

    return post


def link_in_outbox() -> str:
    message = OutboxMessage.objects.get()
    found = re.search(r"http://testserver(/portal/sign-in/[^/\s]+/)", message.body_text)
    assert found, message.body_text
    return found.group(1)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_client_user_gets_a_link_through_the_outbox_in_their_language(client, ask, acme_user):
    response = ask("CEO@acme.example ")
    assert "a sign-in link is on its way" in response.content.decode()
    message = OutboxMessage.objects.get()
    assert (message.kind, message.recipient, message.person_id) == ("account", acme_user.email, acme_user.pk)
    assert message.organisation_id is None  # no organisation's outbox page shows the link
    assert "Hier is uw link" in message.body_text and "15" in message.body_text  # acme_user reads Dutch
    assert SignInLink.objects.get().digest not in message.body_text  # only the digest is kept, never the secret


def test_the_link_signs_in_once_and_opens_the_portal(client, ask, acme_user):
    ask(acme_user.email)
    url = link_in_outbox()
    page = client.get(url)  # what a mail scanner does: the link is still unused
    assert page.status_code == 200 and not signed_in(client)
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert signed_in(client) and client.session["vadesk_membership"] == acme_user.memberships.get().pk
    assert client.get(reverse("portal:home")).status_code == 200
    client.logout()
    for replay in (client.get, client.post):
        refused = replay(url)
        assert refused.status_code == 410
        assert "This sign-in link has already been used." in refused.content.decode()
        assert not signed_in(client)


def test_it_expires_after_15_minutes(client, ask, acme_user):
    ask(acme_user.email)
    url = link_in_outbox()
    with time_machine.travel(timezone.now() + timedelta(minutes=15, seconds=1)):
        refused = client.post(url)
    assert refused.status_code == 410 and "This sign-in link has expired." in refused.content.decode()
    assert not signed_in(client)
    assert SignInLink.objects.get().used_at is None  # nothing changed


def test_it_still_works_just_before_the_15_minutes_are_up(client, ask, acme_user):
    ask(acme_user.email)
    url = link_in_outbox()
    with time_machine.travel(timezone.now() + timedelta(minutes=14, seconds=55)):
        assert client.post(url).status_code == 302
    assert signed_in(client)


def test_an_unknown_link_is_refused(client, ask, acme_user):
    refused = client.post(reverse("portal:signin_link", args=["not-a-real-secret"]))
    assert refused.status_code == 404 and "This sign-in link is not valid." in refused.content.decode()
    assert not signed_in(client)


def test_an_unknown_address_or_a_staff_account_gets_the_same_answer_and_no_mail(client, ask, acme_user, owner):
    def answer(email: str) -> str:  # the page, but for the address typed and the CSRF token
        page = ask(email).content.decode().replace(email, "ADDRESS")
        return re.sub(r"[A-Za-z0-9]{64}", "CSRF", page)

    assert answer("nobody@nowhere.example") == answer(owner.email) == answer(acme_user.email)
    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == [acme_user.email]


def test_it_is_rate_limited_per_address_whether_or_not_it_exists(client, ask, acme_user):
    for email in (acme_user.email, "nobody@nowhere.example"):
        for n in range(3):
            assert "is on its way" in ask(email, f"198.51.100.{n}").content.decode()
        refused = ask(email, "198.51.100.99").content.decode()
        assert "Too many sign-in links were asked for." in refused and "is on its way" not in refused
    assert OutboxMessage.objects.count() == 3
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):  # the window has passed
        assert "is on its way" in ask(acme_user.email).content.decode()


def test_it_is_rate_limited_per_client_address(client, ask, acme_user):
    for n in range(10):
        assert "is on its way" in ask(f"guess{n}@acme.example", "203.0.113.5").content.decode()
    refused = ask(acme_user.email, "203.0.113.5").content.decode()
    assert "Too many sign-in links were asked for." in refused
    assert not OutboxMessage.objects.exists()
    assert "is on its way" in ask(acme_user.email, "203.0.113.6").content.decode()  # another address
    assert OutboxMessage.objects.count() == 1


def test_the_refusal_is_translated(client, ask, acme_user):
    for _ in range(3):
        ask(acme_user.email)
    client.cookies["vadesk_language"] = "de"
    refused = ask(acme_user.email).content.decode()
    assert "Zu viele Anmeldelinks" in refused


def test_using_one_link_retires_the_others(client, ask, acme_user):
    ask(acme_user.email)
    first = link_in_outbox()
    OutboxMessage.objects.all().delete()
    ask(acme_user.email)
    second = link_in_outbox()
    assert client.post(second).status_code == 302
    client.logout()
    assert client.post(first).status_code == 410


def test_a_link_of_someone_no_longer_a_client_user_is_refused(client, ask, acme_user):
    ask(acme_user.email)
    url = link_in_outbox()
    Membership.objects.filter(person=acme_user).update(is_active=False)
    assert client.post(url).status_code == 404
    assert not signed_in(client)


def test_every_address_queues_one_job_and_only_the_job_looks_it_up(
    client, acme_user, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # as in production: a worker runs it
    for email in (acme_user.email, "nobody@nowhere.example"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(ASK, {"email": email})
    assert not OutboxMessage.objects.exists() and not SignInLink.objects.exists()  # the request did not look
    assert DBTaskResult.objects.filter(task_path__endswith=".signin_link_job").count() == 2
    assert run_queued_links() == 2
    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == [acme_user.email]
