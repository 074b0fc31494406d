"""`vadesk run`: its preparation steps, without starting a server."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from vadesk.accounts.models import Membership, Organisation
from vadesk.conftest import make_person
from vadesk.demo import startup
from vadesk.demo.management.commands import run
from vadesk.demo.practice import AGENCY
from vadesk.tasks.models import RecurringTask


@pytest.fixture
def loads(monkeypatch) -> list[bool]:
    """Record demo loads instead of doing them: the demo itself is tested in test_demo_command."""
    calls: list[bool] = []
    monkeypatch.setattr(startup, "demo_load", lambda: calls.append(True))
    return calls


@pytest.fixture
def served(monkeypatch) -> list[str]:
    addresses: list[str] = []
    monkeypatch.setattr(run, "serve", addresses.append)
    monkeypatch.setattr(run, "worker_thread_start", lambda: None)
    monkeypatch.setattr(run, "console_mail_start", lambda out: None)  # its own test is test_console_mail
    return addresses


def test_it_creates_the_data_directory(tmp_path):
    path = startup.data_dir_ensure(tmp_path / "var" / "nested")
    assert path.is_dir()
    assert startup.data_dir_ensure(path) == path  # and leaves an existing one alone


def test_it_loads_the_demo_into_a_database_without_organisations(db, loads):
    startup.practice_prepare(load_demo=True)
    assert loads == [True]


def test_it_leaves_a_database_with_organisations_alone(org, loads):
    prepared = startup.practice_prepare(load_demo=True)
    assert loads == []
    assert prepared.logins == []


def test_it_starts_empty_when_asked(db, loads):
    assert startup.practice_prepare(load_demo=False).loaded is None
    assert loads == []


def test_it_creates_due_recurring_tasks(acme, loads):
    RecurringTask.objects.create(
        client=acme,
        title="Water the plants",
        rrule="FREQ=WEEKLY",
        first_due_at=timezone.now() + timedelta(days=1),
        lead_days=3,
    )
    assert startup.practice_prepare(load_demo=False).recurring_spawned == 1


def test_run_migrates_prints_the_demo_logins_and_serves_on_the_address(db, settings, tmp_path, loads, served):
    settings.DATA_DIR = tmp_path / "var"
    organisation = Organisation.objects.create(name=AGENCY.name)
    owner = AGENCY.people[0]
    Membership.objects.create(person=make_person(owner.email, owner.full_name), organisation=organisation, role="owner")
    out = StringIO()
    call_command("run", "--addr", "127.0.0.1:8123", stdout=out)
    assert served == ["127.0.0.1:8123"]
    assert settings.DATA_DIR.is_dir()
    assert owner.email in out.getvalue() and "http://127.0.0.1:8123/" in out.getvalue()
    assert "Mail goes to this terminal" in out.getvalue()
    assert "run inside this process" in out.getvalue()


def test_run_says_where_mail_goes_with_a_relay_and_how_to_start_the_worker(db, settings, tmp_path, served, monkeypatch):
    settings.DATA_DIR = tmp_path / "var"
    settings.SMTP_HOST, settings.SMTP_HOST_GIVEN = "relay.example", True
    out = StringIO()
    call_command("run", "--no-demo", "--no-worker", stdout=out)
    assert "delivered through the SMTP relay" in out.getvalue()
    assert "start `vadesk worker` in a second terminal" in out.getvalue()


def test_run_serves_with_the_static_files_and_without_the_reloader(monkeypatch):
    calls = []
    monkeypatch.setattr(run, "call_command", lambda *args, **kwargs: calls.append((args, kwargs)))
    run.serve("127.0.0.1:8000")
    assert calls == [(("runserver", "127.0.0.1:8000"), {"use_reloader": False})]


@pytest.mark.parametrize(("verbosity", "level"), [(1, logging.WARNING), (2, logging.INFO)])
def test_run_logs_a_line_per_job_only_when_asked(db, settings, tmp_path, served, verbosity, level):
    settings.DATA_DIR = tmp_path / "var"
    tasks_log = logging.getLogger("django.tasks")
    before = tasks_log.level
    try:
        call_command("run", "--no-demo", verbosity=verbosity, stdout=StringIO())
        assert tasks_log.level == level
    finally:
        tasks_log.setLevel(before)
