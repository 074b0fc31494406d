"""Agenda pages: a client's week and month, their calendars, finding a time and booking it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from vadesk.accounts.decorators import client_user_required, staff_required
from vadesk.agenda import ical, proposals, scoping, services
from vadesk.agenda.availability import AvailabilityError, hours_text, parse_hours_text, ranges_text
from vadesk.agenda.case import CaseError, parse_working_hours
from vadesk.agenda.jobs import calendar_import_job, calendar_sync_job
from vadesk.agenda.models import Calendar, Conflict, Occurrence, Party
from vadesk.agenda.parties import assistant_party, client_party
from vadesk.clients.scoping import client_for, clients_for
from vadesk.jobs.models import JobRun
from vadesk.jobs.runs import run_start
from vadesk.lib.downloads import filename_clean
from vadesk.lib.pages import apply_validation_error
from vadesk.lib.params import param_choice, param_date, param_ids, param_int, param_text


def _zone(request) -> ZoneInfo:
    return ZoneInfo(request.membership.organisation.time_zone)


def _today(zone: ZoneInfo) -> date:
    return timezone.now().astimezone(zone).date()


def _calendars(request, client) -> list[Calendar]:
    own = assistant_party(request.user, request.membership.organisation)
    return list(
        Calendar.objects.filter(Q(party__client=client) | Q(party=own))
        .select_related("party")
        .order_by("party__kind", "name")
    )


def _shown(occurrence: Occurrence, zone: ZoneInfo) -> tuple[datetime, datetime]:
    if occurrence.kind == Occurrence.Kind.FIXED:
        return occurrence.start.astimezone(zone), occurrence.end.astimezone(zone)
    return occurrence.start.replace(tzinfo=zone), occurrence.end.replace(tzinfo=zone)


@staff_required
def agenda_home(request):
    return render(
        request,
        "agenda/home.html",
        {"clients": clients_for(request.user, write=True, organisation=request.membership.organisation_id).active()},
    )


@staff_required
def client_agenda(request, pk: int):
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    zone = _zone(request)
    month = param_choice(request.GET, "view", ["week", "month"], "week") == "month"
    on = param_date(request.GET, "on", _today(zone))
    if month:
        first = on.replace(day=1)
        start_day = first - timedelta(days=first.weekday())
        days = 42
        previous, following = (first - timedelta(days=1)).replace(day=1), (first + timedelta(days=32)).replace(day=1)
    else:
        start_day = on - timedelta(days=on.weekday())
        days = 7
        previous, following = start_day - timedelta(days=7), start_day + timedelta(days=7)
    calendars = _calendars(request, client)
    start = datetime.combine(start_day, time(), zone)
    end = datetime.combine(start_day + timedelta(days=days), time(), zone)
    pad = timedelta(days=1, hours=2)
    # Memory bounded by the page: an event's iCalendar text can be megabytes and is read once per occurrence.
    rows = (
        Occurrence.objects.filter(calendar__in=calendars, start__lt=end + pad, end__gt=start - pad)
        .select_related("event__task", "calendar")
        .defer("event__ics")
    )
    by_day: dict[date, list] = {start_day + timedelta(days=i): [] for i in range(days)}
    for o in rows:
        s, e = _shown(o, zone)
        for i in range(days):
            day = start_day + timedelta(days=i)
            day_start = datetime.combine(day, time(), zone)
            if (s < day_start + timedelta(days=1) and e > day_start) or (s == e and s.date() == day):
                by_day[day].append({"o": o, "start": s, "end": e, "allday": o.kind == Occurrence.Kind.ALLDAY})
    for items in by_day.values():
        items.sort(key=lambda item: (not item["allday"], item["start"]))
    weeks = [list(by_day.items())[i : i + 7] for i in range(0, days, 7)]
    context = {
        "client": client,
        "calendars": calendars,
        "weeks": weeks,
        "month": month,
        "on": on,
        "previous": previous,
        "following": following,
        "zone": zone,
        "sources": Calendar.Source.choices,
        # Both versions of a conflict are whole iCalendar texts too: the page shows only whether ours exists.
        "conflicts": Conflict.objects.filter(event__calendar__in=calendars, resolved_at__isnull=True)
        .select_related("event")
        .annotate(has_local=ExpressionWrapper(~Q(local_ics=""), output_field=BooleanField()))
        .defer("event__ics", "local_ics", "remote_ics"),
    }
    return render(request, "agenda/client.html", context)


@staff_required
@require_POST
def calendar_add(request, pk: int):
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    party = client_party(client)
    try:
        calendar = services.calendar_create(
            by=request.user,
            party=party,
            name=request.POST.get("name", "").strip() or _("Calendar"),
            source=request.POST.get("source", Calendar.Source.LOCAL),
            url=request.POST.get("url", "").strip(),
            username=request.POST.get("username", ""),
            password=request.POST.get("password", ""),
        )
        if calendar.source == Calendar.Source.UPLOAD and "file" in request.FILES:
            started = _import(request, calendar, request.FILES["file"], reverse("agenda_week", args=[client.pk]))
            if started:
                return started
        elif calendar.source in (Calendar.Source.CALDAV, Calendar.Source.SUBSCRIPTION):
            return _sync(request, calendar, reverse("agenda_week", args=[client.pk]))
    except ValidationError as error:
        apply_validation_error(None, request, error)
    return redirect("agenda_week", pk=client.pk)


def _sync(request, calendar: Calendar, back: str) -> HttpResponse:
    """Sync a CalDAV calendar or re-read a subscription as a job (a server may take its time answering); the run's
    page shows how it went and leads back."""
    run = run_start(
        by=request.user,
        organisation=request.membership.organisation,
        job=calendar_sync_job,
        title=gettext_noop("Sync of %(calendar)s"),
        params={"calendar": calendar.name[:100]},
        audience=JobRun.Audience.STARTER,
        back_url=back,
        calendar_id=calendar.pk,
        organisation_id=request.membership.organisation_id,
    )
    return redirect("jobs:run", pk=run.pk)


def _import(request, calendar: Calendar, upload, back: str) -> HttpResponse | None:
    """Store the file and start its import as a job (vadesk/agenda/jobs.py); the run's page shows how it went."""
    if upload.size > ical.MAX_ICS_BYTES:
        messages.error(request, _("The file is too large: at most 10 MB is accepted."))
        return None
    run = run_start(
        by=request.user,
        organisation=request.membership.organisation,
        job=calendar_import_job,
        title=gettext_noop("Import of %(name)s into %(calendar)s"),
        params={"name": filename_clean(upload.name)[:100], "calendar": calendar.name[:100]},
        audience=JobRun.Audience.STARTER,
        back_url=back,
        upload=upload,
        upload_name="calendar.ics",
        calendar_id=calendar.pk,
        organisation_id=request.membership.organisation_id,
    )
    return redirect("jobs:run", pk=run.pk)


@staff_required
@require_POST
def calendar_action(request, calendar_pk: int, action: str):
    calendar = scoping.calendar_staffed(request.user, calendar_pk, request.membership.organisation_id)
    if action == "feed":
        services.calendar_feed_renew(calendar=calendar)
        messages.success(request, _("New feed address made; the old one no longer works."))
    elif action == "revoke":
        services.calendar_feed_revoke(calendar=calendar)
        messages.success(request, _("The feed address no longer works."))
    client_id = calendar.party.client_id
    back = reverse("agenda_week", args=[client_id]) if client_id else reverse("agenda_home")
    if action == "sync" and calendar.source in (Calendar.Source.CALDAV, Calendar.Source.SUBSCRIPTION):
        return _sync(request, calendar, back)
    if action == "upload" and "file" in request.FILES and calendar.source == Calendar.Source.UPLOAD:
        started = _import(request, calendar, request.FILES["file"], back)
        if started:
            return started
    return redirect("agenda_week", pk=client_id) if client_id else redirect("agenda_home")


def _parties(request, client) -> list[Party]:
    own = assistant_party(request.user, request.membership.organisation)
    client_party(client)
    return list(
        scoping.staff_parties(request.user, request.membership.organisation_id).filter(Q(client=client) | Q(pk=own.pk))
    )


FIND_FIELDS = ("duration", "from", "days", "buffer", "travel", "notice")


@staff_required
def find_time(request, pk: int):
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    zone = _zone(request)
    parties = _parties(request, client)
    found, error = None, None
    chosen = param_ids(request.GET, "party")
    if param_text(request.GET, "duration"):
        try:
            first = param_date(request.GET, "from", _today(zone))
            days = param_int(request.GET, "days", 14, lo=1, hi=92, strict=True)
            req = proposals.Request(
                [p for p in parties if p.pk in chosen] or parties,
                datetime.combine(first, time(), zone),
                datetime.combine(first + timedelta(days=days), time(), zone),
                param_int(request.GET, "duration", 60, lo=5, hi=1440, strict=True),
                15,
                param_int(request.GET, "buffer", 0, lo=0, hi=240, strict=True),
                param_int(request.GET, "travel", 0, lo=0, hi=480, strict=True),
                param_int(request.GET, "notice", 0, lo=0, hi=60 * 24 * 30, strict=True),
            )
            found = [
                (p, p.start.astimezone(zone), p.end.astimezone(zone)) for p in proposals.propose(req, timezone.now())
            ]
        except (BadRequest, ValueError):
            error = _("Give whole numbers for the minutes and days.")
    calendars = [c for c in _calendars(request, client) if c.writable and c.party.client_id == client.pk]
    searched = [p for p in parties if p.pk in chosen] or parties
    context = {
        "client": client,
        "parties": parties,
        "unread": proposals.unread_calendars(searched) if found is not None else [],
        # The people the time was found for are the ones to invite: their addresses, once each, ready to edit.
        "invitees": "\n".join(dict.fromkeys(p.email for p in searched if p.email)),
        "chosen": chosen,
        "found": found,
        "error": error,
        "calendars": calendars,
        "tasks": client.tasks.exclude(status__in=["done", "cancelled"]),
        "zone": zone,
        # What was typed, back on the form (cut short: it is shown, not used).
        "params": {name: param_text(request.GET, name, max_length=20) for name in FIND_FIELDS},
    }
    context["default_buffer"], context["default_travel"] = proposals.defaults(parties)
    return render(request, "agenda/find.html", context)


@staff_required
@require_POST
def book(request, pk: int):
    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    try:
        calendar = scoping.calendar_staffed(
            request.user, int(request.POST.get("calendar", 0)), request.membership.organisation_id
        )
        start = datetime.fromisoformat(request.POST["start"])
        end = datetime.fromisoformat(request.POST["end"])
        task_id = request.POST.get("task")
        task = client.tasks.filter(pk=task_id).first() if task_id else None
        attendees = [
            (line.strip(), "")
            for line in request.POST.get("attendees", "").replace(",", "\n").splitlines()
            if "@" in line
        ]
        services.booking_create(
            by=request.user,
            calendar=calendar,
            start=start,
            end=end,
            summary=request.POST.get("summary", ""),
            attendees=attendees,
            location=request.POST.get("location", ""),
            task=task,
            log_minutes=int(request.POST.get("log_minutes") or 0),
        )
        messages.success(request, _("Booked; the invitations are on their way."))
        return redirect(reverse("agenda_week", args=[client.pk]) + f"?on={start.astimezone(_zone(request)).date()}")
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
    except (KeyError, ValueError):
        messages.error(request, _("That slot could not be read; choose it again."))
    return redirect("agenda_find", pk=client.pk)


@staff_required
@require_POST
def cancel(request, event_pk: int):
    event = scoping.event_staffed(request.user, event_pk, request.membership.organisation_id)
    try:
        services.booking_cancel(by=request.user, event=event)
        messages.success(request, _("Cancelled; the attendees are told."))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
    client_id = event.calendar.party.client_id
    return redirect("agenda_week", pk=client_id) if client_id else redirect("agenda_home")


@staff_required
@require_POST
def party_add(request, pk: int):
    """An outside party for finding a time: their zone, their working days' hours and, if given, their .ics."""
    from zoneinfo import available_timezones

    client = client_for(request.user, pk, write=True, organisation=request.membership.organisation_id)
    name, zone = request.POST.get("name", "").strip(), request.POST.get("time_zone", "Europe/Amsterdam")
    start, end = request.POST.get("from", "09:00"), request.POST.get("until", "17:00")
    if not name or zone not in available_timezones():
        messages.error(request, _("Give a name and a known time zone."))
        return redirect("agenda_find", pk=client.pk)
    hours = {day: [[start, end]] for day in ("mon", "tue", "wed", "thu", "fri")}
    try:
        parse_working_hours(hours, name)
    except CaseError as exc:
        messages.error(request, str(exc))
        return redirect("agenda_find", pk=client.pk)
    find = reverse("agenda_find", args=[client.pk]) + "?" + request.POST.get("query", "")
    party = Party.objects.create(
        organisation=client.organisation,
        client=client,
        kind=Party.Kind.EXTERNAL,
        name=name[:150],
        email=request.POST.get("email", "")[:254],
        time_zone=zone,
        working_hours=hours,
    )
    if "file" in request.FILES:
        calendar = Calendar.objects.create(party=party, name=_("Free/busy"), source=Calendar.Source.UPLOAD)
        started = _import(request, calendar, request.FILES["file"], find)
        if started:
            return started
    return redirect(find)


def _party_form(party: Party) -> dict:

    return {
        "name": party.name,
        "email": party.email,
        "time_zone": party.time_zone,
        "working_hours": hours_text(party.working_hours),
        "preferred_hours": hours_text(party.preferred_hours or {}),
        "buffer_minutes": party.buffer_minutes,
        "travel_minutes": party.travel_minutes,
        "max_meetings_per_day": party.max_meetings_per_day,
        "availability": ranges_text(party.availability, ZoneInfo(party.time_zone)),
    }


@staff_required
def party_edit(request, party_pk: int):
    """A party's zone, working and preferred hours, buffer/travel defaults, daily cap and (outside parties) pasted availability."""

    party = scoping.party_editable(request.user, party_pk, request.membership.organisation_id)
    form, errors = _party_form(party), {}
    if request.method == "POST":
        form = {key: request.POST.get(key, "").strip() for key in form}
        changes: dict = {"time_zone": form["time_zone"]}
        if party.kind == Party.Kind.EXTERNAL:
            changes.update(name=form["name"], email=form["email"], availability=form["availability"])
        for key in ("working_hours", "preferred_hours"):
            try:
                changes[key] = parse_hours_text(form[key])
            except AvailabilityError as exc:
                errors[key] = [str(exc)]
        for key in ("buffer_minutes", "travel_minutes", "max_meetings_per_day"):
            if form[key] == "" and key == "max_meetings_per_day":
                changes[key] = None
            elif form[key].isdigit():
                changes[key] = int(form[key])
            else:
                errors[key] = [
                    _("Give a whole number of minutes.") if key != "max_meetings_per_day" else _("Give a whole number.")
                ]
        if not errors:
            try:
                services.party_update(by=request.user, party=party, **changes)
                messages.success(request, _("Saved."))
                return redirect("agenda_party", party_pk=party.pk)
            except ValidationError as error:
                errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            except PermissionDenied as error:
                errors = {"__all__": [str(error)]}
    context = {"party": party, "form": form, "errors": errors, "general_errors": errors.get("__all__", [])}
    return render(request, "agenda/party.html", context, status=400 if errors else 200)


@staff_required
def move(request, event_pk: int):
    """Moving an appointment: the next best times for everyone invited (the same finder and ranking), then one click."""
    event = scoping.event_staffed(request.user, event_pk, request.membership.organisation_id)
    zone = _zone(request)
    back = (
        redirect("agenda_week", pk=event.calendar.party.client_id)
        if event.calendar.party.client_id
        else redirect("agenda_home")
    )
    if request.method == "POST":
        try:
            start, end = datetime.fromisoformat(request.POST["start"]), datetime.fromisoformat(request.POST["end"])
            services.booking_move(by=request.user, event=event, start=start, end=end)
            messages.success(request, _("Moved; the attendees get the new time."))
            return back
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        except (KeyError, ValueError):
            messages.error(request, _("That slot could not be read; choose it again."))
        return redirect("agenda_move", event_pk=event.pk)
    days = param_int(request.GET, "days", 14, lo=1, hi=92)
    move = proposals.for_move(
        event, by=request.user, organisation=request.membership.organisation, now=timezone.now(), zone=zone, days=days
    )
    found = [(p, p.start.astimezone(zone), p.end.astimezone(zone)) for p in move.proposals]
    current_start, current_end = move.current
    return render(
        request,
        "agenda/move.html",
        {
            "event": event,
            "found": found,
            "parties": move.request.parties,
            "unknown": move.unknown,
            "zone": zone,
            "current": (current_start.astimezone(zone), current_end.astimezone(zone)),
            "days": days,
        },
    )


@staff_required
@require_POST
def conflict_resolve(request, event_pk: int, choice: str):
    """ "Keep mine" sends our version up (If-Match the server's ETag); "take theirs" keeps the server's, already in place."""
    event = scoping.event_staffed(request.user, event_pk, request.membership.organisation_id)
    try:
        if choice == "mine":
            services.conflict_keep_mine(by=request.user, event=event)
            messages.success(request, _("Kept your version."))
            if event.calendar.source == Calendar.Source.CALDAV:  # it goes up to the server now, as a job
                client_id = event.calendar.party.client_id
                back = reverse("agenda_week", args=[client_id]) if client_id else reverse("agenda_home")
                return _sync(request, event.calendar, back)
        elif choice == "theirs":
            services.conflict_take_theirs(by=request.user, event=event)
            messages.success(request, _("Took the server's version."))
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
    client_id = event.calendar.party.client_id
    return redirect("agenda_week", pk=client_id) if client_id else redirect("agenda_home")


@client_user_required
def portal_week(request):
    """The client portal's agenda: a week list of the client's own calendars (not the assistant's, not outside parties')."""
    client = request.portal_client
    party = Party.objects.filter(client=client, kind=Party.Kind.CLIENT).first()
    zone = ZoneInfo(party.time_zone if party else client.organisation.time_zone)
    on = param_date(request.GET, "on", _today(zone))
    start_day = on - timedelta(days=on.weekday())
    start, end = (
        datetime.combine(start_day, time(), zone),
        datetime.combine(start_day + timedelta(days=7), time(), zone),
    )
    pad = timedelta(days=1, hours=2)
    rows = scoping.client_occurrences(client).filter(start__lt=end + pad, end__gt=start - pad)
    days: dict[date, list] = {start_day + timedelta(days=i): [] for i in range(7)}
    for o in rows:
        s, e = _shown(o, zone)
        for day in days:
            day_start = datetime.combine(day, time(), zone)
            if (s < day_start + timedelta(days=1) and e > day_start) or (s == e and s.date() == day):
                days[day].append({"o": o, "start": s, "end": e, "allday": o.kind == Occurrence.Kind.ALLDAY})
    for items in days.values():
        items.sort(key=lambda item: (not item["allday"], item["start"]))
    return render(
        request,
        "agenda/portal.html",
        {
            "client": client,
            "days": list(days.items()),
            "zone": zone,
            "start_day": start_day,
            "previous": start_day - timedelta(days=7),
            "following": start_day + timedelta(days=7),
        },
    )
