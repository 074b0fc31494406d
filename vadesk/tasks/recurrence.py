"""Recurring tasks: turn an iCalendar RRULE into concrete tasks, once per occurrence."""

# parse_rrule lives in tasks/rrule.py (pure, no ORM) so that the model can validate with it; re-exported here.

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vadesk.clients.scoping import is_staff_for
from vadesk.tasks import routing
from vadesk.tasks.models import RecurringTask, RoutingNote, Source, Status, Task, Transition
from vadesk.tasks.open_work import footprints, open_work_move
from vadesk.tasks.rrule import parse_rrule as parse_rrule

MAX_OCCURRENCES_PER_RUN = 60

logger = logging.getLogger(__name__)


def occurrences(
    template: RecurringTask, *, until: datetime, zone: ZoneInfo, since: datetime | None = None
) -> list[datetime]:
    """Occurrences from `since` (default: the first) up to `until`, at most MAX_OCCURRENCES_PER_RUN of them."""
    local_first = timezone.localtime(template.first_due_at, zone)
    rule = parse_rrule(template.rrule, local_first)
    naive_until = timezone.localtime(until, zone).replace(tzinfo=None)
    # Start at `since`, not at the first occurrence, or a long-running template fills the cap with the past.
    start = timezone.localtime(since or template.first_due_at, zone).replace(tzinfo=None)
    found: list[datetime] = []
    for naive in rule.xafter(start, inc=True):
        if naive > naive_until or len(found) >= MAX_OCCURRENCES_PER_RUN:
            break
        found.append(naive.replace(tzinfo=zone))
    return found


def recurring_tasks_spawn(*, now: datetime | None = None) -> int:
    """Create every task whose occurrence falls within its lead time. Safe to run often and in parallel."""
    now = now or timezone.now()
    created = 0
    templates = (
        RecurringTask.objects.filter(active=True).select_related("client__organisation").prefetch_related("assignees")
    )
    for template in templates:
        zone = ZoneInfo(template.client.organisation.time_zone)
        horizon = now + timedelta(days=template.lead_days)
        try:
            due_dates = occurrences(template, since=now - timedelta(days=1), until=horizon, zone=zone)
        except ValidationError:
            # One template with a rule that no longer parses must not stop every other client's tasks.
            logger.warning("Recurring task %s has an invalid RRULE %r; skipped", template.pk, template.rrule)
            continue
        known = set(template.tasks.values_list("occurrence_at", flat=True))
        for due in due_dates:
            if due in known or due < now - timedelta(days=1):
                continue
            created += _spawn(template, due)
    return created


def _spawn(template: RecurringTask, due: datetime) -> int:
    try:
        with transaction.atomic():
            task = Task.objects.create(
                client=template.client,
                engagement=template.engagement,
                title=template.title,
                description=template.description,
                category=template.category,
                priority=template.priority,
                due_at=due,
                source=Source.MESSAGE,
                created_by=template.created_by,
                recurrence=template,
                occurrence_at=due,
            )
            # Who does it is decided for the day it is due: a named assistant away then hands it to the cover.
            route = routing.route(
                client=template.client, category=template.category, at=due, preferred=template.assignees.all()
            )
            task.assignees.set(route.people)
            open_work_move({}, footprints([task.pk]))
            Transition.objects.create(task=task, from_status="", to_status=Status.NEW, by=None)
            RoutingNote.objects.create(task=task, reason=route.reason())
    except IntegrityError:
        return 0  # another worker created this occurrence first
    return 1


def recurring_task_create(
    *,
    by,
    client,
    title: str,
    rrule: str,
    first_due_at: datetime,
    category: str = "other",
    priority: int = 2,
    description: str = "",
    engagement=None,
    assignees=(),
    lead_days: int = 3,
) -> RecurringTask:
    """Set up a repeating task; its occurrences are created ahead by `recurring_tasks_spawn`."""
    if not is_staff_for(by, client):
        raise PermissionDenied(_("Only the team working for this client can do this."))
    if not title.strip():
        raise ValidationError({"title": _("Give the task a title.")})
    parse_rrule(rrule, first_due_at)
    if engagement is not None and engagement.client_id != client.pk:
        raise ValidationError({"engagement": _("This engagement belongs to another client.")})
    assignees = list(assignees)
    for person in assignees:
        if not is_staff_for(person, client):
            raise ValidationError({"assignees": _("%(person)s is not on this client's team.") % {"person": person}})
    with transaction.atomic():
        template = RecurringTask.objects.create(
            client=client,
            engagement=engagement,
            title=title.strip(),
            description=description,
            category=category,
            priority=priority,
            rrule=rrule.strip().removeprefix("RRULE:"),
            first_due_at=first_due_at,
            lead_days=lead_days,
            created_by=by,
        )
        template.assignees.set(assignees)
    return template


def recurring_task_stop(*, by, recurring: RecurringTask) -> None:
    """No more occurrences; the tasks already created stay."""
    if not is_staff_for(by, recurring.client):
        raise PermissionDenied(_("Only the team working for this client can do this."))
    RecurringTask.objects.filter(pk=recurring.pk).update(active=False)


def next_occurrences(template: RecurringTask, *, count: int = 3, after: datetime | None = None) -> list[datetime]:
    """The next few due moments, for showing the user what the rule means."""
    zone = ZoneInfo(template.client.organisation.time_zone)
    after = after or timezone.now()
    local_first = timezone.localtime(template.first_due_at, zone)
    rule = parse_rrule(template.rrule, local_first)
    found = []
    for naive in rule.xafter(timezone.localtime(after, zone).replace(tzinfo=None), count=count):
        found.append(naive.replace(tzinfo=zone))
    return found
