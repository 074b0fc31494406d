"""The failed-jobs page for owners (their organisations' jobs) and operators (all jobs); a run's progress page."""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vadesk.accounts.decorators import owner_required, staff_required
from vadesk.accounts.models import Person
from vadesk.jobs.models import JobRun
from vadesk.jobs.runs import run_for, run_text
from vadesk.jobs.services import JobNotFound, failed_jobs, job_retry
from vadesk.lib.downloads import content_disposition


def _person(request: HttpRequest) -> Person:
    assert isinstance(request.user, Person)  # owner_required / staff_required signed them in
    return request.user


@owner_required
def failed_list(request: HttpRequest) -> HttpResponse:
    rows = failed_jobs(by=_person(request))
    for row in rows:
        row.error_line = row.traceback.strip().splitlines()[-1] if row.traceback else ""  # type: ignore[attr-defined]
    return render(request, "jobs/failed.html", {"rows": rows})


@require_POST
@owner_required
def retry(request: HttpRequest, pk: str) -> HttpResponse:
    try:
        row = job_retry(job_id=pk, by=_person(request))
    except JobNotFound:
        raise Http404 from None
    messages.success(request, _("%(job)s will run again.") % {"job": row.task_name})
    return redirect("jobs:failed")


@staff_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = run_for(_person(request), pk, request.membership.organisation_id)  # type: ignore[attr-defined]
    shown = [(m["level"], run_text(m["text"], m.get("params", {}))) for m in run.messages]
    context = {
        "run": run,
        "title": run_text(run.title, run.params),
        "messages_shown": shown,
        "problems": sum(1 for level, _text in shown if level == "error") + run.params.get("messages_dropped", 0),
        "dropped": run.params.get("messages_dropped", 0),
        "refresh_seconds": 2,
    }
    response = render(request, "jobs/run.html", context)
    if not run.finished:
        # The Refresh header reloads the page as <meta http-equiv="refresh"> would: no script, nothing for CSP to allow.
        response["Refresh"] = str(context["refresh_seconds"])
    return response


@staff_required
def run_download(request: HttpRequest, pk: int) -> FileResponse:
    run = run_for(_person(request), pk, request.membership.organisation_id)  # type: ignore[attr-defined]
    if run.state != JobRun.State.DONE or not run.result_name:
        raise Http404
    try:
        content = default_storage.open(run.result_name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(content, content_type=run.result_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition(run.result_filename)
    return response
