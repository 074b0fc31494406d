"""A job only the two-web-two-worker test enqueues: it notes which worker process ran which job, in a file."""

import os
import time
from pathlib import Path

from vadesk.jobs.registry import job


@job(max_attempts=1)
def note_run(*, n: int, log: str) -> int:
    time.sleep(0.05)  # long enough that the second worker gets jobs of its own
    with Path(log).open("a") as file:  # one short write in append mode: lines of two processes never interleave
        file.write(f"{n} {os.getpid()}\n")
    return n
