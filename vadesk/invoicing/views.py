"""Invoicing pages: staff (drafts, finalising, downloads, bank statements, export) and the client's portal list."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vadesk.invoicing import export, services
from vadesk.invoicing.einvoices import FORMATS, einvoice_bytes
from vadesk.invoicing.forms import DraftForm, ExportForm, LineForm, PaymentForm, RunForm, SellerForm, StatementForm
from vadesk.invoicing.models import Invoice, InvoiceLine, StatementLine
from vadesk.portal.views import client_user_required
from vadesk.web.access import owner_required, staff_required
from vadesk.web.views.common import apply_validation_error, my_clients


def staff_invoices(request) -> QuerySet[Invoice]:
    """Deny by default: the organisation worked in, and only clients this person serves."""
    return Invoice.objects.filter(organisation_id=request.membership.organisation_id, client__in=my_clients(request))


def invoice_in_reach(request, pk: int) -> Invoice:
    try:
        return staff_invoices(request).select_related("client", "seller__organisation", "credit_of").get(pk=pk)
    except (Invoice.DoesNotExist, ValueError):
        raise Http404


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required
def invoice_list(request):
    invoices = staff_invoices(request).select_related("client").order_by("status", "-issue_date", "-id")
    status = request.GET.get("status", "")
    if status in Invoice.Status.values:
        invoices = invoices.filter(status=status)
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timezone.timedelta(days=1)).strftime("%Y-%m")
    return render(request, "invoicing/invoice_list.html", {
        "invoices": invoices[:300], "status": status,
        "draft_form": DraftForm(clients=my_clients(request).active(), initial={"month": last_month}),
        "run_form": RunForm(initial={"month": last_month}), "export_form": ExportForm(),
    })


@staff_required
@require_POST
def draft_new(request):
    form = DraftForm(request.POST, clients=my_clients(request).active())
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("invoicing:list")
    from vadesk.engagements.balance import month_end

    month = form.cleaned_data["month"]
    try:
        invoice = services.invoice_draft_create(by=request.user, client=form.cleaned_data["client"], period_start=month, period_end=month_end(month))
    except ValidationError as error:
        apply_validation_error(None, request, error)
        return redirect("invoicing:list")
    return redirect("invoicing:detail", pk=invoice.pk)


@owner_required
@require_POST
def run_month(request):
    form = RunForm(request.POST)
    if form.is_valid():
        drafts = services.invoice_run_month(by=request.user, organisation=request.membership.organisation, month=form.cleaned_data["month"])
        messages.success(request, _("%(count)s draft(s) made. Review and finalise them.") % {"count": len(drafts)})
    return redirect("invoicing:list")


@staff_required
def invoice_detail(request, pk: int):
    invoice = invoice_in_reach(request, pk)
    lines = list(invoice.lines.all())
    preview = None
    problems: list[str] = []
    if not invoice.is_final:
        problems = services.invoice_problems(invoice)
        if not any("VAT" in p for p in problems):
            try:
                from vadesk.einvoice.totals import document_totals
                from vadesk.invoicing.documents import document_of

                preview = document_totals(document_of(invoice, lines=lines).lines)
            except Exception:  # noqa: BLE001 - the problems list already names what is wrong
                preview = None
    return render(request, "invoicing/invoice_detail.html", {
        "invoice": invoice, "lines": lines, "problems": problems, "preview": preview, "line_form": LineForm(),
        "payment_form": PaymentForm(initial={"amount": services.open_amount(invoice) if invoice.is_final else None, "paid_on": timezone.localdate()}),
        "formats": FORMATS, "open_amount": services.open_amount(invoice) if invoice.is_final else None,
        "payments": invoice.payments.all(), "credit_notes": invoice.credit_notes.all(), "reminders": invoice.reminders.all(),
    })


@staff_required
@require_POST
def line_add(request, pk: int):
    invoice = invoice_in_reach(request, pk)
    form = LineForm(request.POST)
    if form.is_valid():
        try:
            services.invoice_line_save(by=request.user, invoice=invoice, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(None, request, error)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("invoicing:detail", pk=invoice.pk)


@staff_required
@require_POST
def line_delete(request, pk: int, line_pk: int):
    invoice = invoice_in_reach(request, pk)
    try:
        line = invoice.lines.get(pk=line_pk)
    except InvoiceLine.DoesNotExist:
        raise Http404
    try:
        services.invoice_line_delete(by=request.user, line=line)
    except ValidationError as error:
        apply_validation_error(None, request, error)
    return redirect("invoicing:detail", pk=invoice.pk)


@owner_required
@require_POST
def finalise(request, pk: int):
    invoice = invoice_in_reach(request, pk)
    try:
        invoice = services.invoice_finalise(by=request.user, invoice=invoice)
    except ValidationError as error:
        apply_validation_error(None, request, error)
    else:
        messages.success(request, _("%(kind)s %(number)s is final.") % {"kind": invoice.get_kind_display(), "number": invoice.number})
    return redirect("invoicing:detail", pk=invoice.pk)


@staff_required
@require_POST
def discard(request, pk: int):
    invoice = invoice_in_reach(request, pk)
    try:
        services.invoice_discard(by=request.user, invoice=invoice)
    except ValidationError as error:
        apply_validation_error(None, request, error)
        return redirect("invoicing:detail", pk=pk)
    messages.success(request, _("Draft discarded; its hours are unbilled again."))
    return redirect("invoicing:list")


@staff_required
@require_POST
def credit(request, pk: int):
    invoice = invoice_in_reach(request, pk)
    quantities = None
    if request.POST.get("partial"):
        try:
            quantities = {line.pk: Decimal(request.POST.get(f"line-{line.pk}") or 0) for line in invoice.lines.all()}
        except ArithmeticError:
            messages.error(request, _("Enter the quantities to credit as numbers."))
            return redirect("invoicing:detail", pk=pk)
    try:
        note = services.credit_note_create(by=request.user, invoice=invoice, quantities=quantities)
    except ValidationError as error:
        apply_validation_error(None, request, error)
        return redirect("invoicing:detail", pk=pk)
    return redirect("invoicing:detail", pk=note.pk)


@owner_required
@require_POST
def payment_add(request, pk: int):
    invoice = invoice_in_reach(request, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.payment_record(by=request.user, invoice=invoice, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(None, request, error)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("invoicing:detail", pk=pk)


@staff_required
def invoice_pdf(request, pk: int):
    from vadesk.invoicing.pdf.render import render_pdf

    invoice = invoice_in_reach(request, pk)
    return _download(render_pdf(invoice), f"{invoice.filename_stem}.pdf", "application/pdf")


@staff_required
def invoice_einvoice(request, pk: int, fmt: str):
    invoice = invoice_in_reach(request, pk)
    try:
        return _download(*einvoice_bytes(invoice, fmt))
    except ValidationError as error:
        apply_validation_error(None, request, error)
        return redirect("invoicing:detail", pk=pk)


@owner_required
def bank(request):
    organisation = request.membership.organisation
    form = StatementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            statement = services.statement_import(by=request.user, organisation=organisation, data=form.cleaned_data["file"].read())
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            counts = {s: statement.lines.filter(status=s).count() for s in StatementLine.Status.values}
            messages.success(request, _("%(matched)s payment(s) booked, %(review)s to review, %(unmatched)s without an invoice.") % counts)
            return redirect("invoicing:bank")
    lines = StatementLine.objects.filter(organisation=organisation, status__in=["review", "unmatched"]).select_related("invoice")
    open_invoices = Invoice.objects.for_organisation(organisation).unpaid().select_related("client")
    return render(request, "invoicing/bank.html", {"form": form, "lines": lines, "open_invoices": open_invoices})


@owner_required
@require_POST
def bank_resolve(request, line_pk: int):
    organisation = request.membership.organisation
    try:
        line = StatementLine.objects.get(pk=line_pk, organisation=organisation)
    except (StatementLine.DoesNotExist, ValueError):
        raise Http404
    invoice = None
    if request.POST.get("invoice"):
        try:
            invoice = Invoice.objects.for_organisation(organisation).get(pk=request.POST["invoice"])
        except (Invoice.DoesNotExist, ValueError):
            raise Http404
    try:
        services.statement_line_resolve(by=request.user, line=line, invoice=invoice)
    except ValidationError as error:
        apply_validation_error(None, request, error)
    return redirect("invoicing:bank")


@owner_required
def export_view(request):
    form = ExportForm(request.GET)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("invoicing:list")
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    organisation = request.membership.organisation
    if request.GET.get("as") == "zip":
        return _download(export.export_zip(organisation, start, end), f"invoices-{start}-{end}.zip", "application/zip")
    return _download(export.export_csv(organisation, start, end), f"invoices-{start}-{end}.csv", "text/csv; charset=utf-8")


@owner_required
def seller_settings(request):
    profile = services.seller_profile_of(request.membership.organisation)
    form = SellerForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Invoice settings saved."))
        return redirect("invoicing:settings")
    return render(request, "web/form_page.html", {"form": form, "title": _("Invoice settings")})


# The client's portal: their own final invoices, nothing else.

def _portal_invoices(request) -> QuerySet[Invoice]:
    return Invoice.objects.final().filter(client=request.portal_client)


@client_user_required
def portal_list(request):
    invoices = _portal_invoices(request).order_by("-issue_date", "-number")
    return render(request, "invoicing/portal_list.html", {"invoices": invoices, "open": {i.pk: services.open_amount(i) for i in invoices}})


@client_user_required
def portal_download(request, pk: int, fmt: str = "pdf"):
    try:
        invoice = _portal_invoices(request).get(pk=pk)
    except (Invoice.DoesNotExist, ValueError):
        raise Http404
    if fmt == "pdf":
        from vadesk.invoicing.pdf.render import render_pdf

        return _download(render_pdf(invoice), f"{invoice.filename_stem}.pdf", "application/pdf")
    if fmt not in FORMATS:
        raise Http404
    return _download(*einvoice_bytes(invoice, fmt))


