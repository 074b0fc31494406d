"""What the task backend lacks: a lease per running job, one row per fired slot of the schedule, and runs with progress."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult


class JobLease(models.Model):
    """A running job's lease: its worker beats the heartbeat; a job whose heartbeat stops runs again."""

    task = models.OneToOneField(DBTaskResult, primary_key=True, on_delete=models.CASCADE, related_name="lease")
    worker_id = models.CharField(max_length=64)
    heartbeat_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["heartbeat_at"])]


class ScheduleSlot(models.Model):
    """One row per (periodic job, slot): the insert that wins fires the job, every other worker's conflicts."""

    key = models.CharField(max_length=120)  # the periodic job's name, with ":<organisation id>" when per organisation
    slot = models.DateTimeField()
    result_id = models.CharField(max_length=64, blank=True)  # the job it enqueued (a DBTaskResult id)
    fired_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "slot"], name="jobs_slot_fired_once")]


class JobRun(models.Model):
    """Long work a person started (a monthly invoice run, an export, an import) and how far it got.

    Titles and messages are stored as untranslated texts with their parameters and translated when shown, so
    that each reader sees them in their own language (the texts are marked with gettext_noop where they are made).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Audience(models.TextChoices):
        OWNERS = "owners", _("the organisation's owners")  # and nobody else, not even a former owner who started it
        STARTER = "starter", _("who started it, and the owners")

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="job_runs")
    kind = models.CharField(max_length=60)  # the job's name, e.g. "invoicing.month_run"
    title = models.CharField(max_length=200)  # untranslated, e.g. "Monthly invoice run for %(month)s"
    params = models.JSONField(default=dict, blank=True)  # the title's parameters
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.OWNERS)
    started_by = models.ForeignKey("accounts.Person", null=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # [{"level": "error"|"info", "text": untranslated, "params": {...}}], at most MAX_MESSAGES of them.
    messages = models.JSONField(default=list, blank=True)
    input_name = models.CharField(max_length=300, blank=True)  # an uploaded file in the storage backend
    result_name = models.CharField(max_length=300, blank=True)  # the result file in the storage backend
    result_filename = models.CharField(max_length=200, blank=True)  # the name it is downloaded under
    result_type = models.CharField(max_length=100, blank=True)
    back_url = models.CharField(max_length=300, blank=True)  # where the page leads back to
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0
