"""Runs with progress: long work leaves the request, runs as a job, and reports how far it got.

A request calls `run_start` (which authorises, records the run and enqueues its job once the request's
transaction commits) and redirects to the run's page; the job wraps its work in `run_progress(run_id)`, which
marks the run running, takes counts, messages and a result file, and marks it done (or failed when the work
raised, before the job system retries it). `runs_for` / `run_for` are the one scoping helper for runs.

Who sees a run: the owners of its organisation; a run whose audience is `starter` (an assistant's calendar
import) also the staff member who started it, while they are staff of that organisation.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.tasks import Task
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Organisation, Person
from vadesk.jobs.models import JobRun

MAX_MESSAGES = 500  # a run with more problems keeps the first ones and says how many more there were
FLUSH_SECONDS = 1.0  # progress is written at most this often (each write is a short transaction of its own)


class RunGone(Exception):
    """The run was deleted (or never was): the job has nothing to report to and does nothing."""


def run_text(text: str, params: dict) -> str:
    """A run's stored text in the reader's language (a catalogue with a broken placeholder falls back to English)."""
    try:
        return translation.gettext(text) % params
    except (KeyError, ValueError, TypeError):
        return text % params


def runs_for(person: Person, organisation_id: int | None = None) -> QuerySet[JobRun]:
    """The runs `person` may see (in one organisation when given): deny by default."""
    reach = reach_of(person)
    owner_of, staff_of = reach.owner_of, reach.staff_of
    if organisation_id is not None:
        owner_of, staff_of = owner_of & {organisation_id}, staff_of & {organisation_id}
    return JobRun.objects.filter(
        Q(organisation_id__in=owner_of)
        | Q(organisation_id__in=staff_of, audience=JobRun.Audience.STARTER, started_by=person)
    )


def run_for(person: Person, pk: int, organisation_id: int | None = None) -> JobRun:
    try:
        return runs_for(person, organisation_id).get(pk=pk)
    except (JobRun.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def run_start(
    *,
    by: Person,
    organisation: Organisation,
    job: Task,
    title: str,
    params: dict[str, Any] | None = None,
    audience: str = JobRun.Audience.OWNERS,
    back_url: str = "",
    upload: IO[bytes] | None = None,
    upload_name: str = "upload",
    **job_kwargs: Any,
) -> JobRun:
    """Record a run and enqueue `job(run_id=…, **job_kwargs)` when the current transaction commits.

    `upload` (an uploaded file) is stored in the storage backend first, and the job reads it back through
    `run.input_name`: the request does nothing with it but store it. Raises PermissionDenied unless `by` is an
    owner of `organisation` (or staff of it, for a run whose audience is the starter).
    """
    reach = reach_of(by)
    allowed = reach.owner_of if audience == JobRun.Audience.OWNERS else reach.staff_of
    if organisation.pk not in allowed:
        raise PermissionDenied
    input_name = ""
    if upload is not None:
        input_name = default_storage.save(_private_name(organisation, upload_name), File(upload))
    run = JobRun.objects.create(
        organisation=organisation,
        kind=job.name,
        title=title,
        params=params or {},
        audience=audience,
        started_by=by,
        input_name=input_name,
        back_url=back_url,
    )
    transaction.on_commit(lambda: job.enqueue(run_id=run.pk, **job_kwargs))
    return run


def _private_name(organisation: Organisation, filename: str) -> str:
    """A storage name nobody can guess, in the organisation's own folder."""
    safe = "".join(c for c in os.path.basename(filename) if c.isalnum() or c in "._-")[-80:] or "file"
    return f"runs/{organisation.pk}/{secrets.token_urlsafe(16)}/{safe}"


class Progress:
    """What a running job reports: a total, steps done, messages and a result file. Writes are throttled."""

    def __init__(self, run: JobRun) -> None:
        self.run = run
        self._dropped = 0
        self._written_at = 0.0

    def set_total(self, total: int) -> None:
        self.run.total = total
        self.flush()

    def step(self, count: int = 1) -> None:
        self.run.done += count
        if time.monotonic() - self._written_at >= FLUSH_SECONDS:
            self.flush()

    def problem(self, text: str, **params: Any) -> None:
        """An error worth reading (a client whose draft failed, a bad line): `text` untranslated, `params` for it."""
        self._message("error", text, params)

    def note(self, text: str, **params: Any) -> None:
        self._message("info", text, params)

    def _message(self, level: str, text: str, params: dict[str, Any]) -> None:
        if len(self.run.messages) >= MAX_MESSAGES:
            self._dropped += 1
            return
        self.run.messages.append({"level": level, "text": text, "params": params})

    @property
    def problems(self) -> int:
        return sum(1 for m in self.run.messages if m["level"] == "error") + self._dropped

    def open_input(self) -> IO[bytes]:
        if not self.run.input_name:
            raise FileNotFoundError("this run has no input file")
        return default_storage.open(self.run.input_name, "rb")

    @contextmanager
    def result_file(self, filename: str, content_type: str) -> Iterator[IO[bytes]]:
        """A file on disk to write the result into, piece by piece; it is then streamed into the storage
        backend (never held in memory whole) and offered for download on the run's page."""
        with tempfile.TemporaryFile() as scratch:
            yield scratch
            scratch.seek(0)
            name = default_storage.save(_private_name(self.run.organisation, filename), File(scratch))
        if self.run.result_name:  # a second attempt replaces the first one's file
            default_storage.delete(self.run.result_name)
        self.run.result_name, self.run.result_filename, self.run.result_type = name, filename, content_type
        self.flush()

    def flush(self) -> None:
        if self._dropped:
            self.run.params = {**self.run.params, "messages_dropped": self._dropped}
        self.run.save(
            update_fields=[
                "state",
                "done",
                "total",
                "messages",
                "params",
                "result_name",
                "result_filename",
                "result_type",
                "started_at",
                "finished_at",
            ]
        )
        self._written_at = time.monotonic()


@contextmanager
def run_progress(run_id: int) -> Iterator[Progress]:
    """The job's side of a run: mark it running, hand out a Progress, mark it done or failed.

    Raises RunGone when the run no longer exists. A run runs again when its job does (a retry, a worker whose
    lease ran out): counts and messages start afresh, so the work inside must be idempotent. Not to be called
    inside a transaction: each progress write must be seen by the page while the work goes on.
    """
    run = JobRun.objects.select_related("organisation", "started_by").filter(pk=run_id).first()
    if run is None:
        raise RunGone(run_id)
    run.state, run.done, run.messages = JobRun.State.RUNNING, 0, []
    run.started_at, run.finished_at = timezone.now(), None
    progress = Progress(run)
    progress.flush()
    try:
        # Texts the work makes already translated (a parser's reasons) come in the starter's language.
        with translation.override(run.started_by.language if run.started_by else None):
            yield progress
    except Exception as exc:
        run.state, run.finished_at = JobRun.State.FAILED, timezone.now()
        # The error's class only: its text may hold data the reader should not see; the failed-jobs page has it.
        progress.problem(
            gettext_noop("The work stopped with an error (%(error)s). It is tried again while attempts remain."),
            error=type(exc).__name__,
        )
        progress.flush()
        raise
    run.state, run.finished_at = JobRun.State.DONE, timezone.now()
    progress.flush()
