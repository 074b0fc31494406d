"""Real `vadesk serve` / `vadesk worker` processes for the tests, on loopback ports, stopped at the end."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# Bounds, not expectations: on a loaded CI machine (eight suites on two cores) a start takes minutes.
START_SECONDS = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VADESK_", "PROMETHEUS_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        VADESK_DATA_DIR=str(data_dir),
        VADESK_DEBUG="false",
        VADESK_SECRET_KEY="test-only-secret-key-for-the-serve-tests",
        VADESK_SECURE_COOKIES="false",
    )
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=check
    )


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class Process:
    """A command started with its output in files; `stop()` sends TERM and waits (KILL after a grace period)."""

    def __init__(self, args: list[str], *, env: dict[str, str], log_dir: Path, name: str) -> None:
        self.stdout_path, self.stderr_path = log_dir / f"{name}.out", log_dir / f"{name}.err"
        self.popen = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=self.stdout_path.open("w"),
            stderr=self.stderr_path.open("w"),
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stderr(self) -> str:
        return self.stderr_path.read_text()

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def serve(
    data_dir: Path, log_dir: Path, *, name: str = "web", env: dict[str, str], workers: int = 2
) -> tuple[Process, str]:
    """`vadesk serve` on a free port; returns once /healthz answers (or fails with the server's output)."""
    port = free_port()
    process = Process(
        ["serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", "2"],
        env=env,
        log_dir=log_dir,
        name=name,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise AssertionError(f"vadesk serve exited: {process.stderr()}")
        try:
            if get(f"{url}/healthz", timeout=2)[0] == 200:
                return process, url
        except OSError:
            pass
        time.sleep(0.3)
    process.stop()
    raise AssertionError(f"vadesk serve did not answer: {process.stderr()}")


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (gunicorn's workers), from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.add(int(entry.name))
    return found
