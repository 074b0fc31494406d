"""An organisation's webhook endpoints and each event's delivery to one of them."""

from __future__ import annotations

import base64
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vadesk.accounts.models import Organisation
from vadesk.agenda.crypto import EncryptedTextField

SECRET_PREFIX = "whsec_"  # Standard Webhooks: the signing key is the base64 after the prefix
EXCERPT_BYTES = 1024  # what is kept of a response's body


class EventKind(models.TextChoices):
    TASK_CREATED = "task.created", _("Task created")
    TASK_DONE = "task.done", _("Task done")
    TIME_LOGGED = "time.logged", _("Time logged")
    INVOICE_FINALISED = "invoice.finalised", _("Invoice finalised")
    INVOICE_SENT = "invoice.sent", _("Invoice sent")
    INVOICE_PAID = "invoice.paid", _("Invoice paid")
    CLIENT_REPLIED = "client.replied", _("Client reply")
    BOOKING_MADE = "booking.made", _("Booking made")
    BOOKING_MOVED = "booking.moved", _("Booking moved")


# What an owner's "Send test event" sends: no endpoint subscribes to it, every endpoint can be sent one.
TEST_EVENT = "webhook.test"
DELIVERY_EVENTS = [*EventKind.choices, (TEST_EVENT, _("Test event"))]


class Endpoint(models.Model):
    """An HTTPS address of the organisation's own (n8n, Zapier, a script) that hears of the events it chose."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    events = models.JSONField(_("events"), default=list)  # EventKind values
    # Encrypted at rest like a CalDAV password; shown once, when made or rotated.
    secret = EncryptedTextField(_("secret"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url

    @staticmethod
    def new_secret() -> str:
        return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()

    def event_labels(self) -> list[str]:
        return [str(EventKind(e).label) for e in self.events if e in EventKind.values]


class Delivery(models.Model):
    """One event for one endpoint: written in the event's transaction, sent by a job, retried with back-off."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=40, choices=DELIVERY_EVENTS)
    # The `webhook-id` header: the same on every attempt and resend, so a receiver can drop a repeat.
    message_id = models.CharField(max_length=40, unique=True)
    payload = models.JSONField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    response_excerpt = models.TextField(blank=True)  # the first EXCERPT_BYTES of the body, as text
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["endpoint", "-id"], name="webhooks_delivery_newest")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id}"

    @staticmethod
    def new_message_id() -> str:
        return "msg_" + secrets.token_urlsafe(24)
