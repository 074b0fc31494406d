"""What the task backend lacks: a lease per running job, and one row per fired slot of the schedule."""

from django.db import models
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
