"""Recurring tasks: turn an iCalendar RRULE into concrete tasks, once per occurrence."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vadesk.tasks.models import RecurringTask, Source, Status, Task, Transition

MAX_OCCURRENCES_PER_RUN = 60


def parse_rrule(rule: str, first: datetime):
    """RFC 5545 §3.3.10 RRULE, evaluated in the local time of the first occurrence so DST keeps the wall-clock time."""
    text = rule.strip().removeprefix("RRULE:")
    if not text or "\n" in text:
        raise ValidationError({"rrule": _("Enter a single RRULE, for example FREQ=MONTHLY;BYMONTHDAY=25.")})
    try:
        return rrulestr(text, dtstart=first.replace(tzinfo=None))
    except (ValueError, TypeError) as exc:
        raise ValidationError({"rrule": _("This is not a valid RRULE: %(error)s") % {"error": exc}})


def occurrences(template: RecurringTask, *, until: datetime, zone: ZoneInfo) -> list[datetime]:
    local_first = timezone.localtime(template.first_due_at, zone)
    rule = parse_rrule(template.rrule, local_first)
    naive_until = timezone.localtime(until, zone).replace(tzinfo=None)
    found = []
    for naive in rule:
        if naive > naive_until or len(found) >= MAX_OCCURRENCES_PER_RUN:
            break
        found.append(naive.replace(tzinfo=zone))
    return found


def recurring_tasks_spawn(*, now: datetime | None = None) -> int:
    """Create every task whose occurrence falls within its lead time. Safe to run often and in parallel."""
    now = now or timezone.now()
    created = 0
    templates = RecurringTask.objects.filter(active=True).select_related("client__organisation").prefetch_related("assignees")
    for template in templates:
        zone = ZoneInfo(template.client.organisation.time_zone)
        horizon = now + timedelta(days=template.lead_days)
        known = set(template.tasks.values_list("occurrence_at", flat=True))
        for due in occurrences(template, until=horizon, zone=zone):
            if due in known or due < now - timedelta(days=1):
                continue
            created += _spawn(template, due)
    return created


def _spawn(template: RecurringTask, due: datetime) -> int:
    try:
        with transaction.atomic():
            task = Task.objects.create(
                client=template.client, engagement=template.engagement, title=template.title, description=template.description,
                category=template.category, priority=template.priority, due_at=due, source=Source.MESSAGE,
                created_by=template.created_by, recurrence=template, occurrence_at=due,
            )
            task.assignees.set(template.assignees.all())
            Transition.objects.create(task=task, from_status="", to_status=Status.NEW, by=None)
    except IntegrityError:
        return 0  # another worker created this occurrence first
    return 1
