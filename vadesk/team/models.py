"""Team and continuity: assistant profiles, work patterns and absences (issue 14)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vadesk.accounts.models import Organisation

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class LanguageLevel(models.TextChoices):
    NATIVE = "native", _("native")
    FLUENT = "fluent", _("fluent")
    WORKING = "working", _("working")
    BASIC = "basic", _("basic")


class HolidayCountry(models.TextChoices):
    NL = "NL", _("Netherlands")
    BE = "BE", _("Belgium")
    DE = "DE", _("Germany")


class Profile(models.Model):
    """What an assistant can do and where: skills, languages, sectors, region, target utilisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="team_profiles")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_profiles")
    # {"agenda": 4, "medisch": 3}: task category keys and free skills, levels 1-5.
    skills = models.JSONField(_("skills"), default=dict, blank=True)
    # {"nl": "native", "de": "working"}
    languages = models.JSONField(_("languages"), default=dict, blank=True)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    region = models.CharField(_("region (for on-site visits)"), max_length=100, blank=True)
    holiday_country = models.CharField(
        _("public holidays of"), max_length=2, choices=HolidayCountry.choices, default=HolidayCountry.NL
    )
    holiday_subdivision = models.CharField(
        _("state or region for public holidays"), max_length=10, blank=True, help_text=_("e.g. BY for Bavaria")
    )
    target_utilisation = models.PositiveSmallIntegerField(_("target utilisation (%)"), default=80)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "person"], name="one_team_profile_per_person")]

    def __str__(self) -> str:
        return f"{self.person} · {self.organisation}"


class WorkPattern(models.Model):
    """Working hours per weekday from a date on; the one with the latest `valid_from` not after a day applies."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="patterns")
    valid_from = models.DateField(_("valid from"))
    # {"mon": ["09:00", "15:00"], ...}; a day missing is a day off.
    days = models.JSONField(_("working hours"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from"]
        constraints = [models.UniqueConstraint(fields=["profile", "valid_from"], name="one_pattern_per_start")]

    def span(self, day: date) -> tuple[time, time] | None:
        hours = self.days.get(WEEKDAY_KEYS[day.weekday()])
        if not hours:
            return None
        return time.fromisoformat(hours[0]), time.fromisoformat(hours[1])

    def hours_on(self, day: date) -> Decimal:
        span = self.span(day)
        if span is None:
            return Decimal(0)
        start, end = span
        minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


class AbsenceQuerySet(models.QuerySet["Absence"]):
    def standing(self) -> AbsenceQuerySet:
        """Requested or approved: the ones that block the dates."""
        return self.filter(status__in=[Absence.Status.REQUESTED, Absence.Status.APPROVED])

    def overlapping(self, start: date, end: date) -> AbsenceQuerySet:
        return self.filter(start_date__lte=end, end_date__gte=start)


class Absence(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        SICK = "sick", _("Sick")
        TRAINING = "training", _("Training")
        OTHER = "other", _("Other")

    class Part(models.TextChoices):
        WHOLE = "whole", _("Whole days")
        MORNING = "morning", _("Morning (half day)")
        AFTERNOON = "afternoon", _("Afternoon (half day)")
        HOURS = "hours", _("Hours")

    class OpenWork(models.TextChoices):
        COVER = "cover", _("Cover: the backup helps, the tasks stay mine too")
        HAND_OVER = "hand_over", _("Hand over: the backup takes my tasks")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="absences")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.HOLIDAY)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    part = models.CharField(_("part of the day"), max_length=10, choices=Part.choices, default=Part.WHOLE)
    hours = models.DecimalField(_("hours per day"), max_digits=4, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    # Issue 14 point 5: what happens to the person's open tasks while they are away (vadesk.team.cover).
    open_work = models.CharField(
        _("my open tasks meanwhile"), max_length=10, choices=OpenWork.choices, default=OpenWork.COVER
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="absences_requested"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="absences_decided"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AbsenceQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "person_id"]
        indexes = [models.Index(fields=["organisation", "start_date", "end_date"], name="absence_org_dates")]

    def __str__(self) -> str:
        return f"{self.person} {self.start_date}–{self.end_date}"

    def covers(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


class TeamSettings(models.Model):
    """Per organisation: up to which date absences are closed (payroll done, nothing may change)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="team_settings")
    absences_closed_until = models.DateField(_("absences closed until"), null=True, blank=True)
    # Issue 14 point 6: an absence of this many calendar days or more gets a handover note per client.
    handover_note_days = models.PositiveSmallIntegerField(_("handover note from (days of absence)"), default=3)


class ClientNeeds(models.Model):
    """What a client's team must offer: for matching candidates and for the coverage check."""

    client = models.OneToOneField("clients.Client", on_delete=models.CASCADE, related_name="team_needs")
    # {"agenda": 3, "evenementen": 2}: task categories and free skills with the level needed.
    needs = models.JSONField(_("skills needed"), default=dict, blank=True)
    sector = models.CharField(_("sector"), max_length=40, blank=True)
    hours_per_week = models.DecimalField(_("expected hours per week"), max_digits=5, decimal_places=2, default=0)
    team_size = models.PositiveSmallIntegerField(_("team size"), default=1)
    on_site = models.BooleanField(_("on-site work expected"), default=False)
    region = models.CharField(_("region"), max_length=100, blank=True)


class Interest(models.Model):
    """An assistant's answer to "who would like this client?" (ask the team): counts as the interest criterion."""

    class Answer(models.TextChoices):
        ASKED = "asked", _("Not answered yet")
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("No")

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="team_interest")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_interest")
    answer = models.CharField(_("answer"), max_length=6, choices=Answer.choices, default=Answer.ASKED)
    note = models.CharField(_("note"), max_length=300, blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="team_interest_asked"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "person"], name="one_interest_per_client_person")]


class CoverageWarning(models.Model):
    """One finding of the daily coverage check (`vadesk.team.coverage`), kept until the next check."""

    class Kind(models.TextChoices):
        NOBODY_THERE = "nobody", _("Nobody of the team is there")
        TOO_LITTLE_ROOM = "room", _("The team has too little room")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="coverage_warnings")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="coverage_warnings")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    needed = models.DecimalField(max_digits=6, decimal_places=2, null=True)  # hours a week, for "too little room"
    free = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_date", "client_id", "kind"]
        indexes = [models.Index(fields=["organisation", "start_date"], name="coverage_org_start")]


class Cover(models.Model):
    """Who helps a client while a member of its team is away: the first present one in the order of cover
    (the owners when nobody is), set when the absence starts and ended when it ends (`vadesk.team.cover`)."""

    absence = models.ForeignKey(Absence, on_delete=models.CASCADE, related_name="client_covers")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="team_covers")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_covers")
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["absence_id", "client_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["absence", "client", "person"], name="one_cover_per_absence_client_person")
        ]


class CoverChange(models.Model):
    """What the start of an absence did to one open task, so that its end can undo exactly that.

    `added`: the cover was not an assignee before and was added; `removed_absent`: the absent person was taken
    off (hand over). One row per (cover, task): running the start twice finds the row and changes nothing."""

    cover = models.ForeignKey(Cover, on_delete=models.CASCADE, related_name="changes")
    task = models.ForeignKey("tasks.Task", on_delete=models.CASCADE, related_name="cover_changes")
    added = models.BooleanField(default=False)
    removed_absent = models.BooleanField(default=False)
    applied_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    kept = models.BooleanField(default=False)  # worked on during the absence: left as it is at the end

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cover", "task"], name="one_cover_change_per_task")]


class HandoverNote(models.Model):
    """Issue 14 point 6: what the backup must know about a client for the time someone is away.

    `draft` is generated when a long absence stands (open tasks, what waits for the client, appointments in
    the period, pinned dossier facts, open follow-ups, hours left per engagement): facts, not sentences, so
    that each reader sees it in their language. The absent person adds `own_lines`; the backup acknowledges."""

    absence = models.ForeignKey(Absence, on_delete=models.CASCADE, related_name="handover_notes")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="handover_notes")
    backup = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="handover_notes"
    )
    draft = models.JSONField(default=dict)
    own_lines = models.TextField(_("my own notes for the backup"), blank=True, max_length=5000)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["absence_id", "client__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["absence", "client"], name="one_handover_note_per_client")]
