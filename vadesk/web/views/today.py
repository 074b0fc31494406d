"""The assistant's day: my open tasks by due date, my running timer, clients whose hours run low."""

from django.core import signing
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from vadesk.accounts.decorators import owner_required, staff_required
from vadesk.clients.scoping import clients_for
from vadesk.reports.first_run import setup_steps
from vadesk.reports.overview import SHOWN, balances_at_risk, overview
from vadesk.tasks.models import Task
from vadesk.team.cover import covering_for
from vadesk.team.scoping import handover_notes_for
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.usage import worked_today_and_this_week

TASK_LIMIT = 60
LOW_SHOWN = SHOWN  # the overview names the client of this many lines
SETUP_COOKIE = "vadesk_setup_dismissed"  # signed: the organisations whose first-run checklist this browser closed
SETUP_COOKIE_AGE = 365 * 24 * 3600
SETUP_SALT = "vadesk.setup-dismissed"


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    if request.membership is not None and request.membership.is_client_user:
        return redirect("portal:home")
    return redirect("today")


@staff_required
def today(request):
    now = timezone.localtime()
    clients = clients_for(request.user, write=True, organisation=request.membership.organisation_id)
    tasks = list(
        Task.objects.open()
        .filter(assignees=request.user, client__in=clients)
        .select_related("client")
        .order_by("due_at", "-priority", "id")[:TASK_LIMIT]
    )
    end_of_today = now.replace(hour=23, minute=59, second=59)
    groups = {
        "overdue": [t for t in tasks if t.due_at and t.due_at < now],
        "today": [t for t in tasks if t.due_at and now <= t.due_at <= end_of_today],
        "upcoming": [t for t in tasks if t.due_at and t.due_at > end_of_today],
        "undated": [t for t in tasks if not t.due_at],
    }
    running = (
        TimeEntry.objects.running().filter(person=request.user).select_related("engagement__client", "task").first()
    )
    owner = request.membership.is_owner
    practice = overview(request.user, request.membership.organisation, charts=False) if owner else None
    at_risk = practice.at_risk if practice else balances_at_risk(clients, now.date(), shown=LOW_SHOWN)
    # The week from the kept weekly cells: a busy week is thousands of entries.
    minutes_today, minutes_week = worked_today_and_this_week(request.user.pk, now.date())
    return render(
        request,
        "web/today.html",
        {
            "groups": groups,
            "task_count": len(tasks),
            "running": running,
            "low": at_risk.running_low[:LOW_SHOWN],
            "low_more": max(0, at_risk.running_low_count - LOW_SHOWN),
            "minutes_today": minutes_today,
            "minutes_week": minutes_week,
            "now": now,
            "practice": practice,
            "setup": _setup(request) if owner else None,
            "covering": covering_for(request.user, request.membership.organisation_id, now.date()),
            "handovers": _handovers(request, now.date()),
        },
    )


def _handovers(request, today):
    """Handover notes of absences not over yet that the person is the backup of, or wrote as the one away."""
    return list(
        handover_notes_for(request.user, request.membership.organisation_id)
        .filter(absence__end_date__gte=today)
        .filter(Q(backup=request.user) | Q(absence__person=request.user))
        .select_related("client", "absence__person")
        .order_by("absence__start_date", "client__name")[:20]
    )


def _dismissed(request) -> set[int]:
    try:
        value = request.get_signed_cookie(SETUP_COOKIE, default="", salt=SETUP_SALT)
    except signing.BadSignature:
        return set()
    return {int(part) for part in value.split(",") if part.isdigit()}


def _setup(request):
    """The first-run checklist, while a step is open and the owner has not dismissed it."""
    organisation_id = request.membership.organisation_id
    if organisation_id in _dismissed(request):
        return None
    steps = setup_steps(request.membership.organisation)
    return None if all(step.done for step in steps) else steps


@require_POST
@owner_required
def setup_dismiss(request):
    dismissed = sorted(_dismissed(request) | {request.membership.organisation_id})[-50:]  # bounded cookie
    response = redirect("today")
    response.set_signed_cookie(
        SETUP_COOKIE,
        ",".join(map(str, dismissed)),
        salt=SETUP_SALT,
        max_age=SETUP_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
