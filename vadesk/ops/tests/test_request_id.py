"""The request id: honoured or made, answered in X-Request-ID, and in every log line of the request."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vadesk.ops import readiness
from vadesk.ops.logs import JsonFormatter, RequestIdFilter

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def json_lines(settings):
    """The JSON lines the request logger and vadesk.ops write during the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    loggers = [logging.getLogger("vadesk.requests"), logging.getLogger("vadesk.ops.tests")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_a_proxys_request_id_is_honoured_and_answered(client, json_lines):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-4f2a:17")
    assert response["X-Request-ID"] == "edge-4f2a:17"
    [line] = json_lines()
    assert line["request_id"] == "edge-4f2a:17"
    assert (line["method"], line["path"], line["status"], line["view"]) == ("GET", "/healthz", 200, "ops:healthz")
    assert line["logger"] == "vadesk.requests" and line["level"] == "INFO"
    assert isinstance(line["duration_ms"], float)


@pytest.mark.parametrize("offered", ["", "two words", "x" * 129, "forged\nline", "ü"])
def test_a_missing_or_unsafe_request_id_is_replaced_by_a_fresh_one(client, json_lines, offered):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=offered)
    made = response["X-Request-ID"]
    assert made != offered and len(made) == 32
    assert json_lines()[0]["request_id"] == made


def test_two_requests_get_two_ids(client):
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


@pytest.mark.django_db
def test_every_line_logged_while_serving_the_request_carries_its_id(client, json_lines, settings, monkeypatch):
    settings.OPS_TOKEN = "t"

    def noisy() -> dict[str, str]:
        logging.getLogger("vadesk.ops.tests").warning("checking %s", "readiness", extra={"check": "all"})
        return {}

    monkeypatch.setattr(readiness, "readiness", noisy)
    monkeypatch.setattr("vadesk.ops.views.readiness", noisy)
    client.get("/readyz", HTTP_AUTHORIZATION="Bearer t", HTTP_X_REQUEST_ID="req-1")
    inner, outer = json_lines()
    assert inner["message"] == "checking readiness" and inner["check"] == "all"
    assert inner["request_id"] == outer["request_id"] == "req-1"
    logging.getLogger("vadesk.ops.tests").warning("after the request")
    assert json_lines()[-1]["request_id"] == "-"


def test_the_setting_switches_the_whole_process_to_json_lines():
    env = {**os.environ, "VADESK_LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)
    code = "import django; django.setup(); import logging; logging.getLogger('vadesk.x').error('boom %d', 1)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert (line["level"], line["logger"], line["message"], line["request_id"]) == ("ERROR", "vadesk.x", "boom 1", "-")


@pytest.mark.parametrize("debug", ["true", "false"])
def test_a_line_of_djangos_own_loggers_is_written_once_in_the_projects_format(debug):
    """Django's default console handler on "django" wrote each line a second time, unformatted (with debug on:
    every job's start and end under `vadesk run`). The setup runs twice, as `vadesk run` does (config.wsgi)."""
    env = {
        **os.environ,
        "VADESK_LOG_FORMAT": "json",
        "VADESK_DEBUG": debug,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("DATABASE_URL", None)
    code = (
        "import django, logging; django.setup(); django.setup(); log = logging.getLogger('django.tasks');"
        "log.info('a job started'); log.error('Task id=1 path=x state=FAILED')"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert [json.loads(line)["message"] for line in lines] == ["Task id=1 path=x state=FAILED"]


def test_a_bad_log_format_stops_the_start_with_the_variables_name():
    env = {**os.environ, "VADESK_LOG_FORMAT": "xml", "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0 and "VADESK_LOG_FORMAT" in done.stderr
