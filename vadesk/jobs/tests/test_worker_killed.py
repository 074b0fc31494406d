"""SIGKILL a real `vadesk worker` in the middle of a job: after its lease the job runs again, and its
effect (a recurring task becoming a task) happens exactly once.

The worker is a separate process on its own SQLite database file; the job pauses at a chosen point
(after its effect was committed, or inside the transaction before the commit) until the test kills it.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
VADESK = Path(sys.executable).parent / "vadesk"
LEASE_SECONDS = 3  # (test_leases.py checks that a job within its lease is left alone)


def environment(directory: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "VADESK_TASK_BACKEND"}}
    env.update(VADESK_DATA_DIR=str(directory), VADESK_JOBS_LEASE_SECONDS=str(LEASE_SECONDS), VADESK_DEBUG="false")
    env.update(VADESK_SECRET_KEY="kill-test", VADESK_JOBS_POLL_MILLISECONDS="50")
    return env


def harness(directory: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "vadesk.jobs.tests.harness", *args],
        cwd=ROOT,
        env=environment(directory),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("jobs-killtest")
    harness(directory, "setup")
    return directory


def worker(directory: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(VADESK), "worker", "--no-schedule", *args],
        cwd=ROOT,
        env=environment(directory),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(path: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        assert process.poll() is None, process.stderr.read() if process.stderr else "the worker stopped"
        assert time.monotonic() < deadline, "the worker never got to the pause"
        time.sleep(0.05)


@pytest.mark.parametrize("where", ["after_commit", "inside"])
def test_a_job_whose_worker_was_killed_runs_again_after_the_lease_and_its_effect_happens_once(data_dir, where):
    hold, reached = data_dir / f"hold-{where}", data_dir / f"reached-{where}"
    hold.write_text("hold")
    harness(data_dir, "enqueue", str(hold), str(reached), where)

    first = worker(data_dir)
    wait_for(reached, first)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    killed = json.loads(harness(data_dir, "dump"))
    [job] = killed["jobs"]
    assert job["status"] == "RUNNING" and len(job["worker_ids"]) == 1 and killed["leases"] == 1
    assert killed["tasks"] == (["Water the plants"] if where == "after_commit" else [])

    hold.unlink()
    time.sleep(LEASE_SECONDS + 0.5)
    second = worker(data_dir, "--batch")
    _out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err

    after = json.loads(harness(data_dir, "dump"))
    [job] = after["jobs"]
    assert job["status"] == "SUCCESSFUL" and len(job["worker_ids"]) == 2
    assert after["tasks"] == ["Water the plants"]  # exactly once
    assert after["leases"] == 0


def test_sigterm_lets_the_running_job_finish_then_the_worker_stops(data_dir):
    hold, reached = data_dir / "hold-term", data_dir / "reached-term"
    hold.write_text("hold")
    harness(data_dir, "enqueue", str(hold), str(reached), "after_commit")

    running = worker(data_dir)
    wait_for(reached, running)
    running.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    assert running.poll() is None  # still finishing its job
    hold.unlink()
    _out, err = running.communicate(timeout=60)
    assert running.returncode == 0, err

    [job] = json.loads(harness(data_dir, "dump"))["jobs"]
    assert job["status"] == "SUCCESSFUL" and len(job["worker_ids"]) == 1
