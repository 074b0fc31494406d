"""The monthly report of a client: built once per client and month, kept, and sent through the outbox."""

from django.conf import settings
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
    # Written by the client's lead (or an owner) on the draft, shown in the report; never rebuilt from records.
    highlights = models.TextField(_("highlights"), max_length=2000, blank=True)
    next_focus = models.TextField(_("next month's focus"), max_length=2000, blank=True)
    notes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes_at = models.DateTimeField(null=True, blank=True)
    draft_told_at = models.DateTimeField(null=True, blank=True)  # when the lead was told the draft is ready

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["client", "month"], name="one_report_per_client_month")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.month:%Y-%m}"


class Rating(models.Model):
    """A word back from the client: one to five, and a comment, on a task that is done or on a monthly report.

    One per person and thing rated: rating again replaces the earlier score (`reports.ratings.rating_give`)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="ratings")
    task = models.ForeignKey("tasks.Task", null=True, blank=True, on_delete=models.CASCADE, related_name="ratings")
    report = models.ForeignKey(MonthlyReport, null=True, blank=True, on_delete=models.CASCADE, related_name="ratings")
    score = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_score_one_to_five"),
            models.CheckConstraint(
                condition=models.Q(task__isnull=False, report__isnull=True)
                | models.Q(task__isnull=True, report__isnull=False),
                name="rating_of_a_task_or_a_report",
            ),
            models.UniqueConstraint(fields=["by", "task"], name="one_rating_per_person_task"),
            models.UniqueConstraint(fields=["by", "report"], name="one_rating_per_person_report"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.score}"
