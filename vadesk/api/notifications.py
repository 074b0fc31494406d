"""A person's own notifications: what is new for them, and marking one read."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from vadesk.api.auth import person_of
from vadesk.api.types import Id, Timestamp
from vadesk.notifications.models import Kind
from vadesk.notifications.scoping import notification_for, notifications_for
from vadesk.notifications.services import notification_read

router = Router(tags=["notifications"])
MAX_LIMIT = 200


class NotificationOut(Schema):
    id: int
    organisation_id: int
    kind: Kind
    title: str = Field(description="In the recipient's language, written when it happened")
    body: str
    url: str = Field(description="The page it is about, a path on this site (empty when there is none)")
    client_id: int | None
    task_id: int | None
    created_at: Timestamp
    read_at: Timestamp | None


class NotificationFilters(Schema):
    unread: bool = Field(False, description="Only those not read yet")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)


@router.get("/notifications", response=list[NotificationOut])
def list_notifications(request: HttpRequest, filters: Query[NotificationFilters]):
    """The newest first; only about clients the person still serves."""
    found = notifications_for(person_of(request))
    if filters.unread:
        found = found.unread()
    return list(found[: filters.limit])


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def read_notification(request: HttpRequest, notification_id: Id):
    person = person_of(request)
    return notification_read(by=person, notification=notification_for(person, notification_id))
