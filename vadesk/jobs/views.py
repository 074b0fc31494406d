"""The failed-jobs page for owners (their organisations' jobs) and operators (all jobs)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vadesk.accounts.decorators import owner_required
from vadesk.accounts.models import Person
from vadesk.jobs.services import JobNotFound, failed_jobs, job_retry


def _person(request: HttpRequest) -> Person:
    assert isinstance(request.user, Person)  # owner_required signed them in
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
