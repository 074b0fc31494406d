"""Long work started through the API (a calendar import) answers 202 with a run; this is where to follow it.

The same runs as the progress pages (vadesk/jobs/runs.py), read through the same scoping helper: the owners of
the run's organisation and, for a run meant for its starter, the staff member who started it."""

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema

from vadesk.api.auth import person_of
from vadesk.api.types import Id, Timestamp
from vadesk.jobs.models import JobRun
from vadesk.jobs.runs import run_for, run_text

router = Router(tags=["runs"])


class RunMessageOut(Schema):
    level: str = Field(description="`error` for what was left out or refused, `info` otherwise")
    text: str


class RunOut(Schema):
    id: int
    title: str
    state: JobRun.State
    done: int
    total: int
    percent: int
    problems: int = Field(description="Messages of level `error`, including those beyond the ones kept")
    messages: list[RunMessageOut]
    created_at: Timestamp
    started_at: Timestamp | None
    finished_at: Timestamp | None
    status_url: str = Field(description="Where to read this run again until `state` is done or failed")


def run_out(request: HttpRequest, run: JobRun) -> RunOut:
    messages = [RunMessageOut(level=m["level"], text=run_text(m["text"], m.get("params", {}))) for m in run.messages]
    return RunOut(
        id=run.pk,
        title=run_text(run.title, run.params),
        state=JobRun.State(run.state),
        done=run.done,
        total=run.total,
        percent=run.percent,
        problems=sum(1 for m in messages if m.level == "error") + run.params.get("messages_dropped", 0),
        messages=messages,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        status_url=request.build_absolute_uri(reverse("api:read_run", args=[run.pk])),
    )


@router.get("/runs/{run_id}", response=RunOut, url_name="read_run")
def read_run(request: HttpRequest, run_id: Id):
    """How far a run got, and what it left out."""
    return run_out(request, run_for(person_of(request), run_id))
