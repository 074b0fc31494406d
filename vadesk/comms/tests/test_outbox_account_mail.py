"""Invitations to vadesk and password resets go through the outbox to a person (not a client contact).

Before, they used Django's own mail configuration (VADESK_EMAIL_BACKEND) and `send_mail` right after the write.
"""

import re
import subprocess
import sys

import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse

from vadesk.accounts.models import Person
from vadesk.accounts.services import member_add
from vadesk.comms.models import OutboxMessage
from vadesk.comms.tests.delivery import deliver, received, smtp_back, smtp_down

pytestmark = pytest.mark.django_db(transaction=True)


def invite(org):
    return member_add(
        organisation=org,
        email="Nina@Assist.example",
        full_name="Nina Nieuw",
        role="assistant",
        language="de",
        invite_url=lambda person: f"https://desk.example/password/reset/{person.pk}/",
    )


def test_an_invitation_made_while_smtp_is_down_reaches_the_person_once_it_is_back(org, smtp_server, monkeypatch):
    smtp_down(monkeypatch)
    membership = invite(org)

    row = OutboxMessage.objects.get()
    assert (row.kind, row.person, row.organisation, row.contact) == ("account", membership.person, org, None)
    assert deliver()["pending"] == 1 and received(smtp_server) == []

    smtp_back(monkeypatch, smtp_server)
    assert deliver()["sent"] == 1
    [mail] = received(smtp_server)
    assert str(mail["To"]) == "nina@assist.example" and "Assist & Co" in str(mail["Subject"])
    assert f"https://desk.example/password/reset/{membership.person.pk}/" in mail.get_body(("plain",)).get_content()


def test_the_invitation_is_queued_in_the_membership_transaction_without_smtp(org, smtp_server, smtp_watch):
    with transaction.atomic():
        invite(org)
        assert OutboxMessage.objects.filter(kind="account").count() == 1
    assert smtp_watch.connections == []

    with pytest.raises(RuntimeError), transaction.atomic():
        member_add(
            organisation=org,
            email="rolf@assist.example",
            full_name="Rolf Back",
            role="assistant",
            invite_url=lambda person: "https://desk.example/x",
        )
        raise RuntimeError("the surrounding change failed")
    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == ["nina@assist.example"]


@pytest.fixture
def django_mail_through_the_outbox(settings):
    """The test runner swaps every mailer for locmem; put back what config/settings.py configures."""
    from config import settings as configured

    settings.MAILERS = configured.MAILERS


def test_a_password_reset_mail_is_queued_and_delivered_by_the_worker(
    client, owner, smtp_server, monkeypatch, django_mail_through_the_outbox
):
    smtp_down(monkeypatch)
    response = client.post(reverse("password_reset"), {"email": "olga@assist.example"})
    assert response.status_code == 302

    row = OutboxMessage.objects.get()
    assert (row.kind, row.person, row.organisation, row.recipient) == ("account", owner, None, "olga@assist.example")
    assert deliver()["pending"] == 1

    smtp_back(monkeypatch, smtp_server)
    assert deliver()["sent"] == 1
    [mail] = received(smtp_server)
    link = re.search(r"http://testserver(/password/reset/\S+)", mail.get_body(("plain",)).get_content())[1]
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0], {"new_password1": "a-long-new-secret-42", "new_password2": "a-long-new-secret-42"}
    )
    assert Person.objects.get(pk=owner.pk).check_password("a-long-new-secret-42")


def test_djangos_send_mail_queues_one_row_per_recipient_with_html_and_attachments(
    smtp_server, smtp_watch, django_mail_through_the_outbox
):
    message = EmailMultiAlternatives("Hallo", "Platte tekst", to=["a@x.example"], cc=["b@x.example"])
    message.attach_alternative("<p>Opgemaakt</p>", "text/html")
    message.attach("notes.csv", b"a;b\n1;2\n", "text/csv")
    assert message.send() == 1
    assert smtp_watch.connections == []
    assert sorted(OutboxMessage.objects.values_list("recipient", flat=True)) == ["a@x.example", "b@x.example"]

    assert deliver()["sent"] == 2
    for mail in received(smtp_server):
        assert "Opgemaakt" in mail.get_body(("html",)).get_content()
        [attachment] = mail.iter_attachments()
        assert attachment.get_filename() == "notes.csv" and attachment.get_content() == "a;b\n1;2\n"


def test_django_mail_is_configured_to_queue_in_the_outbox():
    from config import settings as configured

    assert configured.MAILERS == {"default": {"BACKEND": "vadesk.comms.mailbackend.OutboxBackend"}}
    assert not hasattr(configured, "EMAIL_HOST")


def start(tmp_path, **env) -> subprocess.CompletedProcess:
    from django.conf import settings

    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "VADESK_DATA_DIR": str(tmp_path), **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_good_mail_settings_start(tmp_path):
    started = start(tmp_path, VADESK_SMTP_PORT="587", VADESK_SMTP_SECURITY="starttls")
    assert started.returncode == 0, started.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("VADESK_SMTP_PORT", "twenty-five", "VADESK_SMTP_PORT must be a whole number"),
        ("VADESK_SMTP_PORT", "70000", "VADESK_SMTP_PORT must be at most 65535"),
        ("VADESK_SMTP_SECURITY", "ssl3", "VADESK_SMTP_SECURITY must be one of"),
        ("VADESK_OUTBOX_UNCERTAIN", "maybe", "VADESK_OUTBOX_UNCERTAIN must be one of"),
    ],
)
def test_a_bad_mail_setting_stops_start_up(name, value, message, tmp_path):
    started = start(tmp_path, **{name: value})
    assert started.returncode != 0 and "ImproperlyConfigured" in started.stderr and message in started.stderr
