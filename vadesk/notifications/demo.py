"""A few unread notifications for the demo practice's people, so the badge and *Needs you* show something."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from vadesk.accounts.models import Membership, Organisation, Person
from vadesk.notifications.hooks import owners_of
from vadesk.notifications.models import Kind
from vadesk.notifications.services import notify
from vadesk.tasks.models import Comment, Status, Task


def notifications_demo(organisations: list[Organisation], *, now: datetime) -> int:
    """Per assistant: a client's reply on a task of theirs and a task assigned to them (in the app only)."""
    made = 0
    for organisation in organisations:
        owner = next(iter(owners_of(organisation.pk)), None)
        assistants = Person.objects.filter(
            memberships__organisation=organisation, memberships__role=Membership.Role.ASSISTANT
        ).order_by("pk")
        for person in assistants:
            open_tasks = list(
                Task.objects.open()
                .exclude(status=Status.WAITING)  # a client's reply would have moved it back in progress
                .filter(assignees=person, client__organisation=organisation)
                .select_related("client")
                .order_by("-created_at")[:2]
            )
            if open_tasks:
                made += _replied(open_tasks[0], person)
            if len(open_tasks) > 1 and owner is not None:
                made += _assigned(open_tasks[1], person, owner)
    return made


def _replied(task: Task, person: Person) -> int:
    said = (
        task.comments.filter(visibility=Comment.Visibility.CLIENT)
        .order_by("-created_at")
        .values_list("body", flat=True)
    ).first() or task.description
    return len(
        notify(
            kind=Kind.CLIENT_MESSAGE,
            recipients=[person],
            organisation_id=task.client.organisation_id,
            task=task,
            url=reverse("task_detail", args=[task.pk]),
            mail=False,
            text=lambda: (
                _("%(client)s replied on %(task)s") % {"client": task.client.name, "task": task.title},
                (said or "")[:500],
            ),
        )
    )


def _assigned(task: Task, person: Person, owner: Person) -> int:
    return len(
        notify(
            kind=Kind.ASSIGNED,
            recipients=[person],
            organisation_id=task.client.organisation_id,
            task=task,
            url=reverse("task_detail", args=[task.pk]),
            by=owner,
            mail=False,
            text=lambda: (
                _("%(person)s assigned you: %(task)s") % {"person": owner.first_name, "task": task.title},
                _("For %(client)s.") % {"client": task.client.name},
            ),
        )
    )
