"""Creating tasks and moving them through the workflow, with every step recorded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Person
from vadesk.clients.models import Client
from vadesk.clients.scoping import is_staff_for
from vadesk.engagements.models import Engagement
from vadesk.lib.hooks import Hook
from vadesk.tasks import routing
from vadesk.tasks.models import TRANSITIONS, ChecklistItem, Comment, RoutingNote, Source, Status, Task, Transition
from vadesk.tasks.open_work import due_on, footprints, open_work_move

# Events others act on (notifications registers in its AppConfig.ready()); fired inside the change's transaction.
task_requested = Hook(
    "tasks.requested"
)  # task=, requester= (e-mail of who asked): a new request from the client's side
task_assigned = Hook("tasks.assigned")  # task=, people= (newly assigned), by=
comment_added = Hook("tasks.comment_added")  # comment=, by= (mentions)
client_replied = Hook("tasks.client_replied")  # task=, comment=: after a waiting task went back in progress
task_created = Hook("tasks.created")  # task=, by=: any new task (webhooks)
task_moved = Hook("tasks.moved")  # task=, previous=, by=: after a status change (webhooks)


def task_create(
    *,
    by: Person | None,  # None: the task came in by e-mail from a contact who is no vadesk user
    client: Client,
    title: str,
    description: str = "",
    category: str = "other",
    priority: int = 2,
    due_at: datetime | None = None,
    source: str = Source.EMAIL,
    engagement: Engagement | None = None,
    assignees: Iterable[Person] = (),
    checklist: Iterable[str] = (),
    routed: bool = False,  # work that arrived (mail, phone): the routing rule chooses who gets it
    requester: str = "",  # the address a request by mail came from (`by` is None then): it gets the confirmation
    route: routing.Route | None = None,  # the routing rule's decision, made by the caller for a later moment
) -> Task:
    if by is not None:
        _check_team(by, client)
    assignees = list(assignees)
    if (routed or route is not None) and assignees:
        raise ValueError("a routed task takes its assignees from the routing rule")
    if routed and route is None:
        route = routing.route(client=client, category=category, at=timezone.now())
    return _task_save(
        by=by,
        client=client,
        title=title,
        description=description,
        category=category,
        priority=priority,
        due_at=due_at,
        source=source,
        engagement=engagement,
        assignees=assignees,
        checklist=checklist,
        route=route,
        requester=requester,
    )


def _task_save(
    *,
    by: Person | None,
    client: Client,
    title: str,
    description: str,
    category: str,
    priority: int,
    due_at: datetime | None,
    source: str,
    engagement: Engagement | None,
    assignees: Iterable[Person],
    checklist: Iterable[str],
    route: routing.Route | None = None,
    requester: str = "",
) -> Task:
    """`route`: the routing rule's decision, whose people become the assignees (already checked to be staff)."""
    if not title.strip():
        raise ValidationError({"title": _("Give the task a title.")})
    if engagement is not None and engagement.client_id != client.pk:
        raise ValidationError({"engagement": _("This engagement belongs to another client.")})
    engagement = engagement or default_engagement(client)
    if route is not None:
        assignees = route.people
    else:
        assignees = list(assignees)
        _check_assignees(client, assignees)
    task = Task(
        client=client,
        engagement=engagement,
        title=title.strip(),
        description=description,
        category=category,
        priority=priority,
        due_at=due_at,
        source=source,
        created_by=by,
    )
    # Choices and lengths are checked here so that bad input is a clear error, not a database failure.
    task.full_clean(exclude=["client", "engagement", "created_by", "recurrence"])
    with transaction.atomic():
        task.save()
        task.assignees.set(assignees)
        Transition.objects.create(task=task, from_status="", to_status=Status.NEW, by=by)
        if route is not None:
            RoutingNote.objects.create(task=task, reason=route.reason())
        ChecklistItem.objects.bulk_create(
            [ChecklistItem(task=task, text=t.strip(), position=i) for i, t in enumerate(checklist) if t.strip()]
        )
        if by is None or not is_staff_for(by, client):
            task_requested.fire(task=task, requester=requester or (by.email if by is not None else ""))
        task_assigned.fire(task=task, people=assignees, by=by)
        task_created.fire(task=task, by=by)
        open_work_move({}, footprints([task.pk]))  # last: the kept cells are locked until the commit
    return task


def task_request(
    *,
    by: Person,
    client: Client,
    title: str,
    description: str,
    due_at: datetime | None = None,
    source: str = Source.PORTAL,
    requester: str = "",  # the address a request by mail came from, if not `by`'s own
) -> Task:
    """A client user's request from the portal: the routing rule chooses who gets it (by default the leads)."""
    if not _may_read(by, client):
        raise PermissionDenied(_("You cannot ask for work for this client."))
    return _task_save(
        by=by,
        client=client,
        title=title,
        description=description,
        category="other",
        priority=2,
        due_at=due_at,
        source=source,
        engagement=None,
        assignees=(),
        checklist=(),
        route=routing.route(client=client, category="other", at=timezone.now()),
        requester=requester,
    )


def default_engagement(client: Client) -> Engagement | None:
    """The client's engagement when there is exactly one active: the usual case."""
    active = list(client.engagements.active()[:2])
    return active[0] if len(active) == 1 else None


def task_update(*, by: Person, task: Task, **fields) -> Task:
    _check_team(by, task.client)
    allowed = {"title", "description", "category", "priority", "due_at", "engagement"}
    unknown = set(fields) - allowed - {"assignees"}
    if unknown:
        raise ValueError(f"cannot update {unknown}")
    if "engagement" in fields and fields["engagement"] is not None and fields["engagement"].client_id != task.client_id:
        raise ValidationError({"engagement": _("This engagement belongs to another client.")})
    if "title" in fields and not (fields["title"] or "").strip():
        raise ValidationError({"title": _("Give the task a title.")})
    assignees = fields.pop("assignees", None)
    if assignees is not None:
        assignees = list(assignees)
        _check_assignees(task.client, assignees)
    for name, value in fields.items():
        setattr(task, name, value)
    task.full_clean(exclude=["client", "engagement", "created_by", "recurrence"])
    with transaction.atomic():
        kept = footprints([task.pk], lock=True)
        # Only the edited fields: a status change made meanwhile by a colleague must survive.
        task.save(update_fields=[*fields, "updated_at"])
        if assignees is not None:
            before = kept[task.pk].people if task.pk in kept else frozenset()
            task.assignees.set(assignees)
            task_assigned.fire(task=task, people=[p for p in assignees if p.pk not in before], by=by)
        open_work_move(kept, footprints([task.pk]))
    return task


def task_transition(*, by: Person, task: Task, to: str) -> Task:
    """Move a task to a new status if the workflow allows it, and record who did it."""
    _check_team(by, task.client)
    return _move(task=task, to=to, by=by)


def _move(*, task: Task, to: str, by: Person | None) -> Task:
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        kept = footprints([task.pk])  # under the lock just taken
        if to not in TRANSITIONS.get(task.status, set()):
            raise ValidationError(
                _("A task that is %(current)s cannot become %(target)s."),
                params={
                    "current": Status(task.status).label,
                    "target": Status(to).label if to in Status.values else to,
                },
            )
        previous = task.status
        task.status = to
        task.closed_at = timezone.now() if to in (Status.DONE, Status.CANCELLED) else None
        task.save(update_fields=["status", "closed_at", "updated_at"])
        Transition.objects.create(task=task, from_status=previous, to_status=to, by=by)
        task_moved.fire(task=task, previous=previous, by=by)
        # Only whether it is open moved: the same day and assignees, counted or not. Last: the cells stay locked.
        open_work_move(kept, {task.pk: replace(kept[task.pk], due_on=due_on(task.due_at) if task.is_open else None)})
    return task


def comment_add(*, by: Person, task: Task, body: str, visibility: str) -> Comment:
    if not body.strip():
        raise ValidationError({"body": _("Write something first.")})
    if visibility not in Comment.Visibility.values:
        raise ValidationError({"visibility": _("Choose internal or visible to client.")})
    if not _may_read(by, task.client):
        raise PermissionDenied(_("You cannot comment on this task."))
    if visibility == Comment.Visibility.INTERNAL and not is_staff_for(by, task.client):
        raise PermissionDenied(_("Only the team can write internal comments."))
    with transaction.atomic():
        comment = Comment.objects.create(task=task, author=by, body=body.strip(), visibility=visibility)
        comment_added.fire(comment=comment, by=by)
        if not is_staff_for(by, task.client):
            task_client_reply(comment=comment)
    return comment


def task_client_reply(*, comment: Comment) -> Task:
    """A client's reply (a portal comment, or mail filed by comms.inbound from one of the client's own
    addresses): a task waiting for the client is back in progress, recorded in its history as the
    client's step (by the client user, or nobody for a contact without a login)."""
    task = comment.task
    with transaction.atomic():
        if task.status == Status.WAITING:
            task = _move(task=task, to=Status.IN_PROGRESS, by=comment.author)
        client_replied.fire(task=task, comment=comment)
    return task


def checklist_item_add(*, by: Person, task: Task, text: str) -> ChecklistItem:
    _check_team(by, task.client)
    if not text.strip():
        raise ValidationError({"text": _("Describe the checklist item.")})
    position = task.checklist.count()
    return ChecklistItem.objects.create(task=task, text=text.strip(), position=position)


def checklist_item_toggle(*, by: Person, item: ChecklistItem) -> ChecklistItem:
    _check_team(by, item.task.client)
    item.done_at, item.done_by = (None, None) if item.done_at else (timezone.now(), by)
    item.save(update_fields=["done_at", "done_by"])
    return item


def _check_team(person: Person, client: Client) -> None:
    """Working on a task is the client's team's: not a colleague elsewhere, not the client's own users."""
    if not is_staff_for(person, client):
        raise PermissionDenied(_("Only the team working for this client can do this."))


def _may_read(person: Person, client: Client) -> bool:
    """The client's team, or its own client users through the portal."""
    return client.pk in reach_of(person).portal_clients or is_staff_for(person, client)


def _check_assignees(client: Client, assignees: list[Person]) -> None:
    for person in assignees:
        if not is_staff_for(person, client):
            # Named only when they belong to the organisation: never confirm who exists elsewhere.
            name = (
                str(person)
                if person.memberships.filter(organisation_id=client.organisation_id).exists()
                else _("This person")
            )
            raise ValidationError({"assignees": _("%(person)s is not on this client's team.") % {"person": name}})
