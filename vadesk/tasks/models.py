"""Client requests, their workflow, comments, checklists and recurring templates."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vadesk.clients.models import Client
from vadesk.engagements.models import Engagement
from vadesk.tasks.rrule import parse_rrule


class Category(models.TextChoices):
    AGENDA = "agenda", _("Agenda")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    TRAVEL = "travel", _("Travel")
    BOOKKEEPING = "bookkeeping", _("Invoicing & bookkeeping")
    EVENTS = "events", _("Events & courses")
    SOCIAL = "social", _("Social media & marketing")
    OFFICE = "office", _("HR & office")
    OTHER = "other", _("Other")


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Source(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    MESSAGE = "message", _("Message")
    IN_PERSON = "in_person", _("In person")


class Status(models.TextChoices):
    NEW = "new", _("New")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for client")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = [Status.NEW, Status.PLANNED, Status.IN_PROGRESS, Status.WAITING]

# The workflow: which status may follow which. Done and cancelled tasks may be reopened.
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.PLANNED, Status.IN_PROGRESS, Status.WAITING, Status.DONE, Status.CANCELLED},
    Status.PLANNED: {Status.NEW, Status.IN_PROGRESS, Status.WAITING, Status.DONE, Status.CANCELLED},
    Status.IN_PROGRESS: {Status.PLANNED, Status.WAITING, Status.DONE, Status.CANCELLED},
    Status.WAITING: {Status.PLANNED, Status.IN_PROGRESS, Status.DONE, Status.CANCELLED},
    Status.DONE: {Status.IN_PROGRESS},
    Status.CANCELLED: {Status.NEW},
}


# The usual next steps, offered as one-click moves on the board; the task page offers every allowed move.
NEXT_STEPS: dict[str, list[str]] = {
    Status.NEW: [Status.PLANNED, Status.IN_PROGRESS],
    Status.PLANNED: [Status.IN_PROGRESS],
    Status.IN_PROGRESS: [Status.WAITING, Status.DONE],
    Status.WAITING: [Status.IN_PROGRESS, Status.DONE],
    Status.DONE: [],
    Status.CANCELLED: [],
}


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> "TaskQuerySet":
        return self.filter(status__in=OPEN_STATUSES)


class Task(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("client"))
    engagement = models.ForeignKey(
        Engagement, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks", verbose_name=_("engagement")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, default=Category.OTHER)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.EMAIL)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="tasks", blank=True, verbose_name=_("assignees")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    recurrence = models.ForeignKey(
        "RecurringTask", null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    occurrence_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        # Undated tasks last on every database (SQLite and PostgreSQL sort NULL differently).
        ordering = [models.F("due_at").asc(nulls_last=True), "-priority", "id"]
        indexes = [
            models.Index(fields=["client", "status"]),
            models.Index(fields=["status", "due_at"]),
            # The API's task list walks this in its order (dated by due date, then priority, then id) and stops
            # after a page, from the start or from a cursor.
            models.Index(fields=["due_at", "-priority", "id"], name="task_due_first"),
            # Open work by due date (overdue lists, counts of open tasks): done tasks, most of a practice's
            # history, are not in it, so "the oldest overdue" does not walk past years of closed ones.
            models.Index(fields=["due_at", "id"], condition=models.Q(status__in=OPEN_STATUSES), name="task_open_due"),
            # The board's done column: a client's tasks closed in the last two weeks, a range, not every done task.
            # Not a partial index (where done): with the agency's statistics SQLite preferred the (client, status)
            # index to the partial (client, closed_at) one and read every done task of every client (108 ms).
            models.Index(fields=["client", "status", "closed_at"], name="task_closed_by_client"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recurrence", "occurrence_at"], name="one_task_per_occurrence"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def next_steps(self) -> list[str]:
        return NEXT_STEPS[self.status]

    def allowed_transitions(self) -> list[str]:
        return [s for s in Status.values if s in TRANSITIONS[self.status]]


class Transition(models.Model):
    """One recorded step in a task's workflow: who moved it, from where to where, when."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class Comment(models.Model):
    class Visibility(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        CLIENT = "client", _("Visible to client")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("comment"))
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    @property
    def is_internal(self) -> bool:
        return self.visibility == self.Visibility.INTERNAL


class ChecklistItem(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(_("item"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]


class RecurringTask(models.Model):
    """A template that becomes a task at each occurrence of an iCalendar RRULE."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="recurring_tasks")
    engagement = models.ForeignKey(Engagement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, default=Category.OTHER)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    rrule = models.CharField(_("repeats (RRULE)"), max_length=300, help_text=_("e.g. FREQ=MONTHLY;BYMONTHDAY=25"))
    first_due_at = models.DateTimeField(_("first due"))
    lead_days = models.PositiveSmallIntegerField(_("create this many days ahead"), default=3)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.title} ({self.rrule})"

    def clean(self) -> None:
        if self.rrule and self.first_due_at:
            parse_rrule(self.rrule, self.first_due_at)


class RoutingNote(models.Model):
    """Why a task that arrived went to whom: one line of its history, written when the work was routed.

    `reason` holds the facts, not a sentence, so that each reader sees it in their own language
    (`vadesk.tasks.routing.describe`): the rule that decided, who was away until when, who got it.
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="routing_notes")
    reason = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


# The day an undated task is due, in the kept open work: never, so it is open but never overdue.
UNDATED = date.max


class OpenTasksDue(models.Model):
    """Kept: how many of an organisation's tasks are open, per day they fall due (in UTC; `UNDATED` for tasks
    without a due date). Each task counts once, assigned or not.

    What the owner's overview reads instead of counting every open task of the practice: open is the sum of the
    rows, overdue the sum of the days before today plus today's tasks due before now, read by their due time
    (`vadesk.tasks.open_work`). Kept by the task writes in the same transaction, by adding what a change moved
    (`open_work_move`), and rebuilt from the tasks by `manage.py open_work_rebuild`. A day without open tasks
    has no row."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    tasks = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "due_on"], name="open_tasks_due_once")]


class AssignedTasksDue(models.Model):
    """Kept like `OpenTasksDue`, per assignee: how many open tasks of the organisation a person has, per day due."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    tasks = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "person", "due_on"], name="assigned_tasks_due_once")
        ]
