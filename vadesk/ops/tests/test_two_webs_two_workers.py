"""Two `vadesk serve` and two `vadesk worker` processes on one PostgreSQL database, on loopback: a session made on
web A works on web B (sessions are rows in the database, no state in a web process), and jobs enqueued run
exactly once each, spread over both workers (claimed with SKIP LOCKED)."""

import html
import re
import time
import urllib.parse
import urllib.request
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django_tasks_db.models import DBTaskResult

from vadesk.conftest import PASSWORD
from vadesk.ops.tests import cluster_probe
from vadesk.ops.tests.servers import START_SECONDS, Process, base_env, free_port, get

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
JOBS = 40


def database_url() -> str:
    db = connection.settings_dict
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start(tmp_path: Path, env: dict[str, str]) -> tuple[list[tuple[Process, str]], list[Process]]:
    """The four processes at once, each with a data folder of its own (as on two machines each); returns when
    both servers answer /healthz."""
    webs, workers = [], []
    for name in ("web-a", "web-b"):
        port, data = free_port(), tmp_path / name
        data.mkdir()
        args = ["serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--no-collectstatic"]
        process = Process(args, env={**env, "VADESK_DATA_DIR": str(data)}, log_dir=tmp_path, name=name)
        webs.append((process, f"http://127.0.0.1:{port}"))
    for name in ("worker-1", "worker-2"):
        worker_env = {**env, "VADESK_DATA_DIR": str(tmp_path / name)}
        workers.append(Process(["worker", "--no-schedule"], env=worker_env, log_dir=tmp_path, name=name))
    deadline = time.monotonic() + START_SECONDS
    for process, url in webs:
        while True:
            assert process.popen.poll() is None, process.stderr()
            assert time.monotonic() < deadline, f"{url} did not answer: {process.stderr()}"
            try:
                if get(f"{url}/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
    return webs, workers


class Browser:
    """urllib with a cookie jar that can be shown to another server (same host, other port: cookies are per host)."""

    def __init__(self) -> None:
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def open(self, url: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, body, timeout=30) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def cookie(self, name: str) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == name)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def servers_password(*people) -> None:
    """The servers hash with Argon2 and verify PBKDF2 (not the tests' fast MD5): a hash they accept."""
    for person in people:
        person.password = PBKDF2PasswordHasher().encode(PASSWORD, "clustertestsalt", iterations=1000)
        person.save(update_fields=["password"])


def browser_across_the_webs(web_a: str, web_b: str, assistant, task, bundle, acme) -> None:
    """Chromium: sign in on A, start a task's timer on B, stop it on A, see the bundle drop on B (cookies are per
    host, not per port: the browser shows both servers the same session)."""
    from vadesk.web.tests.test_browser import ARGS, CHROMIUM, log_in, playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing at /usr/bin/chromium: install Debian's chromium package (make test does).")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB").new_page()
        page.set_default_timeout(60000)
        log_in(page, SimpleNamespace(url=web_a), assistant.email)
        page.wait_for_url(f"{web_a}/today/")
        page.goto(f"{web_b}/tasks/{task.pk}/")
        page.click("[data-testid=start-timer]")
        page.wait_for_selector("[data-testid=stop-timer]")
        page.goto(f"{web_a}/tasks/{task.pk}/")
        page.click("[data-testid=stop-timer]")
        page.wait_for_selector("[data-testid=start-timer]")
        page.goto(f"{web_b}/clients/{acme.pk}/")
        assert page.inner_text(f"[data-testid=remaining-{bundle.pk}]").startswith("9:45")
        browser.close()


def test_two_webs_share_sessions_and_two_workers_run_each_job_once(
    tmp_path, owner, assistant, task, bundle, acme, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: several processes on one database (run with DATABASE_URL=postgres://…)")
    servers_password(owner, assistant)
    env = base_env(
        tmp_path, DATABASE_URL=database_url(), VADESK_JOBS_POLL_MILLISECONDS="50", VADESK_SERVE_GRACEFUL_TIMEOUT="5"
    )
    began = time.monotonic()
    webs, workers = start(tmp_path, env)
    print(f"four processes up in {time.monotonic() - began:.1f} s")
    processes = [process for process, _ in webs] + workers
    try:
        (_, web_a), (_, web_b) = webs

        # Sign in on A.
        browser = Browser()
        status, _, page = browser.open(f"{web_a}/login/")
        token = html.unescape(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1))
        form = {"csrfmiddlewaretoken": token, "username": owner.email, "password": PASSWORD}
        status, location, _ = browser.open(f"{web_a}/login/", form)
        assert status == 302 and not location.startswith("/login"), "sign-in on web A failed"
        session = browser.cookie("sessionid")

        # The session works on B, a process that never saw the sign-in; without it B sends one to sign in.
        other = Browser()
        assert other.open(f"{web_b}/")[0] == 302
        request = urllib.request.Request(f"{web_b}/", headers={"Cookie": f"sessionid={session}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200 and owner.full_name in response.read().decode()

        print(f"session shared after {time.monotonic() - began:.1f} s")
        browser_across_the_webs(web_a, web_b, assistant, task, bundle, acme)
        print(f"browser done after {time.monotonic() - began:.1f} s")
        # Jobs enqueued here run once each, on both workers.
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        log = tmp_path / "runs.log"
        log.touch()
        ids = [cluster_probe.note_run.enqueue(n=n, log=str(log)).id for n in range(JOBS)]
        deadline = time.monotonic() + START_SECONDS
        rows = DBTaskResult.objects.filter(pk__in=ids)
        while rows.filter(status="SUCCESSFUL").count() < JOBS:
            assert time.monotonic() < deadline, f"jobs not done: {Counter(rows.values_list('status', flat=True))}"
            assert all(p.popen.poll() is None for p in workers), [p.stderr() for p in workers]
            time.sleep(0.2)
        print(f"{JOBS} jobs done after {time.monotonic() - began:.1f} s")
        runs = [line.split() for line in log.read_text().splitlines()]
        assert Counter(int(n) for n, _ in runs) == Counter(range(JOBS))  # each job's effect exactly once
        assert {pid for _, pid in runs} == {str(p.pid) for p in workers}  # both workers took some
        assert all(len(row.worker_ids) == 1 for row in rows)
    finally:
        for process in processes:  # all told at once, then waited for: the stops overlap
            if process.popen.poll() is None:
                process.popen.terminate()
        for process in processes:
            process.stop()
