"""Task board and the task page: workflow, comments, checklist, timer and hours."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vadesk.accounts.decorators import staff_required
from vadesk.accounts.models import Person
from vadesk.clients.scoping import clients_for
from vadesk.engagements.scoping import engagements_for
from vadesk.lib.formatting import format_minutes
from vadesk.lib.formfields import changed_values
from vadesk.lib.pages import apply_validation_error, back, report_refusal
from vadesk.tasks.models import ChecklistItem, Status, Task
from vadesk.tasks.scoping import task_for
from vadesk.tasks.services import (
    checklist_item_add,
    checklist_item_toggle,
    comment_add,
    task_create,
    task_transition,
    task_update,
)
from vadesk.timesheets.consent import consent_status_text
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.services import client_note_default, time_entry_log, timer_discard, timer_start, timer_stop
from vadesk.web.forms import (
    ChecklistItemForm,
    CommentForm,
    TaskEditForm,
    TaskForm,
    TimeEntryForm,
    TimerForm,
)
from vadesk.web.views.common import organisation_staff

BOARD_COLUMNS = [Status.NEW, Status.PLANNED, Status.IN_PROGRESS, Status.WAITING, Status.DONE]
DONE_ON_BOARD = 20
DONE_DAYS = 14  # the done column shows what was closed in the last two weeks, so it reads a bounded slice
OPEN_ON_BOARD = 100


@staff_required
def board(request):
    scope = request.GET.get("scope", "mine")
    tasks = (
        Task.objects.filter(
            client__in=clients_for(request.user, write=True, organisation=request.membership.organisation_id)
        )
        .select_related("client")
        .prefetch_related(Prefetch("assignees", queryset=Person.objects.only("id", "full_name", "email")))
    )
    if scope == "mine":
        tasks = tasks.filter(assignees=request.user)
    client_id = request.GET.get("client")
    if client_id and client_id.isdigit():
        tasks = tasks.filter(client_id=int(client_id))
    columns = []
    for status in BOARD_COLUMNS:
        column = tasks.filter(status=status)
        column = (
            column.filter(closed_at__gte=timezone.now() - timedelta(days=DONE_DAYS)).order_by("-closed_at")[
                :DONE_ON_BOARD
            ]
            if status == Status.DONE
            else column.order_by("due_at", "-priority", "id")[:OPEN_ON_BOARD]
        )
        columns.append((status, Status(status).label, list(column)))
    return render(
        request,
        "web/board.html",
        {
            "columns": columns,
            "status_labels": dict(Status.choices),
            "scope": scope,
            "clients": clients_for(request.user, write=True, organisation=request.membership.organisation_id).only(
                "id", "name"
            ),
            "client_id": client_id,
        },
    )


@staff_required
def task_new(request):
    clients = clients_for(request.user, write=True, organisation=request.membership.organisation_id)
    initial = {"client": request.GET.get("client"), "assignees": [request.user.pk]}
    form = TaskForm(request.POST or None, clients=clients, staff=organisation_staff(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = task_create(
                by=request.user,
                client=data["client"],
                title=data["title"],
                description=data["description"],
                category=data["category"],
                priority=data["priority"],
                due_at=data["due_at"],
                source=data["source"],
                engagement=data["engagement"],
                assignees=data["assignees"],
                checklist=data["checklist"].splitlines(),
            )
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            messages.success(request, _("Task created."))
            return redirect("task_detail", pk=task.pk)
    return render(request, "web/form_page.html", {"form": form, "title": _("New task"), "back": "board"})


@staff_required
def task_edit(request, pk: int):
    task = task_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    clients = clients_for(request.user, write=True, organisation=request.membership.organisation_id).filter(
        pk=task.client_id
    )
    initial = {
        "client": task.client_id,
        "title": task.title,
        "description": task.description,
        "category": task.category,
        "priority": task.priority,
        "due_at": timezone.localtime(task.due_at) if task.due_at else None,
        "engagement": task.engagement_id,
        "assignees": list(task.assignees.values_list("pk", flat=True)),
    }
    form = TaskEditForm(request.POST or None, clients=clients, staff=organisation_staff(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        current = {**initial, "due_at": task.due_at}
        changes = changed_values(current, {k: form.cleaned_data[k] for k in form.fields})
        try:
            if changes:
                task_update(by=request.user, task=task, **changes)
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            if not changes:
                messages.info(request, _("Nothing changed."))
            return redirect("task_detail", pk=task.pk)
    return render(request, "web/form_page.html", {"form": form, "title": _("Edit task"), "task": task})


def _task_context(request, task: Task) -> dict:
    running = TimeEntry.objects.running().filter(person=request.user).select_related("task").first()
    engagements = (
        engagements_for(request.user, write=True, organisation=request.membership.organisation_id)
        .active()
        .filter(client=task.client)
    )
    return {
        "task": task,
        "comments": task.comments.select_related("author"),
        "checklist": task.checklist.all(),
        "transitions": task.transitions.select_related("by"),
        "entries": task.time_entries.select_related("person").order_by("-work_date", "-id"),
        "running": running,
        "running_here": running is not None and running.task_id == task.pk,
        "comment_form": CommentForm(),
        "checklist_form": ChecklistItemForm(),
        "time_form": TimeEntryForm(
            engagements=engagements,
            initial={
                "engagement": task.engagement_id,
                "work_date": timezone.localdate(),
                "billable": True,
                "client_note": client_note_default(task),
            },
        ),
        "timer_form": TimerForm(initial={"client_note": client_note_default(task)}),
        # Issue 11: what the client decided about extra hours this month, where the assistant logs time.
        "consent_status": consent_status_text(task.engagement, timezone.localdate()) if task.engagement else "",
        "status_choices": [(s, Status(s).label) for s in task.allowed_transitions()],
    }


@staff_required
def task_detail(request, pk: int):
    task = task_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    return render(request, "web/task_detail.html", _task_context(request, task))


@staff_required
@require_POST
def task_move(request, pk: int):
    task = task_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    try:
        task = task_transition(by=request.user, task=task, to=request.POST.get("to", ""))
    except ValidationError as error:
        apply_validation_error(None, request, error)
    return back(request, "task_detail", pk=task.pk)


@staff_required
@require_POST
def comment_new(request, pk: int):
    task = task_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment_add(
                by=request.user, task=task, body=form.cleaned_data["body"], visibility=form.cleaned_data["visibility"]
            )
        except (ValidationError, PermissionDenied) as error:
            report_refusal(request, error)
    else:
        messages.error(request, _("Write something first."))
    return redirect("task_detail", pk=task.pk)


@staff_required
@require_POST
def checklist_new(request, pk: int):
    task = task_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    form = ChecklistItemForm(request.POST)
    if form.is_valid():
        checklist_item_add(by=request.user, task=task, text=form.cleaned_data["text"])
    if request.htmx:
        return render(
            request,
            "web/_checklist.html",
            {"task": task, "checklist": task.checklist.all(), "checklist_form": ChecklistItemForm()},
        )
    return redirect("task_detail", pk=task.pk)


@staff_required
@require_POST
def checklist_toggle(request, pk: int, item_pk: int):
    task = task_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    checklist_item_toggle(by=request.user, item=get_object_or_404(ChecklistItem, pk=item_pk, task=task))
    if request.htmx:
        return render(
            request,
            "web/_checklist.html",
            {"task": task, "checklist": task.checklist.all(), "checklist_form": ChecklistItemForm()},
        )
    return redirect("task_detail", pk=task.pk)


@staff_required
@require_POST
def task_timer_start(request, pk: int):
    task = task_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    engagement = task.engagement
    if engagement is None:
        messages.error(request, _("Link this task to an engagement before timing it."))
        return redirect("task_detail", pk=task.pk)
    try:
        form = TimerForm(request.POST)
        notes = form.cleaned_data if form.is_valid() else {"note": "", "client_note": ""}
        timer_start(
            by=request.user, engagement=engagement, task=task, note=notes["note"], client_note=notes["client_note"]
        )
    except (ValidationError, PermissionDenied) as error:
        report_refusal(request, error)
    return back(request, "task_detail", pk=task.pk)


@staff_required
@require_POST
def timer_stop_view(request):
    entry = TimeEntry.objects.running().filter(person=request.user).first()
    if entry is None:
        messages.info(request, _("No timer is running."))
        return back(request, "today")
    billable = None if request.POST.get("billable", "") == "" else request.POST.get("billable") == "1"
    try:
        entry = timer_stop(by=request.user, entry=entry, billable=billable)
    except ValidationError as error:
        report_refusal(request, error)
    else:
        messages.success(
            request,
            _("Logged %(time)s on %(client)s.")
            % {"time": format_minutes(entry.worked_minutes), "client": entry.engagement.client.name},
        )
    return back(request, "today")


@staff_required
@require_POST
def timer_discard_view(request):
    entry = TimeEntry.objects.running().filter(person=request.user).first()
    if entry is None:
        messages.info(request, _("No timer is running."))
    else:
        try:
            timer_discard(by=request.user, entry=entry)
        except (ValidationError, PermissionDenied) as error:
            report_refusal(request, error)
        else:
            messages.success(request, _("Timer discarded; nothing was logged."))
    return back(request, "today")


@staff_required
@require_POST
def task_log_time(request, pk: int):
    task = task_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    form = TimeEntryForm(
        request.POST,
        engagements=engagements_for(request.user, write=True, organisation=request.membership.organisation_id)
        .active()
        .filter(client=task.client),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            time_entry_log(
                by=request.user,
                engagement=data["engagement"],
                task=task,
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
            return redirect("task_detail", pk=task.pk)
    # The refusal on the open form, with what was typed, instead of a message over an empty one.
    context = _task_context(request, task) | {"time_form": form, "time_open": True}
    return render(request, "web/task_detail.html", context)
