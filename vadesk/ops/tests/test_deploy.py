"""deploy/: the documented production environment passes `check --deploy`; the systemd units and the compose file
start commands that exist, and systemd accepts the units."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
VADESK = "/opt/vadesk/.venv/bin/vadesk"


def env_file() -> dict[str, str]:
    lines = (DEPLOY / "vadesk.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def vadesk_commands(text: str) -> set[str]:
    return {line.split(VADESK, 1)[1].split()[0] for line in text.splitlines() if line.startswith(f"ExecStart={VADESK}")}


@pytest.mark.slow
def test_check_deploy_passes_with_the_env_file(tmp_path):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("VADESK_", "DATABASE_URL", "DJANGO_ALLOW"))}
    folders = dict(VADESK_DATA_DIR=str(tmp_path), VADESK_BACKUP_DIR=str(tmp_path / "backups"))
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, **env_file(), **folders},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_the_env_file_is_a_production_one():
    env = env_file()
    assert env["DATABASE_URL"].startswith("postgres://") and env.get("VADESK_DEBUG", "false") == "false"
    assert env["VADESK_HTTPS"] == "true" and env["VADESK_OPS_TOKEN"]


def test_the_units_and_the_compose_file_run_commands_that_exist():
    units = {path.name: path.read_text() for path in (DEPLOY / "systemd").iterdir()}
    assert vadesk_commands(units["vadesk-web.service"]) == {"serve"}
    assert vadesk_commands(units["vadesk-worker@.service"]) == {"worker"}
    assert vadesk_commands(units["vadesk-backup.service"]) == {"backup", "restore"}
    assert "OnCalendar=" in units["vadesk-backup.timer"]
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["web"]["command"][:2] == ["vadesk", "serve"] and services["worker"]["command"] == [
        "vadesk",
        "worker",
    ]
    assert services["postgres"]["image"].startswith("postgres:")
    commands = get_commands()
    for name in ("serve", "worker", "backup", "restore", "migrate"):
        assert name in commands


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path):
    for path in (DEPLOY / "systemd").iterdir():
        text = path.read_text().replace(VADESK, str(Path(sys.executable).parent / "vadesk"))
        text = text.replace("/etc/vadesk/vadesk.env", str(DEPLOY / "vadesk.env.example"))
        (tmp_path / path.name.replace("@.", "@1.")).write_text(text)
    units = sorted(str(path) for path in tmp_path.iterdir())
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
