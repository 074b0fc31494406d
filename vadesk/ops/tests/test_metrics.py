"""/metrics: the domain's gauges as they are at the scrape, and the request counters."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from vadesk.agenda.models import Calendar
from vadesk.agenda.parties import client_party
from vadesk.comms.models import InboundMessage, OutboxMessage
from vadesk.jobs.jobs import ping

TOKEN = "metrics-token"


@pytest.fixture
def scrape(client, settings):
    settings.OPS_TOKEN, settings.OPS_ALLOWED_ADDRESSES = TOKEN, ()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def get() -> dict[str, float]:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain; version=0.0.4")
        samples = {}
        for line in response.content.decode().splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                samples[name] = float(value)
        return samples

    return get


def outbox(n: int, *, state=OutboxMessage.State.PENDING, kind=OutboxMessage.Kind.UPDATE, waited=timedelta(0)):
    now = timezone.now()
    for i in range(n):
        OutboxMessage.objects.create(
            kind=kind,
            recipient="someone@example.com",
            message_id=f"<{kind}-{state}-{i}-{waited.total_seconds()}@test>",
            state=state,
            not_before=now - waited,
        )


@pytest.mark.django_db
def test_the_outbox_gauges_count_what_is_due_and_its_oldest(scrape):
    outbox(2, waited=timedelta(minutes=10))
    outbox(1, kind=OutboxMessage.Kind.REMINDER, waited=timedelta(minutes=1))
    outbox(1, kind=OutboxMessage.Kind.PAYMENT, waited=timedelta(seconds=5))
    outbox(3, state=OutboxMessage.State.SENT, waited=timedelta(days=1))  # delivered: not backlog
    outbox(1, state=OutboxMessage.State.UNCERTAIN)
    outbox(1, waited=-timedelta(hours=1))  # not due until an hour from now (quiet hours)
    metrics = scrape()
    assert metrics["vadesk_outbox_backlog"] == 4
    assert 600 <= metrics["vadesk_outbox_oldest_age_seconds"] < 660
    assert metrics["vadesk_outbox_uncertain"] == 1
    assert metrics["vadesk_reminders_due"] == 2
    assert metrics["vadesk_domain_gauges_up"] == 1


@pytest.mark.django_db
def test_the_job_gauges_count_due_jobs_and_the_oldest_wait(scrape):
    waiting = ping.enqueue()
    DBTaskResult.objects.filter(pk=waiting.id).update(enqueued_at=timezone.now() - timedelta(seconds=90))
    ping.enqueue()
    later = ping.enqueue()
    DBTaskResult.objects.filter(pk=later.id).update(run_after=timezone.now() + timedelta(hours=1))
    metrics = scrape()
    assert metrics["vadesk_jobs_due"] == 2
    assert 90 <= metrics["vadesk_jobs_oldest_due_age_seconds"] < 120
    assert metrics["vadesk_jobs_running"] == 0


@pytest.mark.django_db
def test_inbound_lag_and_calendar_failures(scrape, acme):
    InboundMessage.objects.create(key="a", raw=b"", outcome=InboundMessage.Outcome.TRIAGE)
    InboundMessage.objects.filter(key="a").update(received_at=timezone.now() - timedelta(minutes=30))
    party = client_party(acme)
    Calendar.objects.create(party=party, name="Broken", source=Calendar.Source.CALDAV, sync_failures=3)
    Calendar.objects.create(party=party, name="Fine", source=Calendar.Source.CALDAV)
    metrics = scrape()
    assert 1800 <= metrics["vadesk_inbound_last_received_age_seconds"] < 1860
    assert metrics["vadesk_inbound_triage"] == 1
    assert metrics["vadesk_calendar_sync_failing"] == 1
    assert metrics["vadesk_calendar_sync_failures"] == 3


@pytest.mark.django_db
def test_requests_are_counted_per_view_and_status(scrape, client):
    before = scrape()
    key = 'vadesk_http_requests_total{method="GET",status="200",view="ops:healthz"}'
    client.get("/healthz")
    client.get("/healthz")
    after = scrape()
    assert after[key] - before.get(key, 0) == 2
    assert any(re.match(r'vadesk_http_request_duration_seconds_count\{view="ops:healthz"\}', k) for k in after)


@pytest.mark.django_db
def test_without_the_database_the_counters_still_answer_and_say_the_gauges_are_down(scrape, client, monkeypatch):
    from django.db import DatabaseError

    def broken(now=None):
        raise DatabaseError("gone")

    monkeypatch.setattr("vadesk.ops.metrics.domain_gauges", broken)
    client.get("/healthz")
    metrics = scrape()
    assert metrics["vadesk_domain_gauges_up"] == 0
    assert "vadesk_outbox_backlog" not in metrics
    assert any(name.startswith("vadesk_http_requests_total") for name in metrics)
