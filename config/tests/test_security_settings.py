"""Secure defaults: debug off unless it is the demo, a secret key of the installation's own, HTTPS settings, a
trusted-proxy setting and the security headers; `check --deploy` passes with the documented production settings."""

import os
import re
import runpy
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from vadesk import cli

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = str(ROOT / "config" / "settings.py")


def clean_environment(**env: str) -> dict[str, str]:
    drop = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the tests' own, never a deployment's
    base = {k: v for k, v in os.environ.items() if not k.startswith("VADESK_") and k not in drop}
    return {**base, **env}


def load(monkeypatch, tmp_path, **env: str) -> dict:
    for name in [k for k in os.environ if k.startswith("VADESK_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("VADESK_DATA_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(SETTINGS)


def production_environment() -> dict[str, str]:
    """The environment block of docs/security.md, so that the page and this test cannot drift apart."""
    text = (ROOT / "docs" / "security.md").read_text()
    block = re.search(r"<!-- production-env -->\s*```sh\n(.*?)```", text, re.S)
    assert block, "docs/security.md lost its production environment block"
    return dict(line.split("=", 1) for line in block.group(1).splitlines() if line.strip())


def test_debug_is_off_by_default(monkeypatch, tmp_path):
    assert load(monkeypatch, tmp_path)["DEBUG"] is False


def test_vadesk_run_and_only_vadesk_run_asks_for_debug(monkeypatch):
    seen = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", lambda argv: seen.append(argv))
    for command in ("run", "worker"):
        monkeypatch.delenv("VADESK_DEBUG", raising=False)
        monkeypatch.setattr(sys, "argv", ["vadesk", command])
        cli.main()
        seen.append((command, os.environ.get("VADESK_DEBUG")))
    assert ("run", "true") in seen and ("worker", None) in seen


def test_an_explicit_false_wins_over_the_demos_default(monkeypatch):
    monkeypatch.setattr("django.core.management.execute_from_command_line", lambda argv: None)
    monkeypatch.setenv("VADESK_DEBUG", "false")
    monkeypatch.setattr(sys, "argv", ["vadesk", "run"])
    cli.main()
    assert os.environ["VADESK_DEBUG"] == "false"


def test_without_a_key_one_is_generated_into_the_data_folder_with_mode_0600_and_kept(monkeypatch, tmp_path):
    first = load(monkeypatch, tmp_path)["SECRET_KEY"]
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 50 and key_file.read_text().strip() == first
    assert load(monkeypatch, tmp_path)["SECRET_KEY"] == first
    assert load(monkeypatch, tmp_path / "elsewhere")["SECRET_KEY"] != first


def test_an_explicit_key_is_used_and_nothing_is_written(monkeypatch, tmp_path):
    assert load(monkeypatch, tmp_path, VADESK_SECRET_KEY="k" * 60)["SECRET_KEY"] == "k" * 60
    assert not (tmp_path / "secret_key").exists()


def test_an_emptied_key_file_stops_the_start(monkeypatch, tmp_path):
    (tmp_path / "secret_key").write_text("\n")
    with pytest.raises(ImproperlyConfigured, match="secret_key"):
        load(monkeypatch, tmp_path)


def test_no_key_is_written_in_the_source():
    assert "insecure" not in Path(SETTINGS).read_text()


def test_https_switches_on_redirect_secure_cookies_and_hsts(monkeypatch, tmp_path):
    plain = load(monkeypatch, tmp_path)
    assert not plain["SECURE_SSL_REDIRECT"] and not plain["SESSION_COOKIE_SECURE"] and plain["SECURE_HSTS_SECONDS"] == 0
    https = load(monkeypatch, tmp_path, VADESK_HTTPS="true")
    assert https["SECURE_SSL_REDIRECT"] and https["SESSION_COOKIE_SECURE"] and https["CSRF_COOKIE_SECURE"]
    assert https["SECURE_HSTS_SECONDS"] == 31536000
    assert load(monkeypatch, tmp_path, VADESK_HTTPS="true", VADESK_HSTS_SECONDS="600")["SECURE_HSTS_SECONDS"] == 600


def test_forwarded_headers_are_believed_only_behind_named_proxies(monkeypatch, tmp_path):
    assert "SECURE_PROXY_SSL_HEADER" not in load(monkeypatch, tmp_path)
    assert load(monkeypatch, tmp_path)["USE_X_FORWARDED_HOST"] is False
    behind = load(monkeypatch, tmp_path, VADESK_TRUSTED_PROXIES="1", VADESK_USE_FORWARDED_HOST="true")
    assert behind["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https") and behind["USE_X_FORWARDED_HOST"]
    with pytest.raises(ImproperlyConfigured, match="VADESK_USE_FORWARDED_HOST"):
        load(monkeypatch, tmp_path, VADESK_USE_FORWARDED_HOST="true")


@pytest.mark.parametrize(
    "name, value",
    [
        ("VADESK_HTTPS", "sometimes"),
        ("VADESK_HSTS_SECONDS", "-1"),
        ("VADESK_TRUSTED_PROXIES", "many"),
        ("VADESK_REFERRER_POLICY", "unsafe-url"),
        ("VADESK_SIGNIN_ACCOUNT_FAILURES", "0"),
        ("VADESK_ARGON2_MEMORY_KIB", "4096"),  # below OWASP's floor of 19 MiB
        ("VADESK_ARGON2_TIME_COST", "1"),
        ("VADESK_PASSWORD_HASH_CONCURRENCY", "0"),
        ("VADESK_API_DOCS_PUBLIC", "perhaps"),
    ],
)
def test_a_bad_security_value_stops_the_start_naming_the_variable(monkeypatch, tmp_path, name, value):
    with pytest.raises(ImproperlyConfigured, match=name):
        load(monkeypatch, tmp_path, **{name: value})


@pytest.mark.slow
def test_check_deploy_passes_with_the_documented_production_environment(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_environment(VADESK_DATA_DIR=str(tmp_path), **production_environment()),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


@pytest.mark.slow
def test_check_deploy_warns_with_the_defaults(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_environment(VADESK_DATA_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "security.W008" in done.stderr + done.stdout
