"""Time entries: what an assistant worked, what it costs, and whether it is invoiced yet."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vadesk.engagements.models import Engagement


class TimeEntryQuerySet(models.QuerySet["TimeEntry"]):
    def counted(self) -> "TimeEntryQuerySet":
        """Entries that draw on an engagement's hours: billable and not a running timer."""
        return self.filter(billable=True).exclude(started_at__isnull=False, ended_at__isnull=True)

    def running(self) -> "TimeEntryQuerySet":
        return self.filter(started_at__isnull=False, ended_at__isnull=True)

    def uninvoiced(self) -> "TimeEntryQuerySet":
        return self.filter(invoiced_at__isnull=True)


class TimeEntry(models.Model):
    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="time_entries", verbose_name=_("engagement")
    )
    task = models.ForeignKey(
        "tasks.Task",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="time_entries",
        verbose_name=_("task"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries", verbose_name=_("assistant")
    )
    work_date = models.DateField(_("date"))
    # Set for timers: a running timer has started_at and no ended_at.
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    worked_minutes = models.PositiveIntegerField(_("minutes worked"), default=0)
    billed_minutes = models.PositiveIntegerField(_("minutes billed"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    billable = models.BooleanField(_("billable"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The invoicing lock: once set, the entry is part of an invoice and can no longer change.
    invoiced_at = models.DateTimeField(null=True, blank=True, editable=False)
    invoice_reference = models.CharField(max_length=40, blank=True, editable=False)

    objects = TimeEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["-work_date", "-id"]
        indexes = [
            models.Index(fields=["engagement", "work_date"]),
            models.Index(fields=["person", "work_date"]),
            models.Index(fields=["task"]),
            # Newest-first lists (the API, a client's latest hours) walk this and stop after a page.
            models.Index(fields=["-work_date", "-id"], name="timeentry_newest_first"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(started_at__isnull=False, ended_at__isnull=True),
                name="one_running_timer_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.work_date} {self.worked_minutes} min"

    @property
    def is_running(self) -> bool:
        return self.started_at is not None and self.ended_at is None

    @property
    def is_locked(self) -> bool:
        return self.invoiced_at is not None


class EngagementPeriodUsage(models.Model):
    """Billed minutes of an engagement's counted entries in one calendar month: the sum balances read.

    Kept by `vadesk.timesheets.usage` in the same transaction as every write of an entry; rebuilt from the
    entries by `manage.py usage_rebuild` after a bulk import. A month without counted minutes has no row.
    """

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="period_usage")
    month = models.DateField(help_text="First day of the calendar month")
    minutes = models.PositiveBigIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["engagement", "month"], name="one_usage_row_per_engagement_month"),
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id} {self.month:%Y-%m} {self.minutes} min"
