"""Task board and the task page: workflow, comments, checklist, timer and hours."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from vadesk.accounts.decorators import staff_required
from vadesk.accounts.models import Person
from vadesk.clients.scoping import clients_for
from vadesk.engagements.scoping import engagements_for
from vadesk.lib.formatting import format_minutes
from vadesk.lib.formfields import changed_values
from vadesk.lib.pages import apply_validation_error, back, report_refusal
from vadesk.lib.params import param_choice, param_id, param_int
from vadesk.tasks.models import NEXT_STEPS, OPEN_STATUSES, Category, ChecklistItem, Priority, Status, Task
from vadesk.tasks.open_work import open_work_batch
from vadesk.tasks.routing import describe as describe_routing
from vadesk.tasks.scoping import task_for, tasks_for
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
from vadesk.web.views.common import organisation_staff, url_parts

BOARD_COLUMNS = [Status.NEW, Status.PLANNED, Status.IN_PROGRESS, Status.WAITING, Status.DONE]
DONE_ON_BOARD = 20
DONE_DAYS = 14  # the done column shows what was closed in the last two weeks, so it reads a bounded slice
# Cards per open column: the board renders each with its buttons (about 0.7 ms a card), so 4 columns of 100 took
# 300 ms for a busy assistant. The column says when there are more; the filters narrow it.
OPEN_ON_BOARD = 40
CARD_FIELDS = ("title", "category", "priority", "due_at", "status", "client__name")  # what a card shows


@staff_required
def board(request):
    organisation_id = request.membership.organisation_id
    clients = clients_for(request.user, write=True, organisation=organisation_id)
    staff = organisation_staff(request)
    filters = _board_filters(request, staff)
    tasks = Task.objects.filter(client__in=clients).select_related("client").only(*CARD_FIELDS)
    tasks = filter_tasks(tasks, filters, request.user)
    task_url, move_url = url_parts("task_detail"), url_parts("task_move")
    columns, cards_shown = [], []
    for status in BOARD_COLUMNS:
        column = tasks.filter(status=status)
        column = (
            column.filter(closed_at__gte=timezone.now() - timedelta(days=DONE_DAYS)).order_by("-closed_at")[
                :DONE_ON_BOARD
            ]
            if status == Status.DONE
            else column.order_by("due_at", "-priority", "id")[: OPEN_ON_BOARD + 1]
        )
        # One card beyond the column's share says that there are more, without counting them all (a count of a
        # busy practice's open tasks cost more than the cards).
        cards = list(column)
        shown = cards[:OPEN_ON_BOARD]
        more = status != Status.DONE and len(cards) > OPEN_ON_BOARD
        # Up to 200 cards: each card's URLs are built from a prefix reversed once per page, and a column's move
        # buttons (the same steps for every card of a status) are labelled once per column.
        for task in shown:
            task.url = f"{task_url[0]}{task.pk}{task_url[1]}"
            task.move_url = f"{move_url[0]}{task.pk}{move_url[1]}"
        steps = [(step, Status(step).label) for step in NEXT_STEPS[status]] if status in OPEN_STATUSES else []
        columns.append((status, Status(status).label, shown, more, steps))
        cards_shown += shown
    # The assignees of every card in one query, not one a column: the count no longer depends on which are empty.
    prefetch_related_objects(
        cards_shown, Prefetch("assignees", queryset=Person.objects.only("id", "full_name", "email"))
    )
    return render(
        request,
        "web/board.html",
        {
            "columns": columns,
            "done_days": DONE_DAYS,
            "filter_query": filter_query(filters),
            "statuses": [(s, Status(s).label) for s in [*BOARD_COLUMNS, Status.CANCELLED]],
            "scope": filters["scope"],
            "filters": filters,
            "client_options": client_options(clients, filters["client"]),
            "staff": staff,
            "categories": Category.choices,
            "priorities": Priority.choices,
            "due_choices": DUE_CHOICES,
            "filtered": any(filters[k] for k in ("client", "assignee", "category", "priority", "due")),
        },
    )


def client_options(clients, chosen: str) -> str:
    """The client filter's options, one per client in reach (an owner's 1,000): ids and names only, joined in
    one pass instead of a template loop over 1,000 model instances (a third of the owner's board)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (pk, " selected" if str(pk) == chosen else "", name)
            for pk, name in clients.order_by("name", "pk").values_list("pk", "name")
        ),
    )


DONE_PAGE_SIZE = 50
MAX_PAGE = 10_000


@staff_required
def done_list(request):
    """Every done task of the board's scope and filters, newest first, a page at a time: the rest of the done column."""
    organisation_id = request.membership.organisation_id
    clients = clients_for(request.user, write=True, organisation=organisation_id)
    filters = _board_filters(request, organisation_staff(request))
    tasks = filter_tasks(Task.objects.filter(client__in=clients, status=Status.DONE), filters, request.user)
    page = Paginator(
        tasks.select_related("client")
        .prefetch_related(Prefetch("assignees", queryset=Person.objects.only("id", "full_name", "email")))
        .order_by("-closed_at", "-id"),
        DONE_PAGE_SIZE,
    ).get_page(param_int(request.GET, "page", 1, lo=1, hi=MAX_PAGE))
    return render(request, "web/done_list.html", {"page": page, "query": filter_query(filters), "filters": filters})


def filter_query(filters: dict) -> str:
    """The board's filters as a query string, from their checked values only."""
    return urlencode({name: value for name, value in filters.items() if value})


DUE_CHOICES = [
    ("overdue", gettext_lazy("Overdue")),
    ("today", gettext_lazy("Due today")),
    ("week", gettext_lazy("Due within 7 days")),
    ("none", gettext_lazy("No due date")),
]


def _board_filters(request, staff) -> dict:
    """The board's filters from the query string (read by vadesk.lib.params); anything malformed is no filter."""
    scope = param_choice(request.GET, "scope", ["mine", "all"], "mine")
    client = param_id(request.GET, "client")
    assignee = param_id(request.GET, "assignee")
    priority = param_id(request.GET, "priority")
    staff_ids = set(staff.values_list("pk", flat=True)) if assignee else set()
    return {
        # A chosen assignee means everyone's tasks on my clients, filtered to theirs.
        "scope": "all" if assignee in staff_ids else scope,
        "client": str(client) if client else "",
        "assignee": str(assignee) if assignee in staff_ids else "",
        "category": param_choice(request.GET, "category", Category.values, ""),
        "priority": str(priority) if priority in Priority.values else "",
        "due": param_choice(request.GET, "due", [key for key, _label in DUE_CHOICES], ""),
    }


def filter_tasks(tasks, filters: dict, person: Person):
    if filters["scope"] == "mine":
        tasks = tasks.filter(assignees=person)
    if filters["assignee"]:
        tasks = tasks.filter(assignees=int(filters["assignee"]))
    if filters["client"]:
        tasks = tasks.filter(client_id=int(filters["client"]))
    if filters["category"]:
        tasks = tasks.filter(category=filters["category"])
    if filters["priority"]:
        tasks = tasks.filter(priority=int(filters["priority"]))
    if filters["due"]:
        now = timezone.localtime()
        end_of_today = now.replace(hour=23, minute=59, second=59, microsecond=999999)
        tasks = {
            "overdue": lambda: tasks.filter(due_at__lt=now),
            "today": lambda: tasks.filter(
                due_at__gte=now.replace(hour=0, minute=0, second=0), due_at__lte=end_of_today
            ),
            "week": lambda: tasks.filter(due_at__gte=now, due_at__lte=now + timedelta(days=7)),
            "none": lambda: tasks.filter(due_at__isnull=True),
        }[filters["due"]]()
    return tasks


BULK_LIMIT = 100


@staff_required
@require_POST
def board_bulk(request):
    """Assign, move or close the ticked tasks, all or none: each through the tasks service, which decides."""
    organisation_id = request.membership.organisation_id
    ids = {int(pk) for pk in request.POST.getlist("tasks")[: BULK_LIMIT + 1] if pk.isdigit()}
    action = request.POST.get("action", "")
    if not ids:
        messages.error(request, _("Tick the tasks first."))
        return back(request, "board")
    if len(ids) > BULK_LIMIT:
        messages.error(request, _("At most %(limit)d tasks at a time.") % {"limit": BULK_LIMIT})
        return back(request, "board")
    tasks = list(
        tasks_for(request.user, write=True, organisation=organisation_id)
        .filter(pk__in=ids)
        .select_related("client")
        .prefetch_related("assignees")
        .order_by("pk")  # one order for every request: row locks taken in the same sequence
    )
    if len(tasks) != len(ids):
        raise Http404  # an id out of reach: the same answer as for one that does not exist
    try:
        with transaction.atomic(), open_work_batch():
            for task in tasks:
                _bulk_apply(request, task, action)
    except (ValidationError, PermissionDenied) as error:
        report_refusal(request, error)
        return back(request, "board")
    messages.success(
        request,
        ngettext("%(count)d task changed.", "%(count)d tasks changed.", len(tasks)) % {"count": len(tasks)},
    )
    return back(request, "board")


def _bulk_apply(request, task: Task, action: str) -> None:
    kind, _sep, value = action.partition(":")
    if kind == "assign" and value.isdigit():
        person = organisation_staff(request).filter(pk=int(value)).first()
        if person is None:
            raise ValidationError(_("Choose someone of the team."))
        current = list(task.assignees.all())
        if person not in current:
            task_update(by=request.user, task=task, assignees=[*current, person])
    elif kind == "move" and value in Status.values:
        if task.status != value:
            task_transition(by=request.user, task=task, to=value)
    elif kind == "close":
        if task.status != Status.DONE:
            task_transition(by=request.user, task=task, to=Status.DONE)
    else:
        raise ValidationError(_("Choose what to do with the ticked tasks."))


@staff_required
def task_new(request):
    clients = clients_for(request.user, write=True, organisation=request.membership.organisation_id)
    initial = {"client": param_id(request.GET, "client"), "assignees": [request.user.pk]}
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
        "routing": [(note.at, describe_routing(note.reason)) for note in task.routing_notes.all()],
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
