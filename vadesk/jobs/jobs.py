"""The jobs app's own job."""

from vadesk.jobs.registry import job


@job()
def ping() -> str:
    """A job that does nothing: for benchmarks and for checking that a worker runs."""
    return "pong"
