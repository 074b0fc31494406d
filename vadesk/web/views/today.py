"""The assistant's day: my open tasks by due date, my running timer, clients whose hours run low."""

from datetime import timedelta

from django.db.models import Sum
from django.shortcuts import redirect, render
from django.utils import timezone

from vadesk.accounts.decorators import staff_required
from vadesk.clients.scoping import clients_for
from vadesk.engagements.models import Engagement
from vadesk.tasks.models import Task
from vadesk.timesheets.balances import balances_of
from vadesk.timesheets.models import TimeEntry

TASK_LIMIT = 60
LOW_SHOWN = 10


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
    low = low_balances(clients, now.date())
    week_start = now.date() - timedelta(days=now.weekday())
    logged = dict(
        TimeEntry.objects.filter(person=request.user, work_date__gte=week_start, work_date__lte=now.date())
        .values("work_date")
        .annotate(minutes=Sum("worked_minutes"))
        .values_list("work_date", "minutes")
        .order_by()
    )
    return render(
        request,
        "web/today.html",
        {
            "groups": groups,
            "task_count": len(tasks),
            "running": running,
            "low": low[:LOW_SHOWN],
            "low_more": max(0, len(low) - LOW_SHOWN),
            "minutes_today": logged.get(now.date(), 0),
            "minutes_week": sum(logged.values()),
            "now": now,
        },
    )


def low_balances(clients, on):
    """Engagements at 80 % or more of their hours, worst first."""
    engagements = list(
        Engagement.objects.active()
        .filter(client__in=clients)
        .exclude(kind=Engagement.Kind.HOURLY)
        .select_related("client")
    )
    balances = balances_of(engagements, on)
    low = [(e, balances[e.pk]) for e in engagements if balances[e.pk].level != "ok"]
    return sorted(low, key=lambda pair: -(pair[1].percent_used or 0))
