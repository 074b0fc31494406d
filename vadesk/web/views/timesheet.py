"""The week's time sheet: entries by day, totals, manual entries and corrections."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vadesk.accounts.decorators import staff_required
from vadesk.engagements.models import Engagement
from vadesk.engagements.scoping import engagements_for
from vadesk.lib.formfields import changed_values
from vadesk.lib.pages import apply_validation_error, back, report_refusal
from vadesk.lib.params import param_date, param_id
from vadesk.timesheets.consent import consent_statuses
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.scoping import time_entry_for
from vadesk.timesheets.services import (
    time_entry_correct,
    time_entry_delete,
    time_entry_log,
)
from vadesk.web.forms import TimeEntryForm
from vadesk.web.views.common import organisation_staff, url_parts

DAY_DETAIL = 40  # a day with more entries is shown summed per engagement, so the page stays bounded


def _week_rows(week, days: list[date]) -> tuple[list[tuple], dict[str, int]]:
    """Per day: (day, entries, groups, worked total); entries for an ordinary day, per-engagement sums for a
    day with more than DAY_DETAIL entries. Three queries and at most 7 × DAY_DETAIL rows of entries.

    1. The week's sums per day and engagement, grouped in the database without joins (a busy week is thousands
       of entries: joining each to its engagement and client to sort them by name cost more than the sums).
    2. The entries of the ordinary days, by their dates (only those rows, not every entry of the week).
    3. The names of the engagements summed on the busy days."""
    cells = list(
        week.values("work_date", "engagement_id")
        .annotate(worked=Sum("worked_minutes"), billed=Sum("billed_minutes"), n=Count("id"))
        .order_by()
    )
    sums: dict[date, dict[str, int]] = {}
    for cell in cells:
        day = sums.setdefault(cell["work_date"], {"worked": 0, "billed": 0, "n": 0})
        for key in ("worked", "billed", "n"):
            day[key] += cell[key] or 0
    detailed = [d for d in days if 0 < sums.get(d, {}).get("n", 0) <= DAY_DETAIL]
    summed = {d for d in days if sums.get(d, {}).get("n", 0) > DAY_DETAIL}
    # Both reads always run (a day outside the week stands in for none), so the page's query count does not
    # depend on how busy the week was.
    entries: dict[date, list] = {}
    for entry in (
        week.filter(work_date__in=detailed or [days[0] - timedelta(days=1)])
        .select_related("engagement__client", "task")
        .order_by("work_date", "started_at", "id")
    ):
        entries.setdefault(entry.work_date, []).append(entry)
    busy = [c for c in cells if c["work_date"] in summed]
    named = {
        e.pk: e
        for e in Engagement.objects.filter(pk__in={c["engagement_id"] for c in busy} or [0]).select_related("client")
    }
    groups: dict[date, list] = {}
    for cell in busy:
        engagement = named[cell["engagement_id"]]
        groups.setdefault(cell["work_date"], []).append(
            {
                **cell,
                "engagement__name": engagement.name,
                "engagement__client_id": engagement.client_id,
                "engagement__client__name": engagement.client.name,
            }
        )
    for rows in groups.values():
        rows.sort(key=lambda g: (g["engagement__client__name"], g["engagement_id"]))
    rows = [(d, entries.get(d, []), groups.get(d, []), sums.get(d, {}).get("worked") or 0) for d in days]
    totals = {
        "worked": sum(r.get("worked") or 0 for r in sums.values()),
        "billed": sum(r.get("billed") or 0 for r in sums.values()),
    }
    return rows, totals


def _week_start(request) -> date:
    day = param_date(request.GET, "week", timezone.localdate())
    return day - timedelta(days=day.weekday())


@staff_required
def timesheet(request):
    monday = _week_start(request)
    days = [monday + timedelta(days=i) for i in range(7)]
    person = request.user
    staff = None
    if request.membership.is_owner:
        staff = organisation_staff(request)
        chosen = param_id(request.GET, "person")
        if chosen is not None:
            person = staff.filter(pk=chosen).first() or person
    # The organisation's engagements as a subquery, not a join from every entry of the week to its client; tested
    # as `engagement_id + 0` so that SQLite walks the person's week (person, work_date) instead of probing every
    # engagement's (as in timesheets.scoping).
    reach = ExpressionWrapper(F("engagement_id") + 0, output_field=IntegerField())
    week = (
        TimeEntry.objects.alias(reach=reach)
        .filter(person=person, work_date__range=(days[0], days[-1]))
        .filter(reach__in=Engagement.objects.filter(client__organisation=request.membership.organisation).values("pk"))
    )
    by_day, totals = _week_rows(week, days)
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
                client_note=data["client_note"],
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
            "total_worked": totals["worked"],
            "total_billed": totals["billed"],
            "entry_url": url_parts("entry_edit"),
            # Every entry of the week is the person's: theirs to edit, or the owner's (decided once, not per row).
            "editable": person == request.user or request.membership.is_owner,
            "task_url": url_parts("task_detail"),
            "client_url": url_parts("client_detail"),
            "day_limit": DAY_DETAIL,
            "form": form,
            "person": person,
            "staff": staff,
            "iso_week": monday.isocalendar()[1],
            # What clients answered about extra hours this month, beside the form that logs time for them.
            "consents": consent_statuses(
                request.user, timezone.localdate(), organisation_id=request.membership.organisation_id
            )
            if person == request.user
            else [],
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
        "client_note": entry.client_note,
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
                client_note=data["client_note"],
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
