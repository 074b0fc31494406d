"""The client portal: what a client may see of their own work, and nothing internal."""

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vadesk.accounts.decorators import client_user_required
from vadesk.engagements.balance import month_end, month_start
from vadesk.lib.pages import report_form_errors, report_refusal
from vadesk.tasks.models import Comment, Task
from vadesk.tasks.scoping import task_for
from vadesk.tasks.services import comment_add, task_request
from vadesk.timesheets.balances import balances_of
from vadesk.timesheets.models import TimeEntry


class RequestForm(forms.Form):
    title = forms.CharField(max_length=200, label=gettext_lazy("What can we do for you?"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, label=gettext_lazy("Details")
    )
    due_at = forms.DateTimeField(
        required=False,
        label=gettext_lazy("Needed by"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("Your reply"))


def _month(request) -> date:
    try:
        return date.fromisoformat(request.GET["month"] + "-01")
    except (KeyError, ValueError):
        return timezone.localdate()


@client_user_required
def home(request):
    client = request.portal_client
    on = _month(request)
    engagements = list(client.engagements.exclude(status="draft"))
    balances = balances_of(engagements, on)
    tasks = Task.objects.filter(client=client).prefetch_related("assignees")
    return render(
        request,
        "portal/home.html",
        {
            "client": client,
            "on": on,
            "engagement_rows": [(e, balances[e.pk]) for e in engagements],
            "open_tasks": tasks.open().order_by("due_at", "-created_at")[:50],
            "done_tasks": tasks.filter(status="done").order_by("-closed_at")[:20],
            "form": RequestForm(),
        },
    )


@client_user_required
def hours(request):
    client = request.portal_client
    on = _month(request)
    entries = (
        TimeEntry.objects.counted()
        .filter(engagement__client=client, work_date__range=(month_start(on), month_end(on)))
        .select_related("person", "task", "engagement")
        .order_by("-work_date", "-id")
    )
    engagements = list(client.engagements.exclude(status="draft"))
    balances = balances_of(engagements, on)
    return render(
        request,
        "portal/hours.html",
        {
            "client": client,
            "on": on,
            "entries": entries,
            "engagement_rows": [(e, balances[e.pk]) for e in engagements],
            "total": sum(e.billed_minutes for e in entries),
        },
    )


@client_user_required
def task_detail(request, pk: int):
    task = task_for(request.user, pk)
    if task.client_id != request.portal_client.pk:
        raise Http404  # the portal shows one client at a time: the membership's
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        comment_add(by=request.user, task=task, body=form.cleaned_data["body"], visibility=Comment.Visibility.CLIENT)
        messages.success(request, _("Thank you, your reply was sent to your assistant."))
        return redirect("portal:task", pk=task.pk)
    comments = task.comments.filter(visibility=Comment.Visibility.CLIENT).select_related("author")
    entries = task.time_entries.counted().select_related("person")
    return render(request, "portal/task.html", {"task": task, "comments": comments, "entries": entries, "form": form})


@client_user_required
@require_POST
def request_new(request):
    form = RequestForm(request.POST)
    if form.is_valid():
        try:
            task = task_request(
                by=request.user,
                client=request.portal_client,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                due_at=form.cleaned_data["due_at"],
            )
        except ValidationError as error:
            report_refusal(request, error)
        else:
            messages.success(
                request, _("Thank you! Your request “%(title)s” is with your team.") % {"title": task.title}
            )
            return redirect("portal:home")
    else:
        report_form_errors(request, form)
    return redirect("portal:home")
