"""SMTP with STARTTLS and AUTH against a real aiosmtpd on loopback with a certificate made by the test."""

import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.conf import settings
from django.db import transaction

from vadesk.comms.channels import SmtpAdapter
from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import outbox_enqueue, outbox_run
from vadesk.comms.tests.servers import Mailbox, free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def certificate(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return key, cert


@pytest.fixture
def tls_server(certificate, monkeypatch):
    import ssl

    key, cert = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        ok = auth_data.login == b"desk" and auth_data.password == b"s3cret"
        return AuthResult(
            success=ok, handled=False, message=None if ok else "535 5.7.8 Authentication credentials invalid"
        )

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
        decode_data=False,
    )
    controller.start()
    monkeypatch.setattr(settings, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setattr(settings, "SMTP_PORT", port)
    monkeypatch.setattr(settings, "SMTP_SECURITY", "starttls")
    monkeypatch.setattr(settings, "SMTP_USERNAME", "desk")
    monkeypatch.setattr(settings, "SMTP_CA_FILE", str(cert))
    monkeypatch.setattr(settings, "SMTP_TIMEOUT", 5)
    yield mailbox, logins
    controller.stop()


def enqueue(org):
    with transaction.atomic():
        return outbox_enqueue(
            organisation_id=org.pk, kind="update", recipient="ceo@acme.example", subject="Beveiligd", body_text="x"
        )


def test_it_sends_over_starttls_with_authentication(org, tls_server, monkeypatch):
    mailbox, logins = tls_server
    monkeypatch.setattr(settings, "SMTP_PASSWORD", "s3cret")
    enqueue(org)
    assert outbox_run(adapters={"email": SmtpAdapter()}).get("sent") == 1
    assert logins == [(b"desk", b"s3cret")] and len(mailbox.messages) == 1


def test_a_wrong_password_fails_the_attempt_and_keeps_the_message(org, tls_server, monkeypatch):
    mailbox, _ = tls_server
    monkeypatch.setattr(settings, "SMTP_PASSWORD", "wrong")
    row = enqueue(org)
    assert outbox_run(adapters={"email": SmtpAdapter()}).get("pending") == 1
    row.refresh_from_db()
    assert row.state == OutboxMessage.State.PENDING and "Authentication" in row.last_error and mailbox.messages == []


def test_an_untrusted_certificate_is_refused(org, tls_server, monkeypatch):
    monkeypatch.setattr(settings, "SMTP_PASSWORD", "s3cret")
    monkeypatch.setattr(settings, "SMTP_CA_FILE", "")
    row = enqueue(org)
    outbox_run(adapters={"email": SmtpAdapter()})
    row.refresh_from_db()
    assert row.state == OutboxMessage.State.PENDING and "CERTIFICATE_VERIFY_FAILED" in row.last_error
