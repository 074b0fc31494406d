"""The client portal: what a client may see of their own work, and nothing internal."""

import math
from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Prefetch, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from vadesk.accounts.decorators import client_user_required
from vadesk.accounts.models import Membership
from vadesk.agenda.scoping import client_occurrences
from vadesk.clients.models import Assignment
from vadesk.engagements import balance as calc
from vadesk.engagements.balance import month_start
from vadesk.engagements.models import Engagement
from vadesk.engagements.pace import Projection
from vadesk.invoicing.einvoices import LABELS, PORTAL_FORMATS, formats_in_order
from vadesk.invoicing.models import ClientBilling, Invoice
from vadesk.invoicing.scoping import invoices_for
from vadesk.lib.downloads import content_disposition
from vadesk.lib.formatting import format_minutes
from vadesk.lib.pages import report_form_errors, report_refusal
from vadesk.lib.params import param_choice, param_month
from vadesk.portal.exports import worklog_csv, worklog_pdf
from vadesk.reports.models import MonthlyReport, Rating
from vadesk.reports.monthly import report_for, reports_for
from vadesk.reports.pdf import report_data, report_pdf
from vadesk.reports.ratings import rating_give
from vadesk.tasks.models import Comment, Status, Task
from vadesk.tasks.scoping import task_for
from vadesk.tasks.services import comment_add, task_request
from vadesk.team.cover import help_lines_for_client
from vadesk.timesheets.balances import balances_of, terms_of
from vadesk.timesheets.consent import Decision, consent_answer, consent_for, decisions_of, waiting_consents
from vadesk.timesheets.models import OverageConsent
from vadesk.timesheets.pace import projections_of
from vadesk.timesheets.worklog import GROUPINGS, ClientNames, WorkLog, work_log


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
    return param_month(request.GET, "month", timezone.localdate())


@dataclass(frozen=True)
class EngagementRow:
    engagement: Engagement
    balance: calc.Balance
    pace: str  # how long the hours last, in words; only for the current month
    expiring: int  # minutes that are gone at the end of this month if unused
    answer: str = ""  # what the client answered about extra hours this month, in words


@dataclass(frozen=True)
class Waiting:
    task: Task
    question: Comment | None  # the team's latest client-visible comment: what they asked
    asked_by: str = ""  # who asked, as the organisation shows names


@dataclass(frozen=True)
class TeamMember:
    name: str  # as the organisation shows names: full, first name only, or "your team"
    initials: str
    role: str


def _team(client, shown: ClientNames) -> list[TeamMember]:
    """The client's team, lead first; with names hidden, only what each one does."""
    assignments = client.assignments.select_related("person").order_by(
        Case(When(role=Assignment.Role.LEAD, then=0), default=1), "created_at"
    )
    team = []
    for assignment in assignments:
        name = shown(assignment.person)
        initials = assignment.person.initials if shown.names == "full" else name[:1].upper()
        team.append(TeamMember(name, initials, assignment.get_role_display()))
    return team


def pace_text(engagement: Engagement, projection: Projection | None) -> str:
    """The projection in plain words: how long the hours last at the client's usual pace."""
    if projection is None or projection.remaining is None:
        return ""
    if projection.remaining == 0:
        return ""
    if not projection.minutes_per_week:
        return _("No hours used in the last four weeks.")
    per_week = format_minutes(projection.minutes_per_week)
    if engagement.kind == Engagement.Kind.RETAINER:
        if projection.lasts_the_period or projection.runs_out_on is None:
            return _("At this pace (about %(per_week)s a week) your hours last the month.") % {"per_week": per_week}
        return _("At this pace (about %(per_week)s a week) this month's hours last until %(day)s.") % {
            "per_week": per_week,
            "day": date_format(projection.runs_out_on, "j F"),
        }
    text = _("%(left)s left, that is %(span)s at your usual pace (about %(per_week)s a week).") % {
        "left": format_minutes(projection.remaining),
        "span": _span(projection.days_left or 0),
        "per_week": per_week,
    }
    if projection.lasts_the_period and projection.period_end is not None:
        text += " " + _("Hours left on %(day)s expire then.") % {"day": date_format(projection.period_end, "j F Y")}
    return text


def _span(days: int) -> str:
    if days < 1:
        return _("less than a day")
    if days < 6:
        return ngettext("about %(n)d day", "about %(n)d days", days) % {"n": days}
    weeks = math.floor(days / 7 + 0.5)
    return ngettext("about %(n)d week", "about %(n)d weeks", weeks) % {"n": weeks}


@client_user_required
def home(request):
    """At a glance: hours used and left with the pace, what waits on the client, the team, what comes next."""
    client = request.portal_client
    today = timezone.localdate()
    on = _month(request)
    engagements = list(client.engagements.exclude(status="draft"))
    balances = balances_of(engagements, on)
    current = month_start(on) == month_start(today)
    projections = projections_of(engagements, balances, today) if current else {}
    decisions = decisions_of(engagements, on)
    tasks = Task.objects.filter(client=client).prefetch_related("assignees")
    shown = ClientNames(client)
    return render(
        request,
        "portal/home.html",
        {
            "client": client,
            "on": on,
            "today": today,
            "engagement_rows": [
                EngagementRow(
                    e,
                    balances[e.pk],
                    pace_text(e, projections.get(e.pk)),
                    _expiring(e, balances[e.pk], on),
                    _answer_text(decisions.get(e.pk), balances[e.pk], on),
                )
                for e in engagements
            ],
            "waiting": _waiting_on(client, shown),
            "consents": waiting_consents(client),
            "reports": _sent_reports(request)[:3],
            "team": _team(client, shown),
            "names": shown.names,
            "help_lines": help_lines_for_client(client, today),
            "appointments": (
                client_occurrences(client).filter(start__gte=timezone.now()).exclude(status="CANCELLED")[:5]
            ),
            "invoices": _latest_invoices(request),
            "einvoice_formats": _einvoice_formats(client),
            "open_tasks": tasks.open().exclude(status=Status.WAITING).order_by("due_at", "-created_at")[:50],
            "done_tasks": tasks.filter(status="done").order_by("-closed_at")[:20],
            "form": RequestForm(),
            "reply_form": ReplyForm(),
        },
    )


def _answer_text(decision: Decision | None, balance: calc.Balance, on: date) -> str:
    """The client's own answer for the month, as the client reads it beside the engagement's hours."""
    if decision is None:
        return ""
    month = date_format(on, "F")
    answer = decision.consent.answer
    if answer == OverageConsent.Answer.STOP:
        return _("You asked your team to stop at the limit in %(month)s.") % {"month": month}
    if answer == OverageConsent.Answer.BUNDLE:
        return _("You ordered a new bundle in %(month)s; your team prepares it.") % {"month": month}
    left = max(0, (balance.available or 0) + decision.extra_minutes - balance.used)
    return _("You allowed %(extra)s extra hours in %(month)s: %(left)s left.") % {
        "extra": format_minutes(decision.extra_minutes),
        "month": month,
        "left": format_minutes(left),
    }


def _expiring(engagement: Engagement, balance: calc.Balance, on: date) -> int:
    """What is lost at the end of the month if it is not used: a retainer's hours that do not roll over, or
    what is left of a bundle or project that expires this month."""
    if balance.remaining is None:
        return 0
    if engagement.kind == Engagement.Kind.RETAINER:
        return max(0, balance.remaining - calc.rolls_into_next_month(terms_of(engagement), balance))
    ends = engagement.expires_on or engagement.ends_on
    if ends is not None and month_start(ends) == month_start(on):
        return balance.remaining
    return 0


def _waiting_on(client, shown: ClientNames) -> list[Waiting]:
    """Tasks waiting for the client, each with the question the team asked (never an internal comment)."""
    asked = Prefetch(
        "comments",
        queryset=Comment.objects.filter(visibility=Comment.Visibility.CLIENT)
        .exclude(author__memberships__role=Membership.Role.CLIENT)
        .select_related("author")
        .order_by("-created_at", "-id"),
        to_attr="asked",
    )
    tasks = Task.objects.filter(client=client, status=Status.WAITING).prefetch_related(asked).order_by("due_at", "pk")
    found = []
    for task in tasks[:20]:
        question = task.asked[0] if task.asked else None
        found.append(Waiting(task, question, shown(question.author) if question and question.author else ""))
    return found


def _latest_invoices(request) -> list[tuple[Invoice, str]]:
    """The client's three latest invoices to it (not those issued in its name), each with its state."""
    found = (
        invoices_for(request.user)
        .final()
        .filter(client=request.portal_client, buyer__isnull=True)
        .with_amount_due()
        .order_by("-issue_date", "-number")[:3]
    )
    today = timezone.localdate()
    return [(invoice, _state(invoice, today)) for invoice in found]


def _einvoice_formats(client) -> list[tuple[str, str]]:
    """The e-invoice formats the portal offers beside the PDF, the client's preferred one first."""
    preferred = ClientBilling.objects.filter(client=client).values_list("einvoice_format", flat=True).first()
    return [(f, LABELS[f]) for f in formats_in_order(PORTAL_FORMATS, preferred)]


def _state(invoice: Invoice, today: date) -> str:
    if invoice.is_credit_note:
        return ""
    if invoice.paid_at or invoice.amount_due <= 0:  # type: ignore[attr-defined]  # annotated by with_amount_due
        return "paid"
    if invoice.due_date and invoice.due_date < today:
        return "overdue"
    return "open"


def _work_log(request) -> WorkLog:
    return work_log(
        request.portal_client, _month(request), grouping=param_choice(request.GET, "group", GROUPINGS, "task")
    )


@client_user_required
def hours(request):
    """The work log in plain words: the month's hours by task or category, with the notes meant for the client."""
    client = request.portal_client
    log = _work_log(request)
    engagements = list(client.engagements.exclude(status="draft"))
    balances = balances_of(engagements, log.month)
    return render(
        request,
        "portal/hours.html",
        {
            "client": client,
            "on": log.month,
            "log": log,
            "groupings": [("task", _("By task")), ("category", _("By category"))],
            "engagement_rows": [(e, balances[e.pk]) for e in engagements],
        },
    )


@client_user_required
def hours_export(request, fmt: str):
    """The month's work log as CSV or PDF, for the client's own administration."""
    log = _work_log(request)
    stem = "-".join((_("work-log"), log.client.name, f"{log.month:%Y-%m}"))
    if fmt == "csv":
        content, name, kind = worklog_csv(log), f"{stem}.csv", "text/csv; charset=utf-8"
    elif fmt == "pdf":
        content, name, kind = worklog_pdf(log), f"{stem}.pdf", "application/pdf"
    else:
        raise Http404
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = content_disposition(name)
    return response


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
    shown = ClientNames(task.client)
    comments = [
        (comment, shown(comment.author))
        for comment in task.comments.filter(visibility=Comment.Visibility.CLIENT).select_related("author")
    ]
    entries = [
        (entry, shown(entry.person))
        for entry in task.time_entries.counted().select_related("person").order_by("work_date", "id")[:500]
    ]
    mine = Rating.objects.filter(task=task, by=request.user).first()
    return render(
        request,
        "portal/task.html",
        {"task": task, "comments": comments, "entries": entries, "form": form, "my_rating": mine},
    )


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


@client_user_required
@require_POST
def consent_answer_view(request, pk: int):
    """The client's answer to "may we go on beyond your hours this month?"."""
    consent = consent_for(request.user, pk)
    if consent.engagement.client_id != request.portal_client.pk:
        raise Http404  # the portal answers for one client at a time: the membership's
    try:
        consent_answer(
            by=request.user,
            consent=consent,
            answer=request.POST.get("answer", "")[:10],
            extra_hours=request.POST.get("extra_hours", "")[:10],
        )
    except (ValidationError, PermissionDenied) as error:
        report_refusal(request, error)
    else:
        messages.success(request, _("Thank you, your team knows your answer."))
    return redirect("portal:home")


def _portal_report(request, pk: int) -> MonthlyReport:
    report = report_for(request.user, pk)
    if report.client_id != request.portal_client.pk or report.sent_at is None:
        raise Http404  # the portal shows one client's reports, once they went out
    return report


def _sent_reports(request):
    return reports_for(request.user).filter(client=request.portal_client, sent_at__isnull=False).order_by("-month")


@client_user_required
def reports(request):
    """Every monthly report that went out to the client, newest first."""
    return render(request, "portal/reports.html", {"reports": _sent_reports(request)[:120]})


@client_user_required
def report_detail(request, pk: int):
    report = _portal_report(request, pk)
    mine = report.ratings.filter(by=request.user).first()
    return render(request, "portal/report.html", {"report": report, "data": report_data(report), "my_rating": mine})


@client_user_required
def report_download(request, pk: int):
    report = _portal_report(request, pk)
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition("-".join((_("report"), f"{report.month:%Y-%m}.pdf")))
    return response


def _score(request) -> int:
    value = request.POST.get("score", "")
    return int(value) if value.isdigit() and len(value) == 1 else 0


@client_user_required
@require_POST
def task_rate(request, pk: int):
    """A word back on a task that is done: one to five and a comment."""
    task = task_for(request.user, pk)
    if task.client_id != request.portal_client.pk:
        raise Http404
    _rate(request, task=task)
    return redirect("portal:task", pk=task.pk)


@client_user_required
@require_POST
def report_rate(request, pk: int):
    report = _portal_report(request, pk)
    _rate(request, report=report)
    return redirect("portal:report", pk=report.pk)


def _rate(request, **rated) -> None:
    try:
        rating_give(by=request.user, score=_score(request), comment=request.POST.get("comment", "")[:2000], **rated)
    except (ValidationError, PermissionDenied) as error:
        report_refusal(request, error)
    else:
        messages.success(request, _("Thank you for your rating."))
