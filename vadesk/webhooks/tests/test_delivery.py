"""A delivery against a real local HTTP server: signed as Standard Webhooks, retried, bounded, not redirected."""

from __future__ import annotations

import http.server
import ipaddress
import ssl
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from vadesk.jobs.tests.conftest import database_backend, run_due_jobs  # noqa: F401
from vadesk.lib.net import allowed_parse
from vadesk.tasks.services import task_create
from vadesk.webhooks import sending
from vadesk.webhooks.jobs import webhook_deliver_job
from vadesk.webhooks.models import EXCERPT_BYTES, Delivery
from vadesk.webhooks.services import endpoint_create, endpoint_secret_rotate
from vadesk.webhooks.signing import signature

pytestmark = pytest.mark.django_db


def make_task(assistant, acme, title="Book the venue"):
    return task_create(by=assistant, client=acme, title=title)


def test_a_new_task_is_posted_signed_with_the_endpoints_secret(
    registered, receiver, assistant, acme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        task = make_task(assistant, acme)

    [got] = receiver.received
    assert got.path == "/hook"
    assert got.headers["content-type"] == "application/json"
    assert got.signed_with(registered.secret)
    assert not got.signed_with("whsec_" + "A" * 43 + "=")  # another secret does not verify
    assert abs(int(got.headers["webhook-timestamp"]) - time.time()) < 60
    assert got.json["type"] == "task.created"
    assert got.json["data"]["task"]["id"] == task.pk
    assert got.json["data"]["task"]["client"] == {"id": acme.pk, "name": "Acme B.V."}
    delivery = Delivery.objects.get()
    assert got.headers["webhook-id"] == delivery.message_id
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 1, 200)
    assert delivery.response_excerpt == '{"ok":true}'


def test_the_signature_is_hmac_sha256_over_id_timestamp_and_body():
    """The Standard Webhooks reference example (standard-webhooks spec, "Signature scheme")."""
    assert (
        signature(
            secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            message_id="msg_p5jXN8AQM9LWM0D4loKWxJek",
            timestamp=1614265330,
            body=b'{"test": 2432232314}',
        )
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_nothing_is_sent_for_a_change_that_rolls_back(registered, receiver, assistant, acme):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_task(assistant, acme)
        raise RuntimeError("the caller fails after the task")
    assert Delivery.objects.count() == 0
    assert receiver.received == []


def test_a_refusal_is_tried_again_and_fails_after_five_attempts(registered, receiver, assistant, acme):
    receiver.answer(500, b"boom", times=5)
    make_task(assistant, acme)  # without running on-commit: the test makes the attempts
    delivery = Delivery.objects.get()

    statuses = [sending.delivery_attempt(delivery_id=delivery.pk) for _ in range(5)]

    assert statuses == ["pending"] * 4 + ["failed"]
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_status, delivery.response_excerpt) == (5, 500, "boom")
    assert len(receiver.received) == 5
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1  # one message, tried five times


def test_the_job_raises_so_the_job_system_retries_it_with_back_off(
    database_backend,
    registered,
    receiver,
    org,
    assistant,
    acme,
    django_capture_on_commit_callbacks,
):
    receiver.answer(503)
    with django_capture_on_commit_callbacks(execute=True):
        make_task(assistant, acme)
    before = time.time()
    run_due_jobs()

    job = DBTaskResult.objects.get(task_path=webhook_deliver_job.module_path)
    assert job.status == "READY"  # back in the queue
    assert job.run_after.timestamp() >= before + 29  # after the first back-off (30 s)
    assert job.args_kwargs["kwargs"]["organisation_id"] == org.pk  # the owners see it if it fails
    assert Delivery.objects.get().status == "pending"

    DBTaskResult.objects.filter(pk=job.pk).update(run_after=job.enqueued_at)
    run_due_jobs()
    assert DBTaskResult.objects.get(pk=job.pk).status == "SUCCESSFUL"
    assert Delivery.objects.get().status == "delivered"
    assert len(receiver.received) == 2


def test_a_delivered_delivery_is_not_sent_again_when_its_job_runs_twice(registered, receiver, assistant, acme):
    make_task(assistant, acme)
    delivery = Delivery.objects.get()
    assert sending.delivery_attempt(delivery_id=delivery.pk) == "delivered"
    assert sending.delivery_attempt(delivery_id=delivery.pk) == "delivered"
    assert len(receiver.received) == 1


def test_a_redirect_is_not_followed(registered, receiver, assistant, acme):
    receiver.answer(302, headers={"Location": receiver.url.replace("/hook", "/elsewhere")})
    make_task(assistant, acme)
    assert sending.delivery_attempt(delivery_id=Delivery.objects.get().pk) == "pending"
    assert [r.path for r in receiver.received] == ["/hook"]
    assert Delivery.objects.get().response_status == 302


def test_a_large_answer_is_read_only_up_to_the_cap(registered, receiver, assistant, acme):
    receiver.answer(200, b"x" * 200_000)
    make_task(assistant, acme)
    assert sending.delivery_attempt(delivery_id=Delivery.objects.get().pk) == "delivered"
    assert len(Delivery.objects.get().response_excerpt) == EXCERPT_BYTES


def test_a_slow_endpoint_times_out(registered, receiver, assistant, acme, monkeypatch):
    monkeypatch.setattr(sending, "TIMEOUT_SECONDS", 0.3)
    receiver.delay = 1.0
    make_task(assistant, acme)
    started = time.monotonic()
    assert sending.delivery_attempt(delivery_id=Delivery.objects.get().pk) == "pending"
    assert time.monotonic() - started < 0.9
    delivery = Delivery.objects.get()
    assert delivery.response_status is None and "timed out" in delivery.error


def test_an_internal_address_is_refused_at_connect_time(registered, receiver, assistant, acme, settings):
    settings.FETCH_ALLOWED = allowed_parse("")  # 127.0.0.1 no longer allowed: the URL was accepted before
    make_task(assistant, acme)
    assert sending.delivery_attempt(delivery_id=Delivery.objects.get().pk) == "pending"
    assert receiver.received == []
    assert "not a public address" in Delivery.objects.get().error


def test_a_rotated_secret_signs_from_then_on(registered, receiver, owner, assistant, acme):
    make_task(assistant, acme)
    new = endpoint_secret_rotate(by=owner, endpoint=registered.endpoint)
    sending.delivery_attempt(delivery_id=Delivery.objects.get().pk)
    [got] = receiver.received
    assert got.signed_with(new) and not got.signed_with(registered.secret)


def test_a_paused_endpoint_gets_nothing(registered, receiver, assistant, acme):
    registered.endpoint.is_active = False
    registered.endpoint.save(update_fields=["is_active"])
    make_task(assistant, acme)
    assert Delivery.objects.count() == 0


def _self_signed(tmp_path) -> tuple[str, str]:
    """A certificate for 127.0.0.1 that no authority signed: a verifying client must refuse it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_path), str(key_path)


def test_an_https_endpoint_with_a_certificate_nobody_signed_is_refused(owner, org, assistant, acme, tmp_path, settings):
    settings.FETCH_ALLOWED = allowed_parse("127.0.0.1")
    received: list[bytes] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(*_self_signed(tmp_path))
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint_create(
            by=owner,
            organisation_id=org.pk,
            url=f"https://127.0.0.1:{server.server_address[1]}/",
            events=["task.created"],
        )
        make_task(assistant, acme)
        assert sending.delivery_attempt(delivery_id=Delivery.objects.get().pk) == "pending"
    finally:
        server.shutdown()
        server.server_close()
    assert received == []
    assert "CERTIFICATE_VERIFY_FAILED" in Delivery.objects.get().error.upper().replace(" ", "_")
