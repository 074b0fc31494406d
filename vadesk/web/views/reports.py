"""The team's side of the monthly report: every report of a client, a preview before it goes, the lead's
highlights and next month's focus, and an owner's rebuild (vadesk/reports/monthly.py decides who may)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vadesk.accounts.decorators import staff_required
from vadesk.clients.scoping import client_for
from vadesk.engagements.balance import month_start
from vadesk.lib.downloads import content_disposition
from vadesk.lib.pages import apply_validation_error, report_refusal
from vadesk.lib.params import param_month
from vadesk.reports.models import MonthlyReport
from vadesk.reports.monthly import (
    MAX_NOTES,
    is_owner,
    may_write_notes,
    previous_month,
    report_build,
    report_for,
    report_notes_edit,
    report_regenerate,
    reports_for,
    send_day,
)
from vadesk.reports.pdf import report_data, report_pdf


class NotesForm(forms.Form):
    highlights = forms.CharField(
        label=gettext_lazy("Highlights of the month"),
        required=False,
        max_length=MAX_NOTES,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What went well, in a few lines; the client reads it at the top of the report."),
    )
    next_focus = forms.CharField(
        label=gettext_lazy("Next month's focus"),
        required=False,
        max_length=MAX_NOTES,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _report(request, pk: int) -> MonthlyReport:
    report = report_for(request.user, pk)
    if report.client.organisation_id != request.membership.organisation_id:
        raise Http404  # the organisation being worked in, as every staff page
    return report


@staff_required
def client_reports(request, pk: int):
    """Every report of the client, drafts first; building this month's or last month's shows it before it goes."""
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    today = timezone.localdate()
    months = [month_start(today), previous_month(today)]
    if request.method == "POST":
        month = param_month(request.POST, "month", months[0])
        if month not in months:
            raise Http404
        report = report_build(client=client, month=month)
        return redirect("report_detail", pk=report.pk)
    reports = reports_for(request.user).filter(client=client).order_by("sent_at", "-month")[:120]
    return render(request, "web/client_reports.html", {"client": client, "reports": reports, "months": months})


@staff_required
def report_detail(request, pk: int):
    """The report as the client will read it, with what the team may still change before it goes."""
    report = _report(request, pk)
    draft = report.sent_at is None
    form = NotesForm(initial={"highlights": report.highlights, "next_focus": report.next_focus})
    return render(request, "web/report_preview.html", _context(request, report, form, draft))


def _context(request, report: MonthlyReport, form: NotesForm, draft: bool) -> dict:
    return {
        "report": report,
        "data": report_data(report),
        "form": form,
        "draft": draft,
        "goes_on": send_day(report.month, country=report.client.organisation.country),
        "may_write": draft and may_write_notes(request.user, report),
        "may_rebuild": draft and is_owner(request.user, report),
    }


@staff_required
def report_download(request, pk: int):
    report = _report(request, pk)
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition("-".join((_("report"), f"{report.month:%Y-%m}.pdf")))
    return response


@staff_required
@require_POST
def report_notes(request, pk: int):
    report = _report(request, pk)
    form = NotesForm(request.POST)
    if form.is_valid():
        try:
            report_notes_edit(by=request.user, report=report, **form.cleaned_data)
        except PermissionDenied as error:
            report_refusal(request, error)
            return redirect("report_detail", pk=report.pk)
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            messages.success(request, _("Saved. The report goes out with your words."))
            return redirect("report_detail", pk=report.pk)
    return render(request, "web/report_preview.html", _context(request, report, form, True), status=400)


@staff_required
@require_POST
def report_rebuild(request, pk: int):
    report = _report(request, pk)
    try:
        report_regenerate(by=request.user, report=report)
    except (ValidationError, PermissionDenied) as error:
        report_refusal(request, error)
    else:
        messages.success(request, _("The report was rebuilt from the hours and tasks recorded now."))
    return redirect("report_detail", pk=report.pk)
