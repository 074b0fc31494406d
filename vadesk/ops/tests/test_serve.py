"""`vadesk serve`: gunicorn with threaded workers, hashed static files, metrics summed over workers, HUP reload."""

import json
import signal
import time

import pytest

from vadesk.ops.tests.servers import START_SECONDS, base_env, children, get, manage, serve

pytestmark = pytest.mark.slow
TOKEN = "serve-test-token"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("serve")
    manage("migrate", "-v0", env=base_env(path))
    return path


@pytest.fixture(scope="module")
def web(data_dir, tmp_path_factory):
    env = base_env(data_dir, VADESK_OPS_TOKEN=TOKEN, VADESK_REQUEST_LOG="true")
    process, url = serve(data_dir, tmp_path_factory.mktemp("logs"), env=env)
    yield process, url
    process.stop()


def scrape(url: str) -> dict[str, float]:
    status, _, body = get(f"{url}/metrics", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200, body
    samples = {}
    for line in body.decode().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


HEALTHZ = 'vadesk_http_requests_total{method="GET",status="200",view="ops:healthz"}'


def test_it_is_gunicorn_with_the_configured_workers(web):
    process, url = web
    status, headers, body = get(f"{url}/healthz")
    assert (status, body, headers["Server"]) == (200, b"ok\n", "gunicorn")
    assert len(children(process.pid)) == 2


def test_static_files_have_hashed_names_and_are_cached_for_good(web, data_dir):
    _, url = web
    manifest = json.loads((data_dir / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["vadesk/app.css"]
    assert hashed != "vadesk/app.css" and hashed.startswith("vadesk/app.")
    status, headers, _ = get(f"{url}/static/{hashed}", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]
    assert headers.get("Content-Encoding") == "gzip"
    status, _, page = get(f"{url}/login/")
    assert status == 200 and f"/static/{hashed}".encode() in page


def test_the_counters_are_summed_over_the_workers(web):
    _, url = web
    before = scrape(url).get(HEALTHZ, 0)
    for _ in range(20):
        assert get(f"{url}/healthz")[0] == 200  # a new connection each: both workers answer some
    for _ in range(4):  # whichever worker answers the scrape, it sums every worker's files
        assert scrape(url)[HEALTHZ] - before == 20
    assert scrape(url)["vadesk_domain_gauges_up"] == 1


def test_every_request_is_a_json_line_with_its_request_id(web):
    process, url = web
    assert get(f"{url}/healthz", {"X-Request-ID": "serve-test-42"})[1]["X-Request-ID"] == "serve-test-42"
    time.sleep(0.2)
    lines = [json.loads(line) for line in process.stderr().splitlines() if line.startswith("{")]
    assert any(line["request_id"] == "serve-test-42" and line["path"] == "/healthz" for line in lines)
    assert any(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"] for line in lines)
    assert all(line.startswith("{") for line in process.stderr().splitlines() if line)


def test_hup_replaces_the_workers_and_the_server_keeps_answering(web):
    process, url = web
    before_count = scrape(url)[HEALTHZ]
    old = children(process.pid)
    process.popen.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        # Not one request lost: while the new workers boot, connections wait in the listen queue.
        assert get(f"{url}/healthz", timeout=START_SECONDS)[0] == 200
        now = children(process.pid)
        if len(now) == 2 and not now & old:
            break
        time.sleep(0.2)
    else:
        raise AssertionError(f"the workers were not replaced: {old} → {children(process.pid)}")
    assert process.popen.poll() is None
    assert scrape(url)[HEALTHZ] >= before_count  # counts of retired workers are kept


def test_a_bad_setting_stops_it_with_the_variables_name(data_dir):
    done = manage("serve", "--no-collectstatic", env=base_env(data_dir, VADESK_SERVE_THREADS="many"), check=False)
    assert done.returncode != 0 and "VADESK_SERVE_THREADS" in done.stderr
