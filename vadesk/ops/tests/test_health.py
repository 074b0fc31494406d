"""/healthz, /readyz and /metrics: what they answer, and to whom."""

import json
from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from vadesk.jobs.jobs import ping
from vadesk.ops import readiness

TOKEN = "s3cret-token-for-tests"


@pytest.fixture
def database_backend(settings):
    """Jobs go into the database queue, as in production (the test settings run them immediately)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def ops_token(settings):
    settings.OPS_TOKEN = TOKEN
    settings.OPS_ALLOWED_ADDRESSES = ()
    return {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


def test_healthz_answers_ok_without_touching_the_database(client):
    response = client.get("/healthz")  # no django_db mark: a query would raise
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_ready_when_everything_is_in_order(client, ops_token, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client.get("/readyz", **ops_token)
    assert response.status_code == 200, response.content
    assert response.json() == {"ready": True, "problems": {}}


@pytest.mark.django_db
def test_readyz_is_503_with_the_reason_when_the_oldest_due_job_waited_too_long(
    client, ops_token, database_backend, settings, tmp_path
):
    settings.MEDIA_ROOT, settings.READY_JOB_AGE_SECONDS = tmp_path, 60
    result = ping.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - timedelta(seconds=120))
    response = client.get("/readyz", **ops_token)
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["ready"] is False
    assert set(body["problems"]) == {"jobs"}
    assert "120 s" in body["problems"]["jobs"] or "121 s" in body["problems"]["jobs"]


@pytest.mark.django_db
def test_a_job_delayed_into_the_future_is_not_waiting(client, ops_token, database_backend, settings, tmp_path):
    settings.MEDIA_ROOT, settings.READY_JOB_AGE_SECONDS = tmp_path, 60
    result = ping.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - timedelta(hours=2), run_after=timezone.now() + timedelta(minutes=5)
    )
    assert client.get("/readyz", **ops_token).status_code == 200


@pytest.mark.django_db
def test_readyz_is_503_when_the_storage_is_not_writable(client, ops_token, settings, tmp_path):
    blocked = tmp_path / "media"
    blocked.write_text("a file where the folder should be")
    settings.MEDIA_ROOT = blocked / "inside"
    response = client.get("/readyz", **ops_token)
    assert response.status_code == 503
    assert set(response.json()["problems"]) == {"storage"}


@pytest.mark.django_db
def test_readyz_names_unapplied_migrations(client, ops_token, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(readiness, "migrations_problem", lambda: "1 unapplied migration(s): jobs.0002_x")
    monkeypatch.setattr(
        readiness,
        "CHECKS",
        [(n, readiness.migrations_problem if n == "migrations" else c) for n, c in readiness.CHECKS],
    )
    response = client.get("/readyz", **ops_token)
    assert response.status_code == 503
    assert response.json()["problems"] == {"migrations": "1 unapplied migration(s): jobs.0002_x"}


@pytest.mark.django_db
def test_the_real_migration_check_sees_a_migration_rolled_back(settings):
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    assert readiness.migrations_problem() is None
    # The jobs app's latest migration, as after a rollback of the last deploy (an older one under an applied
    # newer one is not what a rollback leaves).
    [(app, latest)] = [node for node in MigrationLoader(connection).graph.leaf_nodes() if node[0] == "jobs"]
    MigrationRecorder(connection).record_unapplied(app, latest)
    assert f"jobs.{latest}" in (readiness.migrations_problem() or "")


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_is_unreachable(client, ops_token, monkeypatch):
    def broken() -> None:
        raise DatabaseError("connection refused")

    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", lambda self: broken())
    response = client.get("/readyz", **ops_token)
    assert response.status_code == 503
    assert response.json()["problems"] == {"database": "database unreachable: DatabaseError"}


@pytest.mark.parametrize("url", ["/readyz", "/metrics"])
@pytest.mark.django_db
def test_it_refuses_without_token_or_allowed_address(client, settings, url):
    settings.OPS_TOKEN, settings.OPS_ALLOWED_ADDRESSES = "", ()
    assert client.get(url).status_code == 403
    assert client.get(url, HTTP_AUTHORIZATION="Bearer ").status_code == 403


@pytest.mark.parametrize("url", ["/readyz", "/metrics"])
@pytest.mark.django_db
def test_it_refuses_a_wrong_token(client, ops_token, url):
    assert client.get(url, HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get(url, HTTP_AUTHORIZATION=TOKEN).status_code == 403  # the scheme is part of it


@pytest.mark.parametrize("url", ["/readyz", "/metrics"])
@pytest.mark.django_db
def test_an_allowed_network_may_read_without_token(client, settings, tmp_path, url):
    import ipaddress

    settings.MEDIA_ROOT, settings.OPS_TOKEN = tmp_path, ""
    settings.OPS_ALLOWED_ADDRESSES = (ipaddress.ip_network("10.1.0.0/16"),)
    assert client.get(url, REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get(url, REMOTE_ADDR="10.2.0.1").status_code == 403
    assert client.get(url, REMOTE_ADDR="127.0.0.1").status_code == 403
