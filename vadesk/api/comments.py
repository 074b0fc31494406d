"""Comments on a task. Client users see and write only comments visible to the client."""

from django.http import HttpRequest
from ninja import Field, Router, Schema

from vadesk.api.auth import person_of
from vadesk.api.types import Id, Input, PersonRef, Timestamp
from vadesk.clients.scoping import is_staff_for
from vadesk.tasks import services
from vadesk.tasks.models import Comment
from vadesk.tasks.scoping import task_for

router = Router(tags=["comments"])


class CommentOut(Schema):
    id: int
    task_id: int
    author: PersonRef | None
    body: str
    visibility: Comment.Visibility
    created_at: Timestamp


class CommentIn(Input):
    body: str
    visibility: Comment.Visibility | None = Field(
        None, description="Defaults to internal for the team, client for a client user"
    )


@router.get("/tasks/{task_id}/comments", response=list[CommentOut])
def list_comments(request: HttpRequest, task_id: Id):
    person = person_of(request)
    task = task_for(person, task_id)
    comments = task.comments.select_related("author")
    if not is_staff_for(person, task.client):
        comments = comments.filter(visibility=Comment.Visibility.CLIENT)
    return comments


@router.post("/tasks/{task_id}/comments", response={201: CommentOut})
def create_comment(request: HttpRequest, task_id: Id, payload: CommentIn):
    person = person_of(request)
    task = task_for(person, task_id)
    visibility = payload.visibility or (
        Comment.Visibility.INTERNAL if is_staff_for(person, task.client) else Comment.Visibility.CLIENT
    )
    return services.comment_add(by=person, task=task, body=payload.body, visibility=visibility)
