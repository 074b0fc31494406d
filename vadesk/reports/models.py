"""The monthly report of a client: built once per client and month, kept, and sent through the outbox."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vadesk.clients.models import Client


class MonthlyReport(models.Model):
    """What the client's month came to, frozen when built: the portal shows every past report as it was sent.

    `content` holds the report's figures (`vadesk.reports.figures`) and the lists it shows, with only what the
    client may read (notes for the client, never internal notes). One row per client and month, whatever the
    number of workers building it."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="monthly_reports")
    month = models.DateField(help_text="First day of the calendar month")
    language = models.CharField(max_length=2, default="nl")
    content = models.JSONField(default=dict)
    built_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["client", "month"], name="one_report_per_client_month")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.month:%Y-%m}"
