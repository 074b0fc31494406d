"""SIGKILL the job worker in the middle of a send: nothing is lost and nothing is sent twice.

The worker is a real `vadesk worker` process with its own SQLite database file, running the delivery job that
the message's commit queued (`comms.jobs.outbox_kick`), and delivering to a real aiosmtpd server that the test
pauses at a chosen point of the SMTP dialogue. After the job's lease a second worker runs the job again: the
outbox's own claim (`phase`) decides whether the message may go again.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vadesk.comms.tests.servers import SmtpServer

ROOT = Path(__file__).resolve().parents[3]
VADESK = Path(sys.executable).parent / "vadesk"
JOB_LEASE_SECONDS = 3  # the job system's (at least 3); the outbox's own lease is 1 s
DELIVERY_JOB = "vadesk.comms.jobs.outbox_deliver_job"
pytestmark = pytest.mark.slow  # real worker processes and a real SMTP server


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("killtest")
    harness("setup", directory)
    return directory


def environment(directory: Path, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "VADESK_TASK_BACKEND"}}
    env.update(
        PYTHONPATH=str(ROOT),  # the `vadesk` script runs this checkout's code, not the one installed in the venv
        VADESK_DATA_DIR=str(directory),
        VADESK_SMTP_HOST="127.0.0.1",
        VADESK_SMTP_PORT=str(port),
        VADESK_SMTP_TIMEOUT="10",
        VADESK_OUTBOX_LEASE_SECONDS="1",
        VADESK_JOBS_LEASE_SECONDS=str(JOB_LEASE_SECONDS),
        VADESK_JOBS_POLL_MILLISECONDS="50",
        VADESK_FROM_EMAIL="desk@assist.example",
        **extra,
    )
    return env


def harness(action: str, directory: Path, port: int = 25) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "vadesk.comms.tests.harness", action],
        cwd=ROOT,
        env=environment(directory, port),
        capture_output=True,
        text=True,
        timeout=300,  # a fresh database's migrations take minutes on a loaded 2-core machine
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def rows(directory: Path) -> list[dict]:
    return json.loads(harness("dump", directory))


def jobs(directory: Path) -> list[dict]:
    return json.loads(harness("jobs", directory))


def worker(directory: Path, port: int, *args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(VADESK), "worker", "--no-schedule", *args],
        cwd=ROOT,
        env=environment(directory, port, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_when_reached(process: subprocess.Popen, server: SmtpServer) -> None:
    assert server.mailbox.reached.wait(timeout=60), (
        process.stderr.read() if process.poll() is not None else "the worker never got there"
    )
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    server.mailbox.release.set()
    time.sleep(0.1)


def finish(directory: Path, port: int, **extra: str) -> dict:
    """After both leases, a second worker runs what is due and exits; returns the delivery job's row."""
    [killed] = jobs(directory)
    assert killed["task_path"] == DELIVERY_JOB and killed["status"] == "RUNNING"
    time.sleep(JOB_LEASE_SECONDS + 0.5)
    process = worker(directory, port, "--batch", **extra)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    [job] = jobs(directory)
    assert job["status"] == "SUCCESSFUL" and len(job["worker_ids"]) == 2  # the same job, run again
    return job


def test_killed_before_the_end_of_data_the_message_is_sent_once_when_the_job_runs_again(data_dir):
    harness("enqueue", data_dir)
    with SmtpServer() as server:
        server.mailbox.hold_rcpt.set()  # the worker is mid-dialogue: MAIL sent, RCPT unanswered
        kill_when_reached(worker(data_dir, server.port), server)
        assert rows(data_dir)[0]["state"] == "sending" and rows(data_dir)[0]["phase"] == "claimed"
        assert server.mailbox.messages == []

        server.mailbox.hold_rcpt.clear()
        job = finish(data_dir, server.port)

        assert job["return_value"] == {"recovered": 1, "sent": 1}
        [row] = rows(data_dir)
        assert row["state"] == "sent" and row["attempts"] == 2
        [mail] = server.mailbox.parsed()
        assert mail["Message-ID"] == row["message_id"]


def test_killed_after_the_server_took_the_message_it_is_not_sent_again_but_flagged(data_dir):
    harness("enqueue", data_dir)
    with SmtpServer() as server:
        server.mailbox.hold_data.set()  # the end-of-data dot arrived; the server has the message, the worker awaits "250"
        kill_when_reached(worker(data_dir, server.port), server)
        assert rows(data_dir)[0]["phase"] == "handed_over"

        server.mailbox.hold_data.clear()
        job = finish(data_dir, server.port)

        assert job["return_value"] == {"recovered": 1}
        [row] = rows(data_dir)
        assert row["state"] == "uncertain" and "may have been delivered" in row["last_error"]
        assert len(server.mailbox.messages) == 1  # delivered exactly once, and a person is told to check


def test_with_resend_chosen_an_uncertain_message_goes_again_with_the_same_message_id(data_dir):
    harness("enqueue", data_dir)
    with SmtpServer() as server:
        server.mailbox.hold_data.set()
        kill_when_reached(worker(data_dir, server.port), server)
        server.mailbox.hold_data.clear()
        finish(data_dir, server.port, VADESK_OUTBOX_UNCERTAIN="resend")

        first, second = server.mailbox.parsed()
        assert first["Message-ID"] == second["Message-ID"]  # at-least-once: the copy is recognisably the same message
        assert rows(data_dir)[0]["state"] == "sent"


def test_the_command_by_hand_does_one_pass_with_the_same_claims(data_dir):
    harness("enqueue", data_dir)
    with SmtpServer() as server:
        done = subprocess.run(
            [str(VADESK), "outbox_worker"],
            cwd=ROOT,
            env=environment(data_dir, server.port),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert "sent=1" in done.stdout
        assert len(server.mailbox.messages) == 1 and rows(data_dir)[0]["state"] == "sent"
