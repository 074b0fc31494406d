"""Time entries: what an assistant worked, what it costs, and whether it is invoiced yet."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vadesk.accounts.models import Organisation
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
    note = models.CharField(_("internal note"), max_length=500, blank=True)
    # What the client reads in the portal's work log, its exports and the API; `note` stays with the team.
    client_note = models.CharField(_("note for the client"), max_length=500, blank=True)
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


class EngagementWeekUsage(models.Model):
    """What one person worked on one engagement in one ISO week, and the billed minutes not yet invoiced.

    The owner's dashboard reads its hours per week and its unbilled hourly work from these cells instead of the
    entries. Kept by `vadesk.timesheets.usage` in the same transaction as every write of an entry and every
    invoicing lock (recomputed from the week's entries, as the monthly cells are); rebuilt by
    `manage.py usage_rebuild`. A week in which the person has neither minutes worked nor unbilled has no row.
    """

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="week_usage")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="Monday of the ISO week")
    worked_minutes = models.PositiveBigIntegerField(default=0)  # every entry, as the time sheet counts
    unbilled_minutes = models.PositiveBigIntegerField(default=0)  # billed minutes of counted, uninvoiced entries

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "week", "person"], name="one_week_usage_row_per_engagement_person"
            ),
        ]
        indexes = [models.Index(fields=["week", "engagement"], name="week_usage_by_week")]

    def __str__(self) -> str:
        return f"{self.engagement_id} {self.person_id} {self.week:%G-W%V} {self.worked_minutes} min"


class WorkLogPolicy(models.Model):
    """What an organisation's clients see in the portal's work log: whose work, and whether at what rate.

    An organisation without a row shows full names and no rates (`work_log_policy_of`)."""

    class Names(models.TextChoices):
        FULL = "full", _("Full names")
        FIRST = "first", _("First names only")
        TEAM = "team", _("“Your team”, no names")

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="work_log_policy")
    names = models.CharField(_("names in the work log"), max_length=10, choices=Names.choices, default=Names.FULL)
    show_rates = models.BooleanField(_("show rates and amounts to clients"), default=False)

    class Meta:
        verbose_name = _("work log policy")
        verbose_name_plural = _("work log policies")

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.names}"


class OverageConsent(models.Model):
    """The client's answer to "your hours for this period are nearly (80 %) or fully (100 %) used: may we go on?".

    One question per engagement, month and threshold (asked by `vadesk.timesheets.consent`). An answer drives what
    the time-entry service accepts in that month, whatever the engagement's overdraft policy; no answer by
    `answer_by` leaves the policy in charge."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("Waiting for the client")
        STOP = "stop", _("Stop at the limit")
        ALLOW = "allow", _("Extra hours allowed")
        BUNDLE = "bundle", _("A new bundle ordered")

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="consents")
    month = models.DateField(help_text="First day of the calendar month the answer holds for")
    threshold = models.PositiveSmallIntegerField(help_text="Percent of the period's hours used when asked: 80 or 100")
    asked_at = models.DateTimeField()
    answer_by = models.DateTimeField()
    answer = models.CharField(max_length=10, choices=Answer.choices, default=Answer.PENDING)
    extra_minutes = models.PositiveIntegerField(default=0)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    lapse_told_at = models.DateTimeField(
        null=True, blank=True, help_text="When the team was told that the question lapsed without an answer"
    )

    class Meta:
        verbose_name = _("consent to extra hours")
        verbose_name_plural = _("consents to extra hours")
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "month", "threshold"], name="one_consent_per_engagement_month_threshold"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id} {self.month:%Y-%m} {self.threshold}% {self.answer}"
