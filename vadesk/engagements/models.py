"""Engagements: the agreement under which a client buys time."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vadesk.clients.models import Client

StrOrPromise = str | Promise
POSITIVE = [MinValueValidator(Decimal("0"))]
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


class EngagementQuerySet(models.QuerySet["Engagement"]):
    def active(self) -> "EngagementQuerySet":
        return self.filter(status=Engagement.Status.ACTIVE)

    def for_organisation(self, organisation) -> "EngagementQuerySet":
        return self.filter(client__organisation=organisation)


class Engagement(models.Model):
    class Kind(models.TextChoices):
        HOURLY = "hourly", _("Hourly")
        BUNDLE = "bundle", _("Prepaid bundle")
        RETAINER = "retainer", _("Monthly retainer")
        PROJECT = "project", _("Fixed-price project")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")

    class Overdraft(models.TextChoices):
        BLOCK = "block", _("Block when used up")
        BILL = "bill", _("Allow and bill the excess")

    class Rollover(models.TextChoices):
        NONE = "none", _("No rollover")
        CAPPED = "capped", _("Carry over up to a cap, for one month")
        ALL = "all", _("Carry over everything")

    INCREMENTS = [
        (1, _("per minute")),
        (5, _("per 5 minutes")),
        (6, _("per 6 minutes")),
        (10, _("per 10 minutes")),
        (15, _("per 15 minutes")),
        (30, _("per 30 minutes")),
        (60, _("per hour")),
    ]

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="engagements")
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    billing_increment_minutes = models.PositiveSmallIntegerField(_("billing increment"), choices=INCREMENTS, default=15)
    minimum_minutes_per_task = models.PositiveSmallIntegerField(_("minimum minutes per task"), default=0)
    hourly_rate = models.DecimalField(
        _("hourly rate"), max_digits=8, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )
    # Prepaid bundle ("strippenkaart")
    bundle_hours = models.DecimalField(
        _("hours in bundle"), max_digits=7, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )
    bundle_price = models.DecimalField(
        _("bundle price"), max_digits=10, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    overdraft_policy = models.CharField(
        _("when hours run out"), max_length=5, choices=Overdraft.choices, default=Overdraft.BLOCK
    )
    # Monthly retainer
    monthly_hours = models.DecimalField(
        _("hours per month"), max_digits=6, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )
    monthly_price = models.DecimalField(
        _("monthly price"), max_digits=10, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )
    rollover_policy = models.CharField(_("rollover"), max_length=6, choices=Rollover.choices, default=Rollover.NONE)
    rollover_cap_hours = models.DecimalField(
        _("rollover cap (hours)"), max_digits=6, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )
    excess_rate = models.DecimalField(
        _("rate for excess hours"), max_digits=8, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )
    # Fixed-price project
    budget_hours = models.DecimalField(
        _("budget (hours)"), max_digits=7, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )
    project_price = models.DecimalField(
        _("project price"), max_digits=10, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EngagementQuerySet.as_manager()

    class Meta:
        verbose_name = _("engagement")
        ordering = ["status", "-starts_on", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    REQUIRED = {
        Kind.HOURLY: ["hourly_rate"],
        Kind.BUNDLE: ["bundle_hours", "bundle_price"],
        Kind.RETAINER: ["monthly_hours", "monthly_price", "excess_rate"],
        Kind.PROJECT: ["budget_hours", "project_price"],
    }

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        for field in self.REQUIRED.get(self.Kind(self.kind), []):
            if getattr(self, field) in (None, ""):
                errors[field] = _("Required for this kind of engagement.")
        if (
            self.kind == self.Kind.RETAINER
            and self.rollover_policy == self.Rollover.CAPPED
            and self.rollover_cap_hours is None
        ):
            errors["rollover_cap_hours"] = _("Say how many hours may carry over.")
        if (
            self.kind == self.Kind.BUNDLE
            and self.overdraft_policy == self.Overdraft.BILL
            and self.excess_rate is None
            and self.hourly_rate is None
        ):
            errors["excess_rate"] = _("Give a rate to bill hours beyond the bundle.")
        for name in ("starts_on", "ends_on", "expires_on"):
            # Balances walk month by month from the start: keep dates to a plausible business range.
            value = getattr(self, name)
            if value and not (EARLIEST <= value <= LATEST):
                errors[name] = _("Choose a date between %(first)s and %(last)s.") % {
                    "first": EARLIEST.year,
                    "last": LATEST.year,
                }
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date lies before the start date.")
        if self.expires_on and self.starts_on and self.expires_on < self.starts_on:
            errors["expires_on"] = _("The expiry date lies before the start date.")
        if errors:
            raise ValidationError(errors)

    def accepts_time_on(self, day: date) -> bool:
        if self.status != self.Status.ACTIVE or day < self.starts_on:
            return False
        if self.ends_on and day > self.ends_on:
            return False
        return not (self.kind == self.Kind.BUNDLE and self.expires_on and day > self.expires_on)

    @property
    def blocks_overdraft(self) -> bool:
        return self.kind == self.Kind.BUNDLE and self.overdraft_policy == self.Overdraft.BLOCK

    @property
    def has_allowance(self) -> bool:
        return self.kind != self.Kind.HOURLY
