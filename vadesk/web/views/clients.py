"""Client pages: the list, the client's page with dossier, engagements, tasks and hours."""

from datetime import date
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vadesk.accounts.decorators import owner_required, staff_required
from vadesk.clients import services as client_services
from vadesk.clients.models import Assignment, Contact, DossierFact
from vadesk.clients.scoping import client_for, clients_for
from vadesk.engagements import services as engagement_services
from vadesk.engagements.models import Engagement
from vadesk.lib.formfields import changed_values, current_values
from vadesk.lib.pages import apply_validation_error, changes_saved, report_form_errors, report_refusal
from vadesk.lib.params import param_choice, param_int, param_month, param_text
from vadesk.reports.overview import burn_downs
from vadesk.tasks.models import RecurringTask, Task
from vadesk.tasks.recurrence import (
    next_occurrences,
    recurring_task_create,
    recurring_task_stop,
    recurring_tasks_spawn,
)
from vadesk.tasks.rrule import describe_rrule
from vadesk.timesheets.balances import balances_of
from vadesk.timesheets.models import TimeEntry
from vadesk.web.forms import (
    ClientForm,
    ContactForm,
    DossierFactForm,
    EngagementForm,
    RecurringTaskForm,
)
from vadesk.web.views.common import organisation_staff
from vadesk.web.views.dashboard import burn_chart

CLIENTS_PER_PAGE = 48


@staff_required
def client_list(request):
    """A page of clients by name, each with its open-task count and balances: bounded by the page, not the practice."""
    q = param_text(request.GET, "q")
    clients = clients_for(request.user, write=True, organisation=request.membership.organisation_id).active()
    if q:
        clients = clients.filter(
            Q(name__icontains=q) | Q(city__icontains=q) | Q(contacts__name__icontains=q)
        ).distinct()
    total = clients.count()
    pages = max(1, -(-total // CLIENTS_PER_PAGE))
    page = param_int(request.GET, "page", 1, lo=1, hi=pages)
    start = (page - 1) * CLIENTS_PER_PAGE
    listed = list(
        clients.order_by("name", "id").prefetch_related("assignments__person")[start : start + CLIENTS_PER_PAGE]
    )
    ids = [c.pk for c in listed]
    open_tasks = dict(
        Task.objects.open()
        .filter(client_id__in=ids)
        .values("client_id")
        .annotate(n=Count("id"))
        .values_list("client_id", "n")
    )
    for client in listed:
        client.open_tasks = open_tasks.get(client.pk, 0)  # type: ignore[attr-defined]
    engagements = list(Engagement.objects.active().filter(client_id__in=ids))
    balances = balances_of(engagements, timezone.localdate())
    by_client: dict[int, list] = {}
    for engagement in engagements:
        by_client.setdefault(engagement.client_id, []).append((engagement, balances[engagement.pk]))
    rows = [(c, by_client.get(c.pk, [])) for c in listed]
    return render(
        request,
        "web/client_list.html",
        {
            "rows": rows,
            "q": q,
            "page": page,
            "pages": pages,
            "total": total,
            "previous_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if page < pages else None,
        },
    )


def _month_param(request) -> date:
    return param_month(request.GET, "month", timezone.localdate())


@staff_required
def client_detail(request, pk: int):
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    on = _month_param(request)
    engagements = list(client.engagements.all())
    balances = balances_of(engagements, on)
    burn = burn_downs(engagements, on)
    q = param_text(request.GET, "q")
    tasks = Task.objects.filter(client=client).select_related("client").prefetch_related("assignees")
    context = {
        "client": client,
        "on": on,
        "engagement_rows": [(e, balances[e.pk]) for e in engagements],
        "burn_charts": {pk: burn_chart(points) for pk, points in burn.items() if len(points) > 1},
        "facts": client.dossier.search(q).select_related("author"),
        "q": q,
        "fact_form": DossierFactForm(),
        "contacts": client.contacts.all(),
        "team": client.assignments.select_related("person"),
        "open_tasks": tasks.open().order_by("due_at", "-priority")[:30],
        "done_tasks": tasks.filter(status__in=["done", "cancelled"]).order_by("-closed_at")[:10],
        "recurring": [
            (r, describe_rrule(r.rrule), next_occurrences(r))
            for r in client.recurring_tasks.filter(active=True).select_related("client__organisation")
        ],
        "entries": TimeEntry.objects.filter(engagement__client=client)
        .select_related("person", "task", "engagement")
        .order_by("-work_date", "-id")[:20],
    }
    if request.htmx and param_choice(request.GET, "part", ["dossier"], "") == "dossier":
        return render(request, "web/_dossier.html", context)
    return render(request, "web/client_detail.html", context)


@owner_required
def client_create(request):
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = client_services.client_create(
                by=request.user, organisation=request.membership.organisation, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            messages.success(request, _("Client %(name)s added.") % {"name": client.name})
            return redirect("client_detail", pk=client.pk)
    return render(request, "web/form_page.html", {"form": form, "title": _("New client"), "back": "clients"})


@owner_required
def client_edit(request, pk: int):
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    current = current_values(client, ClientForm.Meta.fields)
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        save = partial(client_services.client_update, by=request.user, client=client)
        if changes_saved(request, form, current, save):
            return redirect("client_detail", pk=client.pk)
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": client.name}, "client": client},
    )


@staff_required
def contact_add(request, pk: int):
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client_services.contact_save(by=request.user, client=client, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            return redirect("client_detail", pk=client.pk)
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": _("New contact for %(name)s") % {"name": client.name}, "client": client},
    )


def _dossier_hx(request, client, form=None):
    return render(
        request,
        "web/_dossier.html",
        {"client": client, "facts": client.dossier.select_related("author"), "fact_form": form or DossierFactForm()},
    )


@staff_required
@require_POST
def fact_add(request, pk: int):
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    form = DossierFactForm(request.POST)
    if form.is_valid():
        try:
            client_services.dossier_fact_create(by=request.user, client=client, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            form = DossierFactForm()
    if form.errors and not request.htmx:
        report_form_errors(request, form)
    if request.htmx:
        return _dossier_hx(request, client, form)
    return redirect("client_detail", pk=client.pk)


@staff_required
@require_POST
def fact_pin(request, pk: int, fact_pk: int):
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    fact = get_object_or_404(DossierFact, pk=fact_pk, client=client)
    client_services.dossier_fact_update(by=request.user, fact=fact, pinned=not fact.pinned)
    if request.htmx:
        return _dossier_hx(request, client)
    return redirect("client_detail", pk=client.pk)


@staff_required
@require_POST
def fact_delete(request, pk: int, fact_pk: int):
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    client_services.dossier_fact_delete(by=request.user, fact=get_object_or_404(DossierFact, pk=fact_pk, client=client))
    if request.htmx:
        return _dossier_hx(request, client)
    return redirect("client_detail", pk=client.pk)


@owner_required
def engagement_edit(request, pk: int, engagement_pk: int | None = None):
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    engagement = get_object_or_404(Engagement, pk=engagement_pk, client=client) if engagement_pk else None
    # Defaults only for a new engagement: on an existing one, `initial` would show (and save) them over its terms.
    initial = (
        {"starts_on": timezone.localdate(), "hourly_rate": client.organisation.default_hourly_rate}
        if engagement is None
        else None
    )
    current = current_values(engagement, EngagementForm.Meta.fields) if engagement else {}
    form = EngagementForm(request.POST or None, instance=engagement or Engagement(client=client), initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = changed_values(current, form.cleaned_data) if engagement else form.cleaned_data
        try:
            if engagement is None:
                engagement_services.engagement_create(by=request.user, client=client, **form.cleaned_data)
            elif changes:
                engagement_services.engagement_update(by=request.user, engagement=engagement, **changes)
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            messages.success(request, _("Engagement saved.") if changes else _("Nothing changed."))
            return redirect("client_detail", pk=client.pk)
    title = _("Edit engagement") if engagement else _("New engagement for %(name)s") % {"name": client.name}
    return render(request, "web/engagement_form.html", {"form": form, "title": title, "client": client})


@owner_required
def team_edit(request, pk: int):
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    staff = list(organisation_staff(request))
    assignments = {a.person_id: a for a in client.assignments.in_cover_order()}
    if request.method == "POST":
        roles = {p.pk: request.POST.get(f"role-{p.pk}", "") for p in staff}
        order = {p.pk: request.POST.get(f"order-{p.pk}", "").strip() for p in staff}
        try:
            client_services.client_team_set(
                by=request.user,
                client=client,
                roles={person_id: role for person_id, role in roles.items() if role in Assignment.Role.values},
                order={person_id: int(n) for person_id, n in order.items() if n.isdigit() and len(n) <= 2},
            )
        except ValidationError as error:
            report_refusal(request, error)
        else:
            messages.success(request, _("Team saved."))
        return redirect("client_detail", pk=client.pk)
    ranked = {person_id: n for n, person_id in enumerate(assignments, start=1)}
    rows = [
        (p, assignments[p.pk].role if p.pk in assignments else "", ranked.get(p.pk, ""))
        for p in sorted(staff, key=lambda p: (ranked.get(p.pk, 999), str(p)))
    ]
    return render(request, "web/team_edit.html", {"client": client, "rows": rows, "roles": Assignment.Role.choices})


@staff_required
def recurring_new(request, pk: int):
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    form = RecurringTaskForm(
        request.POST or None, client=client, staff=client.assistants.all(), initial={"assignees": [request.user.pk]}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recurring_task_create(
                by=request.user,
                client=client,
                title=data["title"],
                description=data["description"],
                category=data["category"],
                priority=data["priority"],
                rrule=data["rrule"],
                first_due_at=data["first_due_at"],
                lead_days=data["lead_days"],
                engagement=data["engagement"],
                assignees=data["assignees"],
            )
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            recurring_tasks_spawn()
            messages.success(request, _("Recurring task saved."))
            return redirect("client_detail", pk=client.pk)
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": _("New recurring task for %(name)s") % {"name": client.name}, "client": client},
    )


@staff_required
@require_POST
def recurring_stop(request, pk: int, recurring_pk: int):
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    recurring_task_stop(by=request.user, recurring=get_object_or_404(RecurringTask, pk=recurring_pk, client=client))
    messages.success(request, _("The task no longer repeats. Tasks already created stay."))
    return redirect("client_detail", pk=client.pk)


@staff_required
def contact_edit(request, pk: int, contact_pk: int):
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    contact = get_object_or_404(Contact, pk=contact_pk, client=client)
    current = current_values(contact, ContactForm.Meta.fields)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        save = partial(client_services.contact_save, by=request.user, client=client, contact=contact)
        if changes_saved(request, form, current, save):
            return redirect("client_detail", pk=client.pk)
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": contact.name}, "client": client},
    )


@staff_required
def fact_edit(request, pk: int, fact_pk: int):
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    fact = get_object_or_404(DossierFact, pk=fact_pk, client=client)
    current = current_values(fact, DossierFactForm.Meta.fields)
    form = DossierFactForm(request.POST or None, instance=fact)
    if request.method == "POST" and form.is_valid():
        save = partial(client_services.dossier_fact_update, by=request.user, fact=fact)
        if changes_saved(request, form, current, save):
            return redirect("client_detail", pk=client.pk)
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": _("Edit dossier fact"), "client": client},
    )
