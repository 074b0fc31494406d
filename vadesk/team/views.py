"""Team pages: the team calendar, profiles and work patterns, absences, candidates, "ask the team" and batch
matching (new clients to match)."""

from __future__ import annotations

import calendar as calendar_module
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from vadesk.accounts.decorators import owner_required, staff_required
from vadesk.accounts.models import Membership, Person
from vadesk.clients.scoping import client_for, clients_for
from vadesk.lib.downloads import content_disposition
from vadesk.lib.pages import apply_validation_error, report_refusal
from vadesk.lib.params import param_month
from vadesk.team import candidates, handover, scoping, services
from vadesk.team.capacity import capacity
from vadesk.team.forms import (
    AbsenceForm,
    AnswerForm,
    HandoverDaysForm,
    HandoverLinesForm,
    NeedsForm,
    PatternForm,
    ProfileForm,
    pairs_text,
)
from vadesk.team.models import WEEKDAY_KEYS, Absence, Interest, WorkPattern
from vadesk.team.utilisation import Row, utilisation_for
from vadesk.team.utilisation_chart import Words, utilisation_chart_svg
from vadesk.team.utilisation_csv import utilisation_csv
from vadesk.team.utilisation_table import WeekRows


def _staff(organisation) -> list[Person]:
    return [
        m.person
        for m in Membership.objects.filter(
            organisation=organisation,
            is_active=True,
            role__in=[Membership.Role.OWNER, Membership.Role.ASSISTANT],
        )
        .select_related("person")
        .order_by("person__full_name")
    ]


@staff_required
def team_calendar(request):
    """Who is away when, one month, everyone of the organisation; the type for owners (and one's own) only."""
    organisation = request.membership.organisation
    first = param_month(request.GET, "month", timezone.localdate().replace(day=1))
    last = first.replace(day=calendar_module.monthrange(first.year, first.month)[1])
    people = _staff(organisation)
    absences = list(
        scoping.absences_for(request.user, organisation.pk).standing().overlapping(first, last).select_related("person")
    )
    month_days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    rows = []
    for person in people:
        cells = []
        for day in month_days:
            here = [a for a in absences if a.person_id == person.pk and a.covers(day)]
            cells.append(
                {
                    "day": day,
                    "weekend": day.weekday() >= 5,
                    "labels": [scoping.absence_label(request.user, a) for a in here],
                    "pending": any(a.status == Absence.Status.REQUESTED for a in here),
                    "half": any(a.part != Absence.Part.WHOLE for a in here),
                }
            )
        rows.append({"person": person, "cells": cells})
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return render(
        request,
        "team/calendar.html",
        {
            "first": first,
            "days": month_days,
            "rows": rows,
            "previous": previous.strftime("%Y-%m"),
            "following": following.strftime("%Y-%m"),
            "coverage": list(scoping.coverage_warnings_for(request.user, organisation.pk)[:50]),
        },
    )


@staff_required
def profile(request, person_pk: int):
    organisation = request.membership.organisation
    person = scoping.staff_member_for(request.user, person_pk, organisation_id=organisation.pk)
    current = services.profile_of(organisation, person)
    initial = {
        "skills": pairs_text(current.skills),
        "languages": pairs_text(current.languages),
        "sectors": ", ".join(current.sectors),
        "region": current.region,
        "holiday_country": current.holiday_country,
        "holiday_subdivision": current.holiday_subdivision,
        "target_utilisation": current.target_utilisation,
    }
    form = ProfileForm(initial=initial)
    pattern_form = PatternForm(initial={"valid_from": timezone.localdate()})
    if request.method == "POST" and request.POST.get("form") == "pattern":
        pattern_form = PatternForm(request.POST)
        if pattern_form.is_valid():
            try:
                services.work_pattern_set(
                    by=request.user,
                    organisation=organisation,
                    person=person,
                    valid_from=pattern_form.cleaned_data["valid_from"],
                    days=pattern_form.days(),
                )
            except ValidationError as exc:
                apply_validation_error(pattern_form, request, exc)
            except PermissionDenied as exc:
                report_refusal(request, exc)
            else:
                messages.success(request, _("Work pattern saved."))
                return redirect("team:profile", person_pk=person.pk)
    elif request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.profile_update(by=request.user, organisation=organisation, person=person, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, request, exc)
            except PermissionDenied as exc:
                report_refusal(request, exc)
            else:
                messages.success(request, _("Profile saved."))
                return redirect("team:profile", person_pk=person.pk)
    patterns = list(WorkPattern.objects.filter(profile=current))
    today = timezone.localdate()
    return render(
        request,
        "team/profile.html",
        {
            "person": person,
            "form": form,
            "pattern_form": pattern_form,
            "patterns": [(p, [(k, p.days.get(k)) for k in WEEKDAY_KEYS]) for p in patterns],
            "weeks": [
                (today + timedelta(weeks=n), capacity(organisation, person, today + timedelta(weeks=n)))
                for n in range(4)
            ],
        },
    )


@staff_required
def absences(request):
    """Request an absence (an owner registers anyone's), and the list to approve, reject or cancel."""
    organisation = request.membership.organisation
    is_owner = request.membership.is_owner
    people = _staff(organisation) if is_owner else [request.user]
    form = AbsenceForm(people=people, initial={"person": request.user.pk})
    days_form = HandoverDaysForm(initial={"handover_note_days": handover.note_days(organisation.pk)})
    if request.method == "POST" and request.POST.get("form") == "handover_days":
        days_form = HandoverDaysForm(request.POST)
        if days_form.is_valid():
            try:
                services.handover_note_days_set(
                    by=request.user, organisation=organisation, days=days_form.cleaned_data["handover_note_days"]
                )
            except ValidationError as exc:
                apply_validation_error(days_form, request, exc)
            except PermissionDenied as exc:
                report_refusal(request, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("team:absences")
    elif request.method == "POST":
        form = AbsenceForm(request.POST, people=people)
        if form.is_valid():
            data = form.cleaned_data
            person = next(p for p in people if p.pk == data["person"])
            try:
                absence = services.absence_request(
                    by=request.user,
                    organisation=organisation,
                    person=person,
                    kind=data["kind"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    part=data["part"],
                    hours=data["hours"],
                    note=data["note"],
                    open_work=data["open_work"],
                )
            except ValidationError as exc:
                apply_validation_error(form, request, exc)
            except PermissionDenied as exc:
                report_refusal(request, exc)
            else:
                if absence.status == Absence.Status.APPROVED:
                    messages.success(request, _("Absence registered."))
                else:
                    messages.success(request, _("Absence requested; an owner approves it."))
                return redirect("team:absences")
    rows = scoping.absences_for(request.user, organisation.pk).select_related("person").order_by("-start_date")
    if not is_owner:
        rows = rows.filter(person=request.user)
    listed = [(a, scoping.absence_label(request.user, a)) for a in rows[:200]]
    notes: dict[int, list] = {}
    shown = [a.pk for a, _label in listed]
    for note in (
        scoping.handover_notes_for(request.user, organisation.pk).filter(absence_id__in=shown).select_related("client")
    ):
        notes.setdefault(note.absence_id, []).append(note)
    return render(
        request,
        "team/absences.html",
        {
            "form": form,
            "rows": [(a, label, notes.get(a.pk, [])) for a, label in listed],
            "is_owner": is_owner,
            "days_form": days_form if is_owner else None,
        },
    )


@staff_required
def handover_note(request, pk: int):
    """One handover note: the generated draft, the absent person's own lines, the backup's acknowledgement."""
    organisation = request.membership.organisation
    note = scoping.handover_note_for(request.user, pk, organisation_id=organisation.pk)
    form = HandoverLinesForm(initial={"own_lines": note.own_lines})
    if request.method == "POST":
        try:
            if request.POST.get("action") == "acknowledge":
                handover.handover_note_acknowledge(by=request.user, note=note)
                messages.success(request, _("Acknowledged."))
                return redirect("team:handover", pk=note.pk)
            form = HandoverLinesForm(request.POST)
            if form.is_valid():
                handover.handover_note_write(by=request.user, note=note, own_lines=form.cleaned_data["own_lines"])
                messages.success(request, _("Your notes are saved."))
                return redirect("team:handover", pk=note.pk)
        except ValidationError as exc:
            apply_validation_error(form, request, exc)
        except PermissionDenied as exc:
            report_refusal(request, exc)
    return render(
        request,
        "team/handover.html",
        {
            "note": note,
            "form": form,
            "sections": handover.sections(note),
            "may_write": note.absence.person_id == request.user.pk,
            "may_acknowledge": handover.may_acknowledge(request.user, note),
        },
    )


@require_POST
@staff_required
def absence_decide(request, pk: int):
    organisation = request.membership.organisation
    absence = scoping.absence_for(request.user, pk, organisation_id=organisation.pk)
    try:
        services.absence_decide(by=request.user, absence=absence, approve=request.POST.get("decision") == "approve")
    except (ValidationError, PermissionDenied) as exc:
        report_refusal(request, exc)
    else:
        messages.success(request, _("Decision saved."))
    return redirect("team:absences")


@require_POST
@staff_required
def absence_cancel(request, pk: int):
    organisation = request.membership.organisation
    absence = scoping.absence_for(request.user, pk, organisation_id=organisation.pk)
    try:
        services.absence_cancel(by=request.user, absence=absence)
    except (ValidationError, PermissionDenied) as exc:
        report_refusal(request, exc)
    else:
        messages.success(request, _("Absence cancelled."))
    return redirect("team:absences")


@owner_required
def client_candidates(request, client_pk: int):
    """Ranked candidates for a client's team with the points per criterion; the client's needs; ask the team."""
    organisation = request.membership.organisation
    client = client_for(request.user, client_pk, write=True, organisation=organisation.pk)
    needs = candidates.needs_of(client)
    form = NeedsForm(
        initial={
            "needs": pairs_text(needs.needs),
            "sector": needs.sector,
            "hours_per_week": needs.hours_per_week,
            "team_size": needs.team_size,
            "on_site": needs.on_site,
            "region": needs.region,
        }
    )
    if request.method == "POST" and request.POST.get("form") == "ask":
        staff = {p.pk: p for p in _staff(organisation)}
        chosen = [staff[int(pk)] for pk in request.POST.getlist("person")[:100] if pk.isdigit() and int(pk) in staff]
        try:
            services.team_ask(by=request.user, client=client, people=chosen)
        except (ValidationError, PermissionDenied) as exc:
            report_refusal(request, exc)
        else:
            messages.success(request, _("Asked %(count)d assistants.") % {"count": len(chosen)})
        return redirect("team:candidates", client_pk=client.pk)
    if request.method == "POST":
        form = NeedsForm(request.POST)
        if form.is_valid():
            try:
                services.client_needs_set(by=request.user, client=client, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, request, exc)
            else:
                messages.success(request, _("Needs saved."))
                return redirect("team:candidates", client_pk=client.pk)
    rows = candidates.candidates_for(by=request.user, client=client, today=timezone.localdate())
    shown = [(row, [candidates.reason_text(r) for r in row.reasons]) for row in rows]
    return render(
        request,
        "team/candidates.html",
        {"client": client, "form": form, "rows": shown},
    )


@staff_required
def interest(request, client_pk: int):
    """The asked assistant answers: would you like this client? yes / maybe / no, with a note."""
    asked = scoping.interest_for(request.user, client_pk)
    form = AnswerForm(initial={"answer": asked.answer if asked.answer != Interest.Answer.ASKED else None})
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.interest_answer(by=request.user, interest=asked, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                report_refusal(request, exc)
            else:
                messages.success(request, _("Thank you, your answer is saved."))
                return redirect("team:calendar")
    return render(request, "team/interest.html", {"asked": asked, "form": form})


def _ids(text: str, most: int) -> list[int]:
    """Comma-separated ids from a hidden field, at most `most` of them (a team has 1 to 10 members)."""
    parts = text[:200].split(",")[:most]
    return [int(p) for p in parts if p.isdigit() and len(p) <= 12]


def _chosen_clients(request) -> list | None:
    """The posted clients (checkbox `client`) of the page's organisation; None when more than a batch.

    An id that is not one of the organisation's clients is 404, as for a client that does not exist."""
    posted = request.POST.getlist("client")[: candidates.MAX_BATCH + 1]
    if len(posted) > candidates.MAX_BATCH:
        return None
    wanted = set(_ids(",".join(posted), candidates.MAX_BATCH))
    if len(wanted) != len(set(posted)):
        raise Http404
    chosen = list(
        clients_for(request.user, write=True, organisation=request.membership.organisation_id)
        .filter(pk__in=wanted)
        .select_related("organisation", "team_needs")
        .prefetch_related("assignments__person")
        .order_by("name", "pk")
    )
    if len(chosen) != len(wanted):
        raise Http404
    return chosen


def _proposal(result, chosen: list, staff: dict[str, Person]) -> dict:
    """The batch's answer for the page: per client its team with each member's score and reasons in words."""
    teams = []
    unassigned = []
    for client in chosen:
        found = {c.assistant.id: c for c in result.candidates.get(str(client.pk), [])}
        if str(client.pk) in result.teams:
            members = [found[pk] for pk in result.teams[str(client.pk)]]
            members.sort(key=lambda c: (-c.score, staff[c.assistant.id].full_name))
            teams.append(
                {
                    "client": client,
                    "members": [
                        {
                            "person": staff[c.assistant.id],
                            "score": c.score,
                            "reasons": [candidates.reason_text(r) for r in c.reasons],
                        }
                        for c in members
                    ],
                    "team": ",".join(c.assistant.id for c in members),
                    "on_it": [a.person for a in client.assignments.all()],
                    "seen": ",".join(str(pk) for pk in sorted(a.person_id for a in client.assignments.all())),
                }
            )
        else:
            unassigned.append({"client": client, "why": _why_unassigned(client, len(found))})
    return {"teams": teams, "unassigned": unassigned, "optimal": result.optimal}


def _why_unassigned(client, eligible: int) -> str:
    needs = candidates.needs_of(client)
    size = max(1, needs.team_size)
    if not eligible:
        return _("Nobody speaks %(language)s at working level with %(share)s h/wk free.") % {
            "language": candidates.language_name(client.preferred_language),
            "share": (Decimal(needs.hours_per_week) / size).quantize(Decimal("0.01")),
        }
    return ngettext(
        "%(count)d could join, but no team of %(size)d covers every need within the free hours, next to the "
        "other clients of this batch.",
        "%(count)d could join, but no team of %(size)d of them covers every need within their free hours, next to "
        "the other clients of this batch.",
        eligible,
    ) % {"count": eligible, "size": size}


@owner_required
def batch_match(request):
    """New clients to match: the clients with needs and no (or a too small) team; teams proposed for the chosen
    ones at once by `match_clients`, as `vadesk match` and the API do. Proposing changes nothing."""
    organisation = request.membership.organisation
    waiting = candidates.clients_waiting(by=request.user, organisation_id=organisation.pk)
    proposal = None
    chosen_ids: set[int] = set()
    if request.method == "POST":
        chosen = _chosen_clients(request)
        if chosen is None:
            messages.error(request, _("Choose at most %(count)d clients at once.") % {"count": candidates.MAX_BATCH})
        elif not chosen:
            messages.error(request, _("Choose at least one client."))
        else:
            chosen_ids = {c.pk for c in chosen}
            result = candidates.match_clients(by=request.user, clients=chosen, today=timezone.localdate())
            proposal = _proposal(result, chosen, {str(p.pk): p for p in _staff(organisation)})
    return render(
        request,
        "team/match.html",
        {
            "waiting": waiting,
            "chosen": chosen_ids,
            "proposal": proposal,
            "max_batch": candidates.MAX_BATCH,
        },
    )


@require_POST
@owner_required
def batch_assign(request):
    """Save the proposed teams, all or none; refused when a client's team changed since they were proposed."""
    chosen = _chosen_clients(request)
    if chosen is None:
        messages.error(request, _("Choose at most %(count)d clients at once.") % {"count": candidates.MAX_BATCH})
        return redirect("team:match")
    try:
        services.team_batch_assign(
            by=request.user,
            proposal={c.pk: _ids(request.POST.get(f"team-{c.pk}", ""), 10) for c in chosen},
            seen={c.pk: set(_ids(request.POST.get(f"seen-{c.pk}", ""), 10)) for c in chosen},
        )
    except (ValidationError, PermissionDenied) as exc:
        report_refusal(request, exc)
    else:
        count = len(chosen)
        messages.success(
            request,
            ngettext("The team of %(count)d client is saved.", "The teams of %(count)d clients are saved.", count)
            % {"count": count},
        )
    return redirect("team:match")


def _chart_words() -> Words:
    return Words(
        capacity=_("capacity"),
        billable=_("billable"),
        non_billable=_("non-billable"),
        planned=_("planned"),
        target=_("target"),
        week=_("week %(week)s"),
    )


def _charted(row: Row, words: Words, weeks: WeekRows) -> dict:
    chart = utilisation_chart_svg(row.weeks, row.forecast, target=row.target, words=words)
    return {"row": row, "chart": chart, "weeks": weeks(row)}


@owner_required
def utilisation(request):
    """Owners: per person and for the team, capacity, planned, logged and utilisation; the 8-week forecast."""
    organisation = request.membership.organisation
    today = timezone.localdate(timezone=ZoneInfo(organisation.time_zone))
    figures = utilisation_for(by=request.user, organisation=organisation, today=today)
    words, weeks = _chart_words(), WeekRows(figures.this_week)
    return render(
        request,
        "team/utilisation.html",
        {
            "figures": figures,
            "team": _charted(figures.team, words, weeks),
            "people": [_charted(row, words, weeks) for row in figures.people],
            "not_placed": sorted(figures.not_placed.items()),
        },
    )


@owner_required
def utilisation_export(request):
    organisation = request.membership.organisation
    today = timezone.localdate(timezone=ZoneInfo(organisation.time_zone))
    figures = utilisation_for(by=request.user, organisation=organisation, today=today)
    response = HttpResponse(utilisation_csv(figures), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(f"{_('utilisation')}-{today:%Y-%m-%d}.csv")
    return response
