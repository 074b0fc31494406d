"""The communication hub: each contact's preferences, the outbox, inbound mail, phone messages, follow-ups, templates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vadesk.accounts.models import Language, Organisation, validate_time_zone
from vadesk.clients.models import Client, Contact, DossierFact
from vadesk.tasks.models import Comment, Task


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PORTAL = "portal", _("Portal")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class Cadence(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Preference(models.Model):
    """How and when one client contact wants to hear from the practice."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="comms_preference")
    by_email = models.BooleanField(_("e-mail"), default=True)
    by_portal = models.BooleanField(_("portal"), default=True)
    by_sms = models.BooleanField(_("SMS"), default=False)
    by_whatsapp = models.BooleanField(_("WhatsApp"), default=False)
    mobile = models.CharField(_("mobile number (E.164)"), max_length=20, blank=True)
    cadence = models.CharField(_("rhythm"), max_length=10, choices=Cadence.choices, default=Cadence.IMMEDIATE)
    digest_time = models.TimeField(_("digest time"), default="17:00")
    digest_weekday = models.PositiveSmallIntegerField(_("digest day"), choices=Weekday.choices, default=Weekday.FRIDAY)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Amsterdam", validators=[validate_time_zone]
    )
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)
    # ISO weekdays as digits, Monday = 0: "56" keeps Saturday and Sunday quiet.
    quiet_days = models.CharField(_("quiet days"), max_length=7, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.NL)
    # A confirmation that a new request arrived goes at once, whatever the rhythm, unless the contact said no.
    confirmations = models.BooleanField(_("confirm new requests"), default=True)
    next_digest_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("communication preference")

    def __str__(self) -> str:
        return f"{self.contact} ({self.cadence})"

    @property
    def quiet_weekdays(self) -> set[int]:
        return {int(d) for d in self.quiet_days if d.isdigit()}


class OutboxQuerySet(models.QuerySet["OutboxMessage"]):
    def for_organisation(self, organisation_id: int) -> OutboxQuerySet:
        return self.filter(organisation_id=organisation_id)


class OutboxMessage(models.Model):
    """One message to deliver, written in the same transaction as the change that caused it."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation")
        QUESTION = "question", _("Question")
        UPDATE = "update", _("Task update")
        PHONE = "phone", _("Phone message")
        DIGEST = "digest", _("Digest")
        REMINDER = "reminder", _("Appointment reminder")
        INVITATION = "invitation", _("Appointment invitation")
        PAYMENT = "payment", _("Payment reminder")
        ACCOUNT = "account", _("Account (invitation, password)")
        REPORT = "report", _("Monthly report")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        UNCERTAIN = "uncertain", _("Maybe sent: check")
        FAILED = "failed", _("Failed")
        # For a digest contact: waits for their next digest, where it is told (issue 9.3: visible, editable).
        HELD = "held", _("Waiting for the digest")
        IN_DIGEST = "in_digest", _("Told in a digest")
        REMOVED = "removed", _("Removed before it went")

    class Phase(models.TextChoices):
        # How far the last attempt got: decides what a recovering worker may safely do (see outbox.py).
        NONE = "", _("Not started")
        CLAIMED = "claimed", _("Claimed")
        HANDED_OVER = "handed_over", _("Handed over, awaiting the answer")

    # None only for mail to a person outside any one organisation's business (a password reset); a client's
    # message always carries the client's organisation (outbox_enqueue fills it in), so an owner's outbox is
    # read by organisation alone.
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.CASCADE, related_name="outbox")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Set when the recipient is a vadesk user rather than a client contact (invitations, password resets).
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    # An iTIP object (RFC 5546) sent as the text/calendar alternative of an iMIP message (RFC 6047 §2.4).
    body_calendar = models.TextField(blank=True)
    message_id = models.CharField(max_length=250, unique=True)
    reply_to = models.CharField(max_length=254, blank=True)
    in_reply_to = models.CharField(max_length=250, blank=True)
    payload = models.JSONField(null=True, blank=True)  # channel specifics, e.g. a WhatsApp template and its parameters
    # Set for messages that must exist once per cause (a digest per contact per slot): a second enqueue is a no-op.
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    urgent = models.BooleanField(default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    phase = models.CharField(max_length=12, choices=Phase.choices, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=80, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbox message")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "not_before"]),
            # Newest first, the order of the outbox page and the API's list: a page walks it and stops.
            models.Index(fields=["-created_at", "-id"], name="outbox_newest_first"),
            # An owner's counts of what waits and what failed: only those messages, not the years of sent ones.
            models.Index(fields=["organisation", "state", "not_before"], name="outbox_organisation_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(client__isnull=True) | models.Q(organisation__isnull=False),
                name="outbox_client_has_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient} ({self.state})"


class OutboxAttachment(models.Model):
    """A file sent with an outbox message, stored with it so every attempt sends the same bytes."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    content = models.BinaryField()

    class Meta:
        ordering = ["id"]


class InboundMessage(models.Model):
    """One received e-mail: what it became, and enough of it to show. Raw bytes are kept for triage (VADESK_INBOUND_KEEP_RAW)."""

    class Outcome(models.TextChoices):
        COMMENT = "comment", _("Comment on a task")
        TASK = "task", _("New task")
        TRIAGE = "triage", _("Triage")
        DONE = "done", _("Handled from triage")
        CALENDAR = "calendar", _("Answer to an invitation")

    key = models.CharField(max_length=250, unique=True)  # the Message-ID, or a hash of the bytes when it has none
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sender = models.CharField(_("from"), max_length=254, blank=True)
    recipients = models.TextField(blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    message_id = models.CharField(max_length=250, blank=True, db_index=True)  # replies find their thread by it
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)  # sanitised with nh3 before it is stored
    raw = models.BinaryField()
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("received e-mail")
        ordering = ["-received_at", "-id"]


class Attachment(models.Model):
    """A file that came with an e-mail, kept in the database so it commits together with its comment."""

    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="comms_attachments")
    inbound = models.ForeignKey(InboundMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class PhoneMessageQuerySet(models.QuerySet["PhoneMessage"]):
    def callbacks_open(self) -> PhoneMessageQuerySet:
        return self.filter(callback=True, called_back_at__isnull=True)


class PhoneMessage(models.Model):
    """A call the practice answered for a client."""

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="phone_messages")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("for")
    )
    caller_name = models.CharField(_("caller"), max_length=150)
    company = models.CharField(_("company"), max_length=150, blank=True)
    number = models.CharField(_("number"), max_length=20, blank=True)  # E.164
    reason = models.TextField(_("reason"))
    urgency = models.CharField(_("urgency"), max_length=6, choices=Urgency.choices, default=Urgency.NORMAL)
    callback = models.BooleanField(_("please call back"), default=False)
    callback_when = models.CharField(_("call back when"), max_length=150, blank=True)
    called_back_at = models.DateTimeField(null=True, blank=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    taken_at = models.DateTimeField(db_index=True)

    objects = PhoneMessageQuerySet.as_manager()
    routed_task: Task | None = None  # not stored: the task the call became, when it was taken `as_task`

    class Meta:
        verbose_name = _("phone message")
        ordering = ["-taken_at", "-id"]
        indexes = [models.Index(fields=["client", "taken_at"])]

    def __str__(self) -> str:
        return f"{self.caller_name}: {self.reason[:40]}"

    @property
    def is_urgent(self) -> bool:
        return self.urgency == self.Urgency.URGENT


class FollowUp(models.Model):
    """A personal touch to remember: 'ask how his son is doing', due at a moment."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="follow_ups")
    text = models.CharField(_("follow-up"), max_length=300)
    due_at = models.DateTimeField(_("due"))
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    fact = models.ForeignKey(DossierFact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(_("what you heard"), max_length=500, blank=True)
    became_fact = models.ForeignKey(DossierFact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("follow-up")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["client", "done_at", "due_at"]),
            # The API's list by due date: its cursor starts a walk here.
            models.Index(fields=["due_at", "id"], name="follow_up_due_first"),
        ]

    def __str__(self) -> str:
        return self.text


class MessageTemplate(models.Model):
    """An organisation's own wording for one kind of message in one language; $placeholders only."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation of a request")
        QUESTION = "question", _("Question")
        PHONE = "phone", _("Phone message")
        DIGEST = "digest", _("Digest")
        REMINDER = "reminder", _("Appointment reminder")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("message template")
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "language"], name="one_template_per_kind_and_language"
            )
        ]
