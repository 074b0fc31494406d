"""Calendars of clients, assistants and outside parties; their events; the materialised occurrences."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vadesk.accounts.models import Organisation, validate_time_zone
from vadesk.agenda.crypto import EncryptedTextField
from vadesk.clients.models import Client
from vadesk.tasks.models import Task


def default_working_hours() -> dict[str, list[list[str]]]:
    return {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


class Party(models.Model):
    """Someone whose free/busy counts when finding a time: the client, an assistant, or an outside party."""

    class Kind(models.TextChoices):
        CLIENT = "client", _("Client")
        ASSISTANT = "assistant", _("Assistant")
        EXTERNAL = "external", _("Outside party")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="agenda_parties")
    # The client a CLIENT or EXTERNAL party belongs to; None for an assistant.
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.CASCADE, related_name="agenda_parties")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="agenda_parties"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"), blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Amsterdam", validators=[validate_time_zone]
    )
    working_hours = models.JSONField(_("working hours"), default=default_working_hours)
    preferred_hours = models.JSONField(_("preferred hours"), default=dict, blank=True)
    max_meetings_per_day = models.PositiveSmallIntegerField(_("at most meetings per day"), null=True, blank=True)
    # Defaults offered when finding a time with this party (the client's travel time; the largest buffer).
    buffer_minutes = models.PositiveSmallIntegerField(_("buffer before and after (minutes)"), default=0)
    travel_minutes = models.PositiveSmallIntegerField(_("travel time (minutes)"), default=0)
    # Pasted availability of an outside party: [[start, end], …] as UTC ISO strings; empty = not limited.
    availability = models.JSONField(_("availability"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"], condition=models.Q(kind="client"), name="agenda_one_client_party"
            ),
            models.UniqueConstraint(
                fields=["organisation", "person"],
                condition=models.Q(kind="assistant"),
                name="agenda_one_assistant_party",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Calendar(models.Model):
    class Source(models.TextChoices):
        LOCAL = "local", _("Kept in vadesk")
        CALDAV = "caldav", _("CalDAV collection (two-way)")
        SUBSCRIPTION = "subscription", _("Subscription URL (read-only)")
        UPLOAD = "upload", _("Uploaded .ics file")

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="calendars")
    name = models.CharField(_("name"), max_length=150)
    color = models.CharField(_("colour"), max_length=7, default="#3b82f6")
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.LOCAL)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    username = models.CharField(_("user name"), max_length=150, blank=True)
    # Kept to talk to the server, encrypted at rest (crypto.py: Fernet, key from VADESK_ENCRYPTION_KEY or SECRET_KEY).
    password = EncryptedTextField(_("password"), blank=True)
    sync_token = models.CharField(max_length=500, blank=True)
    refresh_minutes = models.PositiveIntegerField(_("refresh every (minutes)"), default=60)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    next_sync_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Failed attempts in a row: the wait before the next one doubles with each (10 minutes … 160 minutes).
    sync_failures = models.PositiveSmallIntegerField(default=0)
    import_problems = models.JSONField(default=list, blank=True)
    # Series the last expansion left out (refused or capped rules, unreadable times): their times may be busy.
    unread_series = models.JSONField(default=list, blank=True)
    sync_seconds = models.FloatField(null=True, blank=True)
    materialised_from = models.DateTimeField(null=True, blank=True)
    materialised_until = models.DateTimeField(null=True, blank=True)
    feed_token = models.CharField(max_length=64, blank=True, db_index=True)
    counts_as_busy = models.BooleanField(_("counts for free/busy"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar")
        ordering = ["party__name", "name"]

    def __str__(self) -> str:
        return f"{self.party} · {self.name}"

    @property
    def writable(self) -> bool:
        return self.source in (self.Source.LOCAL, self.Source.CALDAV)

    @staticmethod
    def new_feed_token() -> str:
        return secrets.token_urlsafe(32)


class Event(models.Model):
    """One iCalendar object (RFC 4791 §4.1: a UID with its overrides) as stored on the server."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="events")
    uid = models.CharField(max_length=500)
    ics = models.TextField()
    summary = models.CharField(max_length=300, blank=True)
    location = models.CharField(max_length=300, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    href = models.CharField(max_length=500, blank=True)
    etag = models.CharField(max_length=200, blank=True)
    # Changed here and not yet accepted by the CalDAV server; `deleted` waits for its DELETE.
    pending_push = models.BooleanField(default=False)
    deleted = models.BooleanField(default=False)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments")
    organizer_email = models.EmailField(blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["calendar", "uid"], name="agenda_one_event_per_uid")]

    def __str__(self) -> str:
        return self.summary or self.uid


class Attendee(models.Model):
    class Status(models.TextChoices):
        # RFC 5545 §3.2.12 PARTSTAT for VEVENT
        NEEDS_ACTION = "NEEDS-ACTION", _("No answer yet")
        ACCEPTED = "ACCEPTED", _("Accepted")
        DECLINED = "DECLINED", _("Declined")
        TENTATIVE = "TENTATIVE", _("Tentative")
        DELEGATED = "DELEGATED", _("Delegated")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendees")
    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEEDS_ACTION)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "email"], name="agenda_one_attendee_per_email")]


class Conflict(models.Model):
    """Both sides changed one event: the server's version was taken, ours is kept here until someone decides."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="conflicts")
    local_ics = models.TextField()
    remote_ics = models.TextField(blank=True)
    detected_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=10, blank=True)


class Occurrence(models.Model):
    """One materialised instance, so that finding a time never parses iCalendar while someone waits.

    `fixed` instances hold true UTC instants. `floating` and `allday` ones have no instant of their
    own (RFC 5545 §3.3.5, §3.3.4): their wall-clock times are stored as if they were UTC and read in
    the zone of whoever looks at them.
    """

    class Kind(models.TextChoices):
        FIXED = "fixed", "fixed"
        FLOATING = "floating", "floating"
        ALLDAY = "allday", "all-day"

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="occurrences")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="occurrences")
    recurrence_id = models.CharField(max_length=32)
    start = models.DateTimeField()
    end = models.DateTimeField()
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.FIXED)
    busy = models.BooleanField(default=True)
    status = models.CharField(max_length=12, default="CONFIRMED")
    summary = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["calendar", "start"]), models.Index(fields=["calendar", "end"])]
        ordering = ["start"]


class ReminderSent(models.Model):
    """A reminder went out for this occurrence; occurrences are re-made, so this is kept apart."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reminders")
    start = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "start"], name="agenda_one_reminder_per_occurrence")]
