"""Every setting is read and checked when the settings load: a bad value stops the process at start, naming the
variable, instead of failing at the first mail, poll or retry (healthchecks' hc/settings.py does the same)."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[2]

BAD_VALUES = {
    "VADESK_SMTP_PORT": "abc",
    "VADESK_SMTP_SECURITY": "ssl3",
    "VADESK_SMTP_TIMEOUT": "0",
    "VADESK_OUTBOX_MAX_ATTEMPTS": "many",
    "VADESK_OUTBOX_LEASE_SECONDS": "-5",
    "VADESK_OUTBOX_UNCERTAIN": "maybe",
    "VADESK_INBOUND_MAX_MESSAGE_BYTES": "25MB",
    "VADESK_INBOUND_KEEP_RAW": "some",
    "VADESK_IMAP_SECURITY": "plain",
    "VADESK_IMAP_PORT": "imap",
    "VADESK_WHATSAPP_TIMEOUT": "soon",
    "VADESK_PHONE_DEFAULT_REGION": "Netherlands",
    "VADESK_DEBUG": "maybe",
    "VADESK_DB_CONN_MAX_AGE": "forever",
}


def import_settings(**env: str) -> subprocess.CompletedProcess:
    """`python -c "import config.settings"` in a fresh process with only these VADESK_ variables set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VADESK_") and k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_defaults_load():
    done = import_settings()
    assert done.returncode == 0, done.stderr


def test_a_bad_smtp_port_stops_the_process_at_settings_import():
    done = import_settings(VADESK_SMTP_PORT="abc")
    assert done.returncode != 0
    assert "ImproperlyConfigured: VADESK_SMTP_PORT must be a whole number" in done.stderr, done.stderr


@pytest.mark.parametrize("name", sorted(BAD_VALUES))
def test_a_bad_value_fails_at_settings_import_and_names_the_variable(name, monkeypatch):
    # The same import as above, run in this process (runpy) to spare a Python start per variable.
    monkeypatch.setenv(name, BAD_VALUES[name])
    with pytest.raises(ImproperlyConfigured, match=name):
        runpy.run_path(str(ROOT / "config" / "settings.py"))


def test_nothing_in_vadesk_reads_the_environment_at_first_use():
    """Settings are read in config/settings.py only (agenda/crypto.py's key and the CLI's default are known)."""
    # serve.py hands the environment to the gunicorn it execs; gunicorn_conf names the settings module; backup hands
    # it to pg_dump; setup reads the first owner's password (VADESK_SETUP_PASSWORD) once.
    allowed = {
        "vadesk/cli.py",
        "vadesk/agenda/crypto.py",
        "vadesk/ops/management/commands/serve.py",
        "vadesk/ops/gunicorn_conf.py",
        "vadesk/ops/backup.py",  # hands the environment, with the database password, to pg_dump and pg_restore
        "vadesk/ops/management/commands/setup.py",  # a one-off owner's password for one command, never a setting
    }
    readers = set()
    for path in (ROOT / "vadesk").rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in relative or path.name == "conftest.py" or relative in allowed:
            continue
        text = path.read_text()
        if "os.environ" in text or "getenv(" in text:
            readers.add(relative)
    assert readers == set()
