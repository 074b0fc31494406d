"""What a person is told in the app (and by mail, at once or in a daily summary), and how they want to be told."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vadesk.accounts.models import Organisation
from vadesk.clients.models import Client
from vadesk.tasks.models import Task


class Kind(models.TextChoices):
    CLIENT_MESSAGE = "client_message", _("A client's reply or new request")
    ASSIGNED = "assigned", _("A task assigned to you")
    MENTION = "mention", _("A mention of you in a comment")
    FOLLOW_UP = "follow_up", _("A follow-up that is due")
    PAYMENT = "payment", _("A payment received")
    CALENDAR_CONFLICT = "calendar_conflict", _("A calendar conflict after a sync")
    BOUNCE = "bounce", _("A message that could not be delivered")
    REPORT_DRAFT = "report_draft", _("A monthly report to look over before it goes")


class Delivery(models.TextChoices):
    IN_APP = "in_app", _("In the app only")
    MAIL = "mail", _("Mail at once")
    SUMMARY = "summary", _("Daily summary")


# What a person gets until they choose: mail for what needs them now, the summary for what can wait.
DEFAULT_DELIVERY: dict[str, str] = {
    Kind.CLIENT_MESSAGE: Delivery.MAIL,
    Kind.ASSIGNED: Delivery.MAIL,
    Kind.MENTION: Delivery.MAIL,
    Kind.FOLLOW_UP: Delivery.SUMMARY,
    Kind.PAYMENT: Delivery.SUMMARY,
    Kind.CALENDAR_CONFLICT: Delivery.IN_APP,
    Kind.BOUNCE: Delivery.MAIL,
    Kind.REPORT_DRAFT: Delivery.MAIL,
}


class MailState(models.TextChoices):
    NONE = "", _("No mail")
    HELD = "held", _("Held until quiet hours end")
    SUMMARY = "summary", _("Waiting for the daily summary")
    SENT = "sent", _("Mailed")
    SKIPPED = "skipped", _("Not mailed (read before it was due)")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing one person should know, written in their language when it happened."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The client it is about (every read re-checks the recipient may still see it) and the task, where there is one.
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # Set for notifications that exist once per cause and person (a follow-up that became due).
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    mail_state = models.CharField(max_length=8, choices=MailState.choices, blank=True, default="")
    mail_after = models.DateTimeField(null=True, blank=True)
    mailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["mail_state", "mail_after"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~models.Q(key=""), name="one_notification_per_cause"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def absolute_url(self) -> str:
        """The link as a mail needs it: the site's address in front of a path."""
        return settings.SITE_URL.rstrip("/") + self.url if self.url.startswith("/") else self.url


class NotificationPreference(models.Model):
    """How one person wants to hear of one kind of notification."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    delivery = models.CharField(_("how"), max_length=8, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="one_preference_per_kind")]


class NotificationSettings(models.Model):
    """A person's own quiet hours (mail waits until they end) and the time of their daily summary,
    both in the time zone of the organisation a notification belongs to."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)
    summary_time = models.TimeField(_("daily summary at"), default=time(17, 0))

    class Meta:
        verbose_name = _("notification settings")


class SummarySent(models.Model):
    """One daily summary per person, organisation and local date: the unique row is the claim."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "organisation", "day"], name="one_summary_per_day")]
