"""The week's time sheet: entries by day, totals, manual entries and corrections."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vadesk.accounts.decorators import staff_required
from vadesk.engagements.scoping import engagements_for
from vadesk.lib.formfields import changed_values
from vadesk.lib.pages import apply_validation_error, back, report_refusal
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.scoping import time_entry_for
from vadesk.timesheets.services import (
    time_entry_correct,
    time_entry_delete,
    time_entry_log,
)
from vadesk.web.forms import TimeEntryForm
from vadesk.web.views.common import organisation_staff


def _week_start(request) -> date:
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


@staff_required
def timesheet(request):
    monday = _week_start(request)
    days = [monday + timedelta(days=i) for i in range(7)]
    person = request.user
    staff = None
    if request.membership.is_owner:
        staff = organisation_staff(request)
        chosen = request.GET.get("person", "")
        if chosen.isdigit():
            person = staff.filter(pk=int(chosen)).first() or person
    entries = list(
        TimeEntry.objects.filter(
            person=person,
            work_date__range=(days[0], days[-1]),
            engagement__client__organisation=request.membership.organisation,
        )
        .select_related("engagement__client", "task")
        .order_by("work_date", "started_at", "id")
    )
    by_day = [
        (day, day_entries, sum(e.worked_minutes for e in day_entries))
        for day in days
        for day_entries in [[e for e in entries if e.work_date == day]]
    ]
    form = TimeEntryForm(
        request.POST or None,
        engagements=engagements_for(request.user, write=True, organisation=request.membership.organisation_id).active(),
        initial={"work_date": timezone.localdate(), "billable": True},
    )
    if request.method == "POST" and person == request.user and form.is_valid():
        data = form.cleaned_data
        try:
            time_entry_log(
                by=request.user,
                engagement=data["engagement"],
                work_date=data["work_date"],
                minutes=data["duration"],
                note=data["note"],
                billable=data["billable"],
            )
        except (ValidationError, PermissionDenied) as error:
            apply_validation_error(
                form, request, error if isinstance(error, ValidationError) else ValidationError(str(error))
            )
        else:
            messages.success(request, _("Time logged."))
            return redirect(f"{request.path}?week={monday.isoformat()}")
    return render(
        request,
        "web/timesheet.html",
        {
            "monday": monday,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "by_day": by_day,
            "total_worked": sum(e.worked_minutes for e in entries),
            "total_billed": sum(e.billed_minutes for e in entries),
            "form": form,
            "person": person,
            "staff": staff,
            "iso_week": monday.isocalendar()[1],
        },
    )


@staff_required
def entry_edit(request, pk: int):
    entry = time_entry_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    active = engagements_for(request.user, write=True, organisation=request.membership.organisation_id).active()
    engagements = active.filter(client=entry.engagement.client) | active.filter(pk=entry.engagement_id)
    initial = {
        "engagement": entry.engagement_id,
        "work_date": entry.work_date,
        "duration": f"{entry.worked_minutes // 60}:{entry.worked_minutes % 60:02d}",
        "note": entry.note,
        "billable": entry.billable,
    }
    form = TimeEntryForm(request.POST or None, engagements=engagements, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        current = {**initial, "duration": entry.worked_minutes}
        if not changed_values(current, data):
            messages.info(request, _("Nothing changed."))
            return redirect(f"/timesheet/?week={entry.work_date.isoformat()}")
        try:
            time_entry_correct(
                by=request.user,
                entry=entry,
                engagement=data["engagement"],
                task=entry.task,
                work_date=data["work_date"],
                minutes=data["duration"],
                note=data["note"],
                billable=data["billable"],
            )
        except (ValidationError, PermissionDenied) as error:
            apply_validation_error(
                form, request, error if isinstance(error, ValidationError) else ValidationError(str(error))
            )
        else:
            messages.success(request, _("Entry corrected."))
            return redirect(f"/timesheet/?week={data['work_date'].isoformat()}")
    return render(request, "web/entry_edit.html", {"form": form, "entry": entry})


@staff_required
@require_POST
def entry_delete(request, pk: int):
    entry = time_entry_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    try:
        time_entry_delete(by=request.user, entry=entry)
    except (ValidationError, PermissionDenied) as error:
        report_refusal(request, error)
    else:
        messages.success(request, _("Entry deleted."))
    return back(request, "timesheet")
