"""The monthly report of a client: built once per client and month with a part per engagement, kept, and sent
through the outbox."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vadesk.clients.models import Client


class MonthlyReport(models.Model):
    """What the client's month came to, frozen when built: the portal shows every past report as it was sent.

    `content` holds what the report says of the client as a whole (tasks done with their notes for the client,
    never internal notes; what is open and waiting; calls and appointments), each engagement's figures are in its
    `EngagementReport`. One row per client and month, whatever the number of workers building it, and one part
    per engagement in it: one report per client, engagement and month, sent as one message."""

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


class EngagementReport(models.Model):
    """One engagement's part of a monthly report: its figures of the month (`figures.EngagementMonth`), frozen
    with the report and rebuilt only with it."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="parts")
    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=150)  # the engagement's name when the report was built
    kind = models.CharField(max_length=10)
    used_minutes = models.PositiveIntegerField()
    left_minutes = models.PositiveIntegerField(null=True, blank=True)  # None: hourly work has no allowance
    rolled_over_minutes = models.PositiveIntegerField(default=0)
    excess_minutes = models.PositiveIntegerField(default=0)
    minutes_by_category = models.JSONField(default=dict)
    minutes_by_week = models.JSONField(default=dict)  # ISO week number ("07") to minutes
    # [day, used since the month began, left] from day 0 (the month's start) to its last day; empty in the
    # reports built before the burn-down existed.
    burn_down = models.JSONField(default=list)

    class Meta:
        verbose_name = _("engagement in a monthly report")
        verbose_name_plural = _("engagements in monthly reports")
        ordering = ["engagement_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "engagement"], name="one_report_per_client_engagement_month")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.engagement_id}"


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
