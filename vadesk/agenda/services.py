"""Booking, moving and cancelling on a client's behalf; invitations out, replies in; reminders."""

from __future__ import annotations

import email
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from vadesk.accounts.models import Person
from vadesk.agenda import itip
from vadesk.agenda.availability import AvailabilityError, parse_availability
from vadesk.agenda.caldav_sync import calendar_refresh
from vadesk.agenda.case import CaseError, parse_working_hours
from vadesk.agenda.importing import _describe
from vadesk.agenda.materialise import calendar_materialise
from vadesk.agenda.models import Attendee, Calendar, Event, Occurrence, Party, ReminderSent
from vadesk.clients.models import Client, Contact
from vadesk.clients.scoping import is_staff_for
from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import outbox_enqueue
from vadesk.comms.routing import Draft, contact_remind, preference_of
from vadesk.comms.texts import compose
from vadesk.lib.formatting import DAY_LOCALES, format_day
from vadesk.lib.hooks import Hook
from vadesk.tasks import routing
from vadesk.tasks.models import Category, Priority, Source, Task
from vadesk.tasks.services import task_create
from vadesk.timesheets.services import time_entry_log

booking_made = Hook("agenda.booking_made")  # event=, by=, start=, end=: inside the booking's transaction
booking_moved = Hook("agenda.booking_moved")  # event=, by=, start=, end=: inside the move's transaction


def _check_staff(by: Person, calendar: Calendar) -> None:
    party = calendar.party
    if party.client is not None:
        if not is_staff_for(by, party.client):
            raise PermissionDenied(_("Only the team working for this client can do this."))
    elif party.person_id != by.pk:
        raise PermissionDenied(_("Only the assistant can change their own calendar."))
    if not calendar.writable:
        raise ValidationError(_("This calendar is read-only (a subscription or an uploaded file)."))


def _meeting(event: Event, *, start: datetime, end: datetime, sequence: int, cancelled: bool = False) -> itip.Meeting:
    party = event.calendar.party
    booked_by = event.booked_by
    organizer = itip.Person(party.email or (booked_by.email if booked_by else settings.DEFAULT_FROM_EMAIL), party.name)
    sent_by = booked_by.email if booked_by and booked_by.email != organizer.email else ""
    attendees = tuple(itip.Person(a.email, a.name) for a in event.attendees.all())
    return itip.Meeting(
        uid=event.uid,
        sequence=sequence,
        start=start,
        end=end,
        summary=event.summary,
        organizer=organizer,
        attendees=attendees,
        location=event.location,
        sent_by=sent_by,
        cancelled=cancelled,
    )


def _validate(start: datetime, end: datetime, summary: str) -> None:
    errors = {}
    if timezone.is_naive(start) or timezone.is_naive(end):
        errors["start"] = [_("Give the time with its time zone.")]
    elif end <= start:
        errors["end"] = [_("The appointment must end after it starts.")]
    elif end - start > timedelta(days=14):
        errors["end"] = [_("An appointment may last at most 14 days.")]
    if not summary.strip():
        errors["summary"] = [_("Give the appointment a title.")]
    if errors:
        raise ValidationError(errors)


def _store(event: Event, meeting: itip.Meeting) -> None:
    partstats = {a.email.lower(): a.status for a in event.attendees.all()}
    event.ics = itip.calendar_object(meeting, partstats)
    event.sequence = meeting.sequence
    event.pending_push = event.calendar.source == Calendar.Source.CALDAV
    event.save()
    calendar_materialise(calendar=event.calendar)
    if event.pending_push:
        # The server gets it right after commit; if it is down, `vadesk agenda_sync` retries.
        calendar = event.calendar
        transaction.on_commit(lambda: calendar_refresh(calendar=calendar))


def _send(event: Event, meeting: itip.Meeting, method: str, *, language: str) -> None:
    """Queue the iMIP message (RFC 6047) for each attendee in the comms outbox, inside the booking's transaction.

    The outbox worker delivers it and retries while SMTP is down; nothing here talks to the network.
    """
    if not meeting.attendees:
        return
    with translation.override(language):
        when = format_day(timezone.localtime(meeting.start), "D j M Y H:i")
        if method == "CANCEL":
            subject = _("Cancelled: %(summary)s (%(when)s)") % {"summary": meeting.summary, "when": when}
            body = _("This appointment is cancelled: %(summary)s on %(when)s.") % {
                "summary": meeting.summary,
                "when": when,
            }
        else:
            subject = _("Invitation: %(summary)s (%(when)s)") % {"summary": meeting.summary, "when": when}
            body = _("You are invited to %(summary)s on %(when)s. Your calendar program can accept or decline.") % {
                "summary": meeting.summary,
                "when": when,
            }
    text = itip.itip(meeting, method)
    # RFC 6047 §2.4: the text/calendar alternative carries the method; the .ics copy is for programs that want a file.
    ics = ("invite.ics" if method == "REQUEST" else "cancel.ics", "application/ics", text.encode())
    party = event.calendar.party
    for attendee in meeting.attendees:
        outbox_enqueue(
            organisation_id=party.organisation_id,
            client_id=party.client_id,
            kind=OutboxMessage.Kind.INVITATION,
            recipient=attendee.email,
            subject=subject,
            body_text=body,
            body_calendar=text,
            attachments=[ics],
            reply_to=meeting.organizer.email,  # an attendee's answer belongs to the organiser (RFC 6047 §3)
        )


def booking_create(
    *,
    by: Person,
    calendar: Calendar,
    start: datetime,
    end: datetime,
    summary: str,
    attendees: Sequence[tuple[str, str]] = (),
    location: str = "",
    task: Task | None = None,
    log_minutes: int = 0,
    send: bool = True,
    uid: str | None = None,
) -> Event:
    """Book an appointment in a client's (or the assistant's own) calendar and invite the attendees (iTIP REQUEST)."""
    _check_staff(by, calendar)
    _validate(start, end, summary)
    if task is not None and task.client_id != calendar.party.client_id:
        raise ValidationError({"task": [_("The task belongs to another client.")]})
    with transaction.atomic():
        event = Event.objects.create(
            calendar=calendar,
            uid=uid or f"{uuid.uuid4()}@vadesk",
            ics="",
            summary=summary.strip()[:300],
            location=location[:300],
            task=task,
            booked_by=by,
        )
        seen = set()
        for address, name in attendees:
            if address.lower() not in seen:
                seen.add(address.lower())
                Attendee.objects.create(event=event, email=address.lower(), name=name)
        meeting = _meeting(event, start=start, end=end, sequence=0)
        event.organizer_email = meeting.organizer.email
        _store(event, meeting)
        if log_minutes and task is not None and task.engagement is not None:
            time_entry_log(
                by=by,
                engagement=task.engagement,
                task=task,
                work_date=timezone.localdate(),
                minutes=log_minutes,
                note=_("Booked: %(summary)s") % {"summary": summary},
            )
        if send:
            _send(event, meeting, "REQUEST", language=_language(calendar))
        booking_made.fire(event=event, by=by, start=start, end=end)
    return event


def _language(calendar: Calendar) -> str:
    client = calendar.party.client
    return client.preferred_language if client else "en"


def _current_range(event: Event) -> tuple[datetime, datetime]:
    """The stored start and end of an appointment vadesk booked (always DATE-TIMEs: see `_meeting`)."""
    component = icalendar.Calendar.from_ical(event.ics).walk("VEVENT")[0]
    start, end = component.decoded("DTSTART"), component.decoded("DTEND")
    if not (isinstance(start, datetime) and isinstance(end, datetime)):
        raise ValidationError(
            _("Only appointments booked in vadesk can be moved here; change others in their own calendar.")
        )
    return start, end


def booking_move(*, by: Person, event: Event, start: datetime, end: datetime, send: bool = True) -> Event:
    """Move an appointment vadesk booked: SEQUENCE goes up and the attendees get the updated REQUEST."""
    _check_staff(by, event.calendar)
    _validate(start, end, event.summary)
    if not event.booked_by_id:
        raise ValidationError(
            _("Only appointments booked in vadesk can be moved here; change others in their own calendar.")
        )
    with transaction.atomic():
        meeting = _meeting(event, start=start, end=end, sequence=event.sequence + 1)
        # A new time needs a new answer from everyone (RFC 5546 §2.1.4).
        event.attendees.update(status=Attendee.Status.NEEDS_ACTION, answered_at=None)
        _store(event, meeting)
        reminders_withdraw(event=event)  # a reminder waiting for the old time must not go out
        if send:
            _send(event, meeting, "REQUEST", language=_language(event.calendar))
        booking_moved.fire(event=event, by=by, start=start, end=end)
    return event


def booking_cancel(*, by: Person, event: Event, send: bool = True) -> Event:
    """Cancel: the stored event becomes STATUS:CANCELLED (so it frees the time) and attendees get METHOD:CANCEL."""
    _check_staff(by, event.calendar)
    if not event.booked_by_id:
        raise ValidationError(_("Only appointments booked in vadesk can be cancelled here."))
    start, end = _current_range(event)
    with transaction.atomic():
        meeting = _meeting(event, start=start, end=end, sequence=event.sequence + 1, cancelled=True)
        _store(event, meeting)
        reminders_withdraw(event=event)  # a reminder waiting for the old time must not go out
        if send:
            _send(event, meeting, "CANCEL", language=_language(event.calendar))
    return event


@dataclass
class ReplyFiling:
    """What became of the answers in one incoming iTIP REPLY."""

    applied: int = 0  # attendee statuses changed
    stale: int = 0  # answers to an older SEQUENCE, ignored (RFC 5546 §2.1.5)
    problems: list[str] = field(default_factory=list)  # why an answer could not be applied: a person should look


def itip_answers_file(*, parts: list[bytes], sender: str, organisation_id: int | None) -> ReplyFiling | None:
    """The inbound mail's reader of calendar parts: None when they hold no METHOD:REPLY, else what was filed."""
    replies = itip.replies_in_parts(parts)
    if not replies:
        return None
    return itip_reply_file(replies=replies, sender=sender, organisation_id=organisation_id)


def itip_reply_apply(*, message: bytes | str) -> int:
    """Apply the REPLY answers in an incoming MIME message (its From is the sender); returns how many changed."""
    parsed = email.message_from_bytes(message) if isinstance(message, bytes) else email.message_from_string(message)
    sender = parseaddr(str(parsed.get("From", "")))[1]
    return itip_reply_file(replies=itip.replies_in(message), sender=sender).applied


def itip_reply_file(*, replies: list[itip.Reply], sender: str, organisation_id: int | None = None) -> ReplyFiling:
    """Apply attendees' answers (PARTSTAT) to the appointments vadesk booked.

    An answer counts only from the attendee it speaks for (the mail's sender: anyone may write a
    REPLY naming someone else), for an appointment vadesk organises (within the receiving
    organisation when known) and for its current SEQUENCE; anything else changes nothing and is
    reported in `problems`, so the message goes to triage.
    """
    filing = ReplyFiling()
    sender = sender.strip().lower()
    for reply in replies:
        if reply.partstat not in Attendee.Status.values:
            filing.problems.append(f"Unknown answer {reply.partstat or '(none)'} for {reply.uid}.")
            continue
        if reply.attendee != sender:
            filing.problems.append(f"An answer for {reply.attendee} sent by {sender or 'nobody'}.")
            continue
        events = Event.objects.select_for_update().filter(uid=reply.uid, booked_by__isnull=False)
        if organisation_id is not None:
            events = events.filter(calendar__party__organisation_id=organisation_id)
        with transaction.atomic():
            found = list(events)
            if not found:
                filing.problems.append(f"No appointment booked in vadesk has the UID {reply.uid}.")
            for event in found:
                _reply_to_event(event, reply, filing)
    return filing


def _reply_to_event(event: Event, reply: itip.Reply, filing: ReplyFiling) -> None:
    attendee = event.attendees.filter(email=reply.attendee).first()
    if attendee is None:
        filing.problems.append(f"{reply.attendee} is not invited to “{event.summary}”.")
        return
    if reply.sequence < event.sequence:
        filing.stale += 1
        return
    attendee.status, attendee.answered_at = reply.partstat, timezone.now()
    attendee.save(update_fields=["status", "answered_at"])
    start, end = _current_range(event)
    partstats = {a.email.lower(): a.status for a in event.attendees.all()}
    event.ics = itip.calendar_object(_meeting(event, start=start, end=end, sequence=event.sequence), partstats)
    event.pending_push = event.calendar.source == Calendar.Source.CALDAV  # `vadesk agenda_sync` pushes it
    event.save(update_fields=["ics", "pending_push", "updated_at"])
    filing.applied += 1


REMINDER_LEAD = timedelta(hours=24)  # a reminder is meant to arrive a day before the appointment
REMINDER_HORIZON = timedelta(hours=72)  # looked at this far ahead, so "before the quiet weekend" can be planned


def _reminder_prefix(reminder: ReminderSent) -> str:
    return f"agenda-reminder:{reminder.pk}"


def _reminder_draft(occurrence: Occurrence, *, client, contact_name: str, language: str, zone: str) -> Draft:
    when = format_day(occurrence.start.astimezone(ZoneInfo(zone)), "D j M Y H:i", DAY_LOCALES.get(language, "en_GB"))
    values = {
        "contact": contact_name,
        "client": client.name,
        "appointment": occurrence.summary,
        "when": when,
        "organisation": client.organisation.name,
    }
    subject, text = compose("reminder", organisation_id=client.organisation_id, language=language, values=values)
    return Draft(kind=OutboxMessage.Kind.REMINDER, subject=subject, text=text)


def appointment_cover(*, occurrence: Occurrence, client: Client) -> Task | None:
    """When the assistant who booked a client's appointment will be away at its start, the appointment goes
    through the routing rule like any work that arrives: a task for the first present member of the client's
    team in the order of cover (the owners' queue when nobody fits), its history saying why. Runs when the
    appointment's reminder is claimed, so once per occurrence; None when the booker is there (or unknown)."""
    holder = occurrence.event.booked_by
    if holder is None or not is_staff_for(holder, client):
        return None
    route = routing.route(client=client, category=Category.AGENDA, at=occurrence.start, preferred=[holder])
    if route.rule == routing.Rule.KEPT:
        return None
    zone = ZoneInfo(client.organisation.time_zone)
    with translation.override(route.people[0].language if route.people else None):
        when = formats.date_format(occurrence.start.astimezone(zone), "DATETIME_FORMAT")
        name = holder.first_name or str(holder)
        title = _("Take over the appointment “%(appointment)s” on %(when)s: %(name)s is away") % {
            "appointment": occurrence.summary or occurrence.event.summary,
            "when": when,
            "name": name,
        }
        lines = [_("Booked by %(name)s, who is away then.") % {"name": holder}]
        if occurrence.event.location:
            lines.append(_("Where: %(location)s") % {"location": occurrence.event.location})
    return task_create(
        by=holder,
        client=client,
        title=title[:200],
        description="\n".join(lines),
        category=Category.AGENDA,
        priority=Priority.HIGH,
        due_at=occurrence.start,
        source=Source.MESSAGE,
        route=replace(route, channel=routing.Channel.APPOINTMENT),
    )


def reminders_withdraw(*, now: datetime | None = None, event: Event | None = None) -> int:
    """Take back reminders still waiting in the outbox for an occurrence that moved, was cancelled or vanished.

    Only rows still `pending` are deleted (a conditional DELETE: one a worker has claimed is left
    alone). When nothing of it went out the claim goes too, so an appointment moved back to its old
    time is reminded again; a reminder that did go out keeps its claim (no second one for that time).
    """
    now = now or timezone.now()
    reminders = ReminderSent.objects.filter(start__gt=now).select_related("event")
    if event is not None:
        reminders = reminders.filter(event=event)
    withdrawn = 0
    for reminder in reminders:
        if Occurrence.objects.filter(
            event=reminder.event, start=reminder.start, kind=Occurrence.Kind.FIXED, busy=True
        ).exists():
            continue
        rows = OutboxMessage.objects.filter(dedupe_key__startswith=_reminder_prefix(reminder) + ":")
        with transaction.atomic():
            withdrawn += rows.filter(state=OutboxMessage.State.PENDING).delete()[0]
            if not rows.exists():
                reminder.delete()  # nothing of it went out: the claim goes too
    return withdrawn


def reminders_send(
    *, now: datetime | None = None, lead: timedelta = REMINDER_LEAD, horizon: timedelta = REMINDER_HORIZON
) -> int:
    """Queue reminders for the clients' appointments through the comms outbox; returns how many appointments.

    For each appointment in a client's calendar in the coming `horizon` not yet reminded, one
    transaction claims it (`ReminderSent`, unique per occurrence) and writes the outbox rows: to
    every contact of that client with a saved communication preference, in their language and time
    zone, by their fastest chosen channel, `lead` before the start but out of their quiet hours
    (`comms.schedule.timebound_moment`), never bundled into a digest. A client without such
    contacts gets it at the client's own e-mail address, as before the hub existed.
    """
    now = now or timezone.now()
    reminders_withdraw(now=now)
    due = Occurrence.objects.filter(
        calendar__party__kind=Party.Kind.CLIENT,
        kind=Occurrence.Kind.FIXED,
        busy=True,
        start__gt=now,
        start__lte=now + horizon,
    ).select_related("event__booked_by", "calendar__party__client__organisation")
    done = set(ReminderSent.objects.filter(start__gt=now, start__lte=now + horizon).values_list("event_id", "start"))
    queued = 0
    for occurrence in due:
        client = occurrence.calendar.party.client
        if client is None or (occurrence.event_id, occurrence.start) in done:
            continue
        contacts = list(
            Contact.objects.filter(client=client, comms_preference__isnull=False).select_related(
                "comms_preference", "client__organisation"
            )
        )
        if not contacts and not client.email:
            continue  # nobody to remind; not claimed, so an address added later still gets it
        ideal = occurrence.start - lead
        with transaction.atomic():
            reminder, created = ReminderSent.objects.get_or_create(event=occurrence.event, start=occurrence.start)
            if not created:
                continue  # another run got here first
            prefix = _reminder_prefix(reminder)
            appointment_cover(occurrence=occurrence, client=client)
            for contact in contacts:
                preference = preference_of(contact)
                draft = _reminder_draft(
                    occurrence,
                    client=client,
                    contact_name=contact.name,
                    language=preference.language,
                    zone=preference.time_zone,
                )
                contact_remind(
                    contact=contact,
                    preference=preference,
                    draft=draft,
                    ideal=ideal,
                    deadline=occurrence.start,
                    dedupe_key=prefix,
                    now=now,
                )
            if not contacts:
                draft = _reminder_draft(
                    occurrence,
                    client=client,
                    contact_name=client.name,
                    language=client.preferred_language,
                    zone=client.organisation.time_zone,
                )
                outbox_enqueue(
                    organisation_id=client.organisation_id,
                    client_id=client.pk,
                    kind=draft.kind,
                    recipient=client.email,
                    subject=draft.subject,
                    body_text=draft.text,
                    not_before=max(ideal, now),
                    dedupe_key=f"{prefix}:client:email",
                )
        queued += 1
    return queued


def calendar_create(
    *, by: Person, party: Party, name: str, source: str, url: str = "", username: str = "", password: str = ""
) -> Calendar:
    if party.client is not None and not is_staff_for(by, party.client):
        raise PermissionDenied(_("Only the team working for this client can do this."))
    if source in (Calendar.Source.CALDAV, Calendar.Source.SUBSCRIPTION) and not url:
        raise ValidationError({"url": [_("Give the calendar's address.")]})
    if len(password) > 200:
        raise ValidationError({"password": [_("The password may be at most 200 characters.")]})
    return Calendar.objects.create(party=party, name=name, source=source, url=url, username=username, password=password)


def calendar_feed_renew(*, calendar: Calendar) -> str:
    """A new secret feed address; the old one stops working at once."""
    calendar.feed_token = Calendar.new_feed_token()
    calendar.save(update_fields=["feed_token"])
    return calendar.feed_token


def calendar_feed_revoke(*, calendar: Calendar) -> None:
    calendar.feed_token = ""
    calendar.save(update_fields=["feed_token"])


def conflict_keep_mine(*, by: Person, event: Event) -> None:
    """Resolve the open conflict with our version: it goes to the server (If-Match the server's current ETag)."""
    _check_staff(by, event.calendar)
    conflict = event.conflicts.filter(resolved_at__isnull=True).order_by("-detected_at").first()
    if conflict is None or not conflict.local_ics:
        raise ValidationError(_("There is no open conflict with a version of ours."))
    with transaction.atomic():
        event.ics, event.pending_push = conflict.local_ics, True
        _describe(event)
        event.save()
        event.conflicts.filter(resolved_at__isnull=True).update(resolved_at=timezone.now(), resolution="ours")
        calendar_materialise(calendar=event.calendar)


def conflict_take_theirs(*, by: Person, event: Event) -> None:
    """Resolve the open conflict with the server's version, which is already in place: ours is dropped."""
    _check_staff(by, event.calendar)
    if not event.conflicts.filter(resolved_at__isnull=True).exists():
        raise ValidationError(_("There is no open conflict for this appointment."))
    event.conflicts.filter(resolved_at__isnull=True).update(resolved_at=timezone.now(), resolution="theirs")


def _check_party(by: Person, party: Party) -> None:
    if party.client is not None:
        if not is_staff_for(by, party.client):
            raise PermissionDenied(_("Only the team working for this client can do this."))
    elif party.person_id != by.pk:
        raise PermissionDenied(_("Only the assistant can change their own hours."))


PARTY_FIELDS = (
    "name",
    "email",
    "time_zone",
    "working_hours",
    "preferred_hours",
    "buffer_minutes",
    "travel_minutes",
    "max_meetings_per_day",
    "availability",
)


def party_update(*, by: Person, party: Party, **changes) -> Party:
    """Change a party's hours, zone and scheduling defaults; everything is checked before anything is saved.

    `working_hours`/`preferred_hours` are {"mon": [["09:00", "12:30"], …]} (the `vadesk slots` form);
    `availability` is pasted text (availability.parse_availability) and only for outside parties.
    """
    from zoneinfo import ZoneInfo, available_timezones

    _check_party(by, party)
    unknown = set(changes) - set(PARTY_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    errors: dict[str, list[str]] = {}
    values = {key: getattr(party, key) for key in PARTY_FIELDS}
    values.update(changes)
    if party.kind != Party.Kind.EXTERNAL:
        changes.pop("name", None)
        changes.pop("email", None)
    elif not str(values["name"]).strip():
        errors["name"] = [_("Give a name.")]
    if values["time_zone"] not in available_timezones():
        errors["time_zone"] = [
            _("%(tz)s is not a known time zone (IANA, like Europe/Amsterdam).") % {"tz": values["time_zone"]}
        ]
    for key in ("working_hours", "preferred_hours"):
        try:
            parse_working_hours(values[key] or {}, key)
        except CaseError as exc:
            errors[key] = [str(exc)]
    for key, top in (("buffer_minutes", 240), ("travel_minutes", 480), ("max_meetings_per_day", 50)):
        value = values[key]
        if value is None and key == "max_meetings_per_day":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
            errors[key] = [_("Give a whole number from 0 to %(top)s.") % {"top": top}]
    if "availability" in changes:
        if party.kind != Party.Kind.EXTERNAL and changes["availability"]:
            errors["availability"] = [_("Pasted availability is only for outside parties.")]
        elif "time_zone" not in errors:
            try:
                hours, ranges = parse_availability(str(changes["availability"] or ""), ZoneInfo(values["time_zone"]))
            except AvailabilityError as exc:
                errors["availability"] = [str(exc)]
            else:
                values["availability"] = [[s.isoformat(), e.isoformat()] for s, e in ranges]
                if hours:
                    values["working_hours"] = hours
    if errors:
        raise ValidationError(errors)
    for key in PARTY_FIELDS:
        setattr(party, key, values[key])
    party.name, party.email = str(party.name).strip()[:150], str(party.email or "").strip()[:254]
    party.save()
    return party
