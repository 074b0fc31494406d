"""Invoicing pages: staff (drafts, finalising, downloads, bank statements, export) and the client's portal list."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from functools import partial
from urllib.parse import urlencode

from babel.numbers import format_decimal
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, Sum
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from vadesk.accounts.decorators import client_user_required, owner_required, staff_required
from vadesk.clients.models import Client
from vadesk.clients.scoping import clients_for
from vadesk.einvoice.model import EXEMPT, REVERSE_CHARGE, money
from vadesk.einvoice.totals import document_totals
from vadesk.engagements.balance import month_end
from vadesk.invoicing import camt, export, services
from vadesk.invoicing.documents import document_of
from vadesk.invoicing.einvoices import (
    FORMATS,
    LABELS,
    PORTAL_FORMATS,
    einvoice_bytes,
    formats_in_order,
    formats_of,
    peppol_refusal,
    preferred_format,
)
from vadesk.invoicing.forms import (
    RATE_CHOICES,
    BehalfClientForm,
    BehalfDraftForm,
    BehalfProfileForm,
    BuyerForm,
    ClientBillingForm,
    DraftForm,
    ExportForm,
    InvoiceEditForm,
    LineEditForm,
    LineForm,
    PaymentForm,
    RunForm,
    SellerForm,
    SendForm,
    StatementForm,
)
from vadesk.invoicing.jobs import invoice_export_job, invoice_month_run_job, statement_import_job
from vadesk.invoicing.models import (
    Buyer,
    ClientBilling,
    Invoice,
    InvoiceDispatch,
    InvoiceLine,
    InvoiceQuerySet,
    Payment,
    SellerProfile,
    StatementLine,
)
from vadesk.invoicing.pdf.render import render_pdf
from vadesk.invoicing.scoping import invoice_for, invoices_for
from vadesk.jobs.runs import run_start
from vadesk.lib.downloads import content_disposition, filename_clean
from vadesk.lib.formatting import current_locale
from vadesk.lib.formfields import current_values
from vadesk.lib.pages import apply_validation_error, changes_saved, report_form_errors
from vadesk.lib.params import param_choice, param_id, param_int, param_text
from vadesk.timesheets.worklog import ClientNames


def staff_invoices(request) -> InvoiceQuerySet:
    """The team's invoices in the organisation worked in (vadesk.invoicing.scoping)."""
    return invoices_for(request.user, write=True, organisation=request.membership.organisation_id)


def invoice_in_reach(request, pk: int) -> Invoice:
    return invoice_for(request.user, pk, write=True, organisation=request.membership.organisation_id)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response


# A page of invoices, newest first per status (issue 13: the list rendered 300 of a practice's 12,000 at once).
INVOICES_PER_PAGE = 50
CLIENTS_SHOWN = 20  # the side panels' clients: a search finds the others


@staff_required
def invoice_list(request):
    invoices = (
        staff_invoices(request)
        .select_related("client", "buyer")
        .annotate(is_sent=Exists(InvoiceDispatch.objects.filter(invoice=OuterRef("pk"))))
        .order_by("status", "-issue_date", "-id")
    )
    status = param_choice(request.GET, "status", Invoice.Status.values, "")
    if status:
        invoices = invoices.filter(status=status)
    # One client's invoices (the client page links here); a client out of reach shows nothing, like an unknown one.
    client_id = param_id(request.GET, "client")
    client = None
    if client_id:
        client = (
            clients_for(request.user, write=True, organisation=request.membership.organisation_id)
            .filter(pk=client_id)
            .first()
        )
        invoices = invoices.filter(client=client) if client else invoices.none()
    total = invoices.count()
    pages = max(1, -(-total // INVOICES_PER_PAGE))
    page = param_int(request.GET, "page", 1, lo=1, hi=pages)
    start = (page - 1) * INVOICES_PER_PAGE
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    client_q = param_text(request.GET, "client_q")
    found, more_clients = _clients_found(request, client_q)
    # What clients owe the organisation (on-behalf invoices are owed to the client), credit notes included,
    # in one query: the same amount due as on each invoice.
    owed = (
        staff_invoices(request)  # type: ignore[misc]  # django-stubs cannot see with_amount_due's annotations
        .unpaid()
        .filter(buyer__isnull=True)
        .with_amount_due()
        .filter(amount_due__gt=0)
        .aggregate(outstanding=Sum("amount_due"), overdue=Sum("amount_due", filter=Q(due_date__lt=today)))
    )
    return render(
        request,
        "invoicing/invoice_list.html",
        {
            "invoices": [(i, i.is_overdue(today)) for i in invoices[start : start + INVOICES_PER_PAGE]],
            "status": status,
            "client": client,
            "filter_query": urlencode(
                {k: v for k, v in (("status", status), ("client", client.pk if client else "")) if v}
            ),
            "page": page,
            "pages": pages,
            "total": total,
            "previous_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if page < pages else None,
            "outstanding": money(owed["outstanding"] or Decimal("0")),
            "overdue": money(owed["overdue"] or Decimal("0")),
            "draft_form": DraftForm(
                clients=Client.objects.filter(pk__in=[c.pk for c in found]).order_by("name", "id"),
                initial={"month": last_month},
            ),
            "run_form": RunForm(initial={"month": last_month}),
            "export_form": ExportForm(),
            "client_q": client_q,
            "behalf_clients": found,
            "more_clients": more_clients,
        },
    )


def _line_url(invoice: Invoice) -> dict[str, str]:
    """The URL of a line of this invoice around its id (`before`, `after`), for rows that only add their id.

    Named, not a pair: a template's `pair.0` first fails as an attribute and lists the tuple's `dir()`, twice a
    line."""
    url = reverse("invoicing:line_edit", args=[invoice.pk, 0])
    cut = url.rindex("/0/") + 1
    return {"before": url[:cut], "after": url[cut + 1 :]}


def _clients_found(request, q: str) -> tuple[list[Client], bool]:
    """The side panels' clients: the first CLIENTS_SHOWN by name (those matching `q`), and whether there are more.

    A practice of a thousand clients got every one of them as a choice and twice as a link on every page."""
    clients = clients_for(request.user, write=True, organisation=request.membership.organisation_id).active()
    if q:
        clients = clients.filter(name__icontains=q)
    found = list(clients.order_by("name", "id")[: CLIENTS_SHOWN + 1])
    return found[:CLIENTS_SHOWN], len(found) > CLIENTS_SHOWN


@staff_required
@require_POST
def draft_new(request):
    form = DraftForm(
        request.POST,
        clients=clients_for(request.user, write=True, organisation=request.membership.organisation_id).active(),
    )
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect("invoicing:list")

    month = form.cleaned_data["month"]
    try:
        invoice = services.invoice_draft_create(
            by=request.user,
            client=form.cleaned_data["client"],
            period_start=month,
            period_end=month_end(month),
            from_work=request.POST.get("empty") != "1",
            require_work=True,
        )
    except ValidationError as error:
        apply_validation_error(None, request, error)
        return redirect("invoicing:list")
    return redirect("invoicing:detail", pk=invoice.pk)


@owner_required
@require_POST
def run_month(request):
    """Starts the monthly run as a job (vadesk/invoicing/jobs.py) and shows its progress."""
    form = RunForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect("invoicing:list")
    month = form.cleaned_data["month"]
    run = run_start(
        by=request.user,
        organisation=request.membership.organisation,
        job=invoice_month_run_job,
        title=gettext_noop("Monthly invoice run for %(month)s"),
        params={"month": month.strftime("%Y-%m")},
        back_url=reverse("invoicing:list"),
        organisation_id=request.membership.organisation_id,
        month=month.isoformat(),
    )
    return redirect("jobs:run", pk=run.pk)


def vat_text(line: InvoiceLine, *, final: bool) -> str:
    """The line's VAT as a reader says it: the chosen rate on a draft, the percentage (and why it is 0 %) once final."""
    if not final:
        return str(dict(RATE_CHOICES).get(line.rate_kind, line.rate_kind))
    rate = f"{format_decimal(line.vat_rate or 0, format='#,##0.##', locale=current_locale())} %"
    why = VAT_CATEGORY_TEXT.get(line.vat_category)
    return f"{rate} · {why}" if why else rate


# UNCL5305 codes (EN 16931 BT-151) other than S, whose rate says it all.
VAT_CATEGORY_TEXT = {
    REVERSE_CHARGE: gettext_lazy("reverse charge"),
    EXEMPT: gettext_lazy("exempt"),
}


@staff_required
def invoice_detail(request, pk: int):
    invoice = invoice_in_reach(request, pk)
    lines = list(invoice.lines.all())
    for line in lines:
        line.vat_text = vat_text(line, final=invoice.is_final)  # type: ignore[attr-defined]
    preview = None
    problems: list[str] = []
    if not invoice.is_final:
        problems = services.invoice_problems(invoice)
        if not any("VAT" in p for p in problems):
            try:
                preview = document_totals(document_of(invoice, lines=lines).lines)
            except Exception:
                preview = None
    due = services.open_amount(invoice) if invoice.is_final else None
    return render(
        request,
        "invoicing/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": lines,
            # A draft of hundreds of lines: its lines' URL reversed once, not twice per line.
            "line_url": _line_url(invoice),
            "problems": problems,
            "preview": preview,
            "line_form": LineForm(),
            "edit_form": InvoiceEditForm(instance=invoice) if not invoice.is_final else None,
            "payment_form": PaymentForm(
                initial={"amount": due, "paid_on": services.organisation_today(request.membership.organisation)}
            ),
            "formats": [
                (f, LABELS[f])
                for f in formats_in_order(
                    formats_of(invoice) if invoice.is_final else FORMATS, preferred_format(invoice)
                )
            ],
            "preferred_format": preferred_format(invoice),
            "peppol_refusal": peppol_refusal(document_of(invoice)) if invoice.is_final else "",
            "open_amount": due,
            "payments": invoice.payments.all(),
            "credit_notes": invoice.credit_notes.all(),
            "reminders": invoice.reminders.all(),
            **_send_context(invoice),
        },
    )


def _send_context(invoice: Invoice) -> dict:
    if not invoice.is_final:
        return {}
    dispatches = list(invoice.dispatches.select_related("sent_by"))
    last = dispatches[0] if dispatches else None
    return {
        "dispatches": dispatches,
        "send_form": SendForm(
            initial={"to": services.invoice_recipient(invoice), "resend_after": last.pk if last else None}
        ),
    }


@staff_required
@require_POST
def send(request, pk: int):
    invoice = invoice_in_reach(request, pk)
    form = SendForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect("invoicing:detail", pk=pk)
    try:
        data = form.cleaned_data
        dispatch = services.invoice_send(
            by=request.user,
            invoice=invoice,
            to=data["to"],
            message=data["message"],
            resend_after=data["resend_after"] if data["confirm"] else None,
        )
    except ValidationError as error:
        apply_validation_error(None, request, error)
    else:
        messages.success(
            request,
            _("%(number)s is on its way to %(recipient)s.")
            % {"number": invoice.number, "recipient": dispatch.recipient},
        )
    return redirect("invoicing:detail", pk=pk)


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
        report_form_errors(request, form)
    return redirect("invoicing:detail", pk=invoice.pk)


@staff_required
def line_edit(request, pk: int, line_pk: int):
    """Change one line of a draft; the totals follow from the lines, so the page shows them anew."""
    invoice = invoice_in_reach(request, pk)
    try:
        line = invoice.lines.get(pk=line_pk)
    except InvoiceLine.DoesNotExist:
        raise Http404 from None
    if invoice.is_final:
        messages.error(request, _("A final invoice cannot be changed; correct it with a credit note."))
        return redirect("invoicing:detail", pk=invoice.pk)
    current = current_values(line, LineEditForm.base_fields)
    form = LineEditForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        save = partial(services.invoice_line_save, by=request.user, invoice=invoice, line=line)
        if changes_saved(request, form, current, save, saved=_("Line saved.")):
            return redirect("invoicing:detail", pk=invoice.pk)
    return render(
        request, "web/form_page.html", {"form": form, "title": _("Edit line of %(invoice)s") % {"invoice": invoice}}
    )


@staff_required
@require_POST
def line_delete(request, pk: int, line_pk: int):
    invoice = invoice_in_reach(request, pk)
    try:
        line = invoice.lines.get(pk=line_pk)
    except InvoiceLine.DoesNotExist:
        raise Http404 from None
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
        messages.success(
            request, _("%(kind)s %(number)s is final.") % {"kind": invoice.get_kind_display(), "number": invoice.number}
        )
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
        report_form_errors(request, form)
    return redirect("invoicing:detail", pk=pk)


@owner_required
@require_POST
def payment_undo(request, pk: int, payment_pk: int):
    invoice = invoice_in_reach(request, pk)
    try:
        payment = invoice.payments.get(pk=payment_pk)
    except Payment.DoesNotExist:
        raise Http404 from None
    try:
        services.payment_delete(by=request.user, payment=payment)
    except ValidationError as error:
        apply_validation_error(None, request, error)
    else:
        messages.success(request, _("Payment undone."))
    return redirect("invoicing:detail", pk=pk)


@staff_required
def invoice_pdf(request, pk: int):

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
    if request.method == "POST" and form.is_valid() and form.cleaned_data["file"].size > camt.MAX_STATEMENT_BYTES:
        messages.error(request, camt.too_large_message())
    elif request.method == "POST" and form.is_valid():
        # The request only stores the file: reading and matching it is a job (vadesk/invoicing/jobs.py).
        upload = form.cleaned_data["file"]
        run = run_start(
            by=request.user,
            organisation=organisation,
            job=statement_import_job,
            title=gettext_noop("Bank statement %(name)s"),
            params={"name": filename_clean(upload.name)[:100]},
            back_url=reverse("invoicing:bank"),
            upload=upload,
            upload_name="statement.xml",
            organisation_id=organisation.pk,
        )
        return redirect("jobs:run", pk=run.pk)
    lines = list(
        StatementLine.objects.filter(organisation=organisation, status__in=["review", "unmatched"])
        .select_related("invoice")
        .readable()
    )
    open_invoices = Invoice.objects.for_organisation(organisation).unpaid().with_amount_due().select_related("client")
    return render(request, "invoicing/bank.html", {"form": form, "lines": lines, "open_invoices": open_invoices})


@owner_required
@require_POST
def bank_resolve(request, line_pk: int):
    organisation = request.membership.organisation
    try:
        line = StatementLine.objects.readable().get(pk=line_pk, organisation=organisation)
    except (StatementLine.DoesNotExist, ValueError):
        raise Http404 from None
    invoice = None
    if request.POST.get("invoice"):
        try:
            invoice = Invoice.objects.for_organisation(organisation).get(pk=request.POST["invoice"])
        except (Invoice.DoesNotExist, ValueError):
            raise Http404 from None
    try:
        services.statement_line_resolve(by=request.user, line=line, invoice=invoice)
    except ValidationError as error:
        apply_validation_error(None, request, error)
    return redirect("invoicing:bank")


@owner_required
@require_http_methods(["GET", "POST"])
def export_view(request):
    """The CSV at once; the ZIP with every PDF and XML (a POST) as a job whose page offers the download."""
    if request.method == "POST":
        form = ExportForm(request.POST)
        wanted = param_choice(request.POST, "as", ["csv", "zip"], "csv")
    else:
        form = ExportForm(request.GET)
        wanted = param_choice(request.GET, "as", ["csv", "zip"], "csv")
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect("invoicing:list")
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    organisation = request.membership.organisation
    if wanted == "zip":
        if request.method != "POST":  # starting work is a POST (with its CSRF token), never a link
            return HttpResponseNotAllowed(["POST"])
        run = run_start(
            by=request.user,
            organisation=organisation,
            job=invoice_export_job,
            title=gettext_noop("Export for the accountant, %(start)s to %(end)s"),
            params={"start": start.isoformat(), "end": end.isoformat()},
            back_url=reverse("invoicing:list"),
            organisation_id=organisation.pk,
            start=start.isoformat(),
            end=end.isoformat(),
        )
        return redirect("jobs:run", pk=run.pk)
    return _download(
        export.export_csv(organisation, start, end), f"invoices-{start}-{end}.csv", "text/csv; charset=utf-8"
    )


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


def _portal_invoices(request) -> InvoiceQuerySet:
    """The client's final documents: those to it, and those issued in its name to its own customers."""
    return (
        invoices_for(request.user).final().filter(client=request.portal_client).select_related("buyer", "finalised_by")
    )


@client_user_required
def portal_list(request):
    invoices = list(_portal_invoices(request).order_by("-issue_date", "-number"))
    billing = ClientBilling.objects.filter(client=request.portal_client).first()
    preferred = billing.einvoice_format if billing else None
    shown = ClientNames(request.portal_client)
    return render(
        request,
        "invoicing/portal_list.html",
        {
            "today": timezone.localdate(),
            "invoices": [i for i in invoices if not i.on_behalf],
            # Who finalised an invoice issued in the client's name, as the client reads the team's names.
            "issued": [(i, shown(i.finalised_by)) for i in invoices if i.on_behalf],
            # The client's e-invoice format preference comes first, right after the PDF.
            "portal_formats": [(f, LABELS[f]) for f in formats_in_order(PORTAL_FORMATS, preferred)],
            "preferred_format": preferred,
        },
    )


@client_user_required
def portal_download(request, pk: int, fmt: str = "pdf"):
    try:
        invoice = _portal_invoices(request).get(pk=pk)
    except (Invoice.DoesNotExist, ValueError):
        raise Http404 from None
    if fmt == "pdf":
        return _download(render_pdf(invoice), f"{invoice.filename_stem}.pdf", "application/pdf")
    if fmt not in formats_of(invoice):
        raise Http404
    return _download(*einvoice_bytes(invoice, fmt))


@staff_required
@require_POST
def invoice_edit(request, pk: int):
    invoice = invoice_in_reach(request, pk)
    form = InvoiceEditForm(request.POST, instance=Invoice(pk=invoice.pk, client=invoice.client, seller=invoice.seller))
    if form.is_valid():
        try:
            services.invoice_update(
                by=request.user, invoice=invoice, **{k: form.cleaned_data[k] for k in InvoiceEditForm.Meta.fields}
            )
        except ValidationError as error:
            apply_validation_error(None, request, error)
        else:
            messages.success(request, _("Draft saved."))
    else:
        report_form_errors(request, form)
    return redirect("invoicing:detail", pk=invoice.pk)


def _client_or_404(request, client_pk: int):

    try:
        return clients_for(request.user, write=True, organisation=request.membership.organisation_id).get(pk=client_pk)
    except (Client.DoesNotExist, ValueError):
        raise Http404 from None


@staff_required
def client_billing(request, client_pk: int):
    """How this client is invoiced: Leitweg-ID / buyer reference, e-invoice format, hours grouping, payment term."""
    client = _client_or_404(request, client_pk)
    form = ClientBillingForm(request.POST or None, instance=services.client_billing_of(client))
    if request.method == "POST" and form.is_valid():
        try:
            services.client_billing_save(by=request.user, client=client, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            messages.success(request, _("Billing settings saved."))
            return redirect("invoicing:client_billing", client_pk=client.pk)
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": _("Billing settings for %(client)s") % {"client": client.name}},
    )


# Invoicing on a client's behalf: the client is the seller; pages for the staff who serve that client.


@staff_required
def behalf_seller(request, client_pk: int):
    client = _client_or_404(request, client_pk)
    profile = services.behalf_seller_of(client)
    client_form = BehalfClientForm(request.POST or None, instance=client, prefix="client")
    profile_form = BehalfProfileForm(
        request.POST or None, instance=profile or SellerProfile(organisation_id=client.organisation_id), prefix="seller"
    )
    if request.method == "POST" and client_form.is_valid() and profile_form.is_valid():
        try:
            profile = services.behalf_seller_save(
                by=request.user,
                client=client,
                client_fields=client_form.cleaned_data,
                profile_fields=profile_form.cleaned_data,
            )
        except ValidationError as error:
            apply_validation_error(profile_form, request, error)
        else:
            messages.success(request, _("%(client)s is set up as a seller.") % {"client": client.name})
            return redirect("invoicing:behalf", client_pk=client.pk)
    invoices = (
        staff_invoices(request).filter(seller=profile).select_related("buyer") if profile else Invoice.objects.none()
    )
    buyers = profile.buyers.all() if profile else []
    return render(
        request,
        "invoicing/behalf.html",
        {
            "client": client,
            "profile": profile,
            "client_form": client_form,
            "profile_form": profile_form,
            "invoices": invoices,
            "buyers": buyers,
            "draft_form": BehalfDraftForm(buyers=profile.buyers.all()) if profile else None,
        },
    )


def _behalf_profile_or_404(request, client_pk: int):
    client = _client_or_404(request, client_pk)
    profile = services.behalf_seller_of(client)
    if profile is None:
        raise Http404
    return client, profile


@staff_required
def behalf_buyer(request, client_pk: int, pk: int | None = None):
    """Add or edit one of the client's customers."""
    client, profile = _behalf_profile_or_404(request, client_pk)
    buyer = None
    if pk is not None:
        try:
            buyer = profile.buyers.get(pk=pk)
        except (Buyer.DoesNotExist, ValueError):
            raise Http404 from None
    form = BuyerForm(request.POST or None, instance=buyer or Buyer(seller=profile))
    if request.method == "POST" and form.is_valid():
        try:
            services.buyer_save(by=request.user, seller=profile, buyer=buyer, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            messages.success(request, _("Buyer saved."))
            return redirect("invoicing:behalf", client_pk=client.pk)
    title = _("Buyer of %(client)s") % {"client": client.name}
    return render(request, "web/form_page.html", {"form": form, "title": title})


@staff_required
@require_POST
def behalf_draft_new(request, client_pk: int):
    client, profile = _behalf_profile_or_404(request, client_pk)
    form = BehalfDraftForm(request.POST, buyers=profile.buyers.all())
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect("invoicing:behalf", client_pk=client.pk)
    try:
        invoice = services.behalf_draft_create(
            by=request.user,
            buyer=form.cleaned_data["buyer"],
            period_start=form.cleaned_data["period_start"],
            period_end=form.cleaned_data["period_end"],
        )
    except ValidationError as error:
        apply_validation_error(None, request, error)
        return redirect("invoicing:behalf", client_pk=client.pk)
    return redirect("invoicing:detail", pk=invoice.pk)
