"""Comments: the team talks internally; the client sees and writes only what is visible to them."""

from vadesk.tasks.models import Comment
from vadesk.tasks.services import comment_add


def _bodies(response) -> list[str]:
    assert response.status_code == 200
    return [c["body"] for c in response.json()]


def test_the_team_sees_internal_and_client_comments_in_order(api_as, assistant, owner, task):
    comment_add(by=assistant, task=task, body="CEO is difficult", visibility="internal")
    comment_add(by=owner, task=task, body="Venue booked", visibility="client")
    assert _bodies(api_as(owner).get(f"/tasks/{task.pk}/comments")) == ["CEO is difficult", "Venue booked"]


def test_it_hides_internal_comments_from_client_users(api_as, assistant, acme_user, task):
    comment_add(by=assistant, task=task, body="CEO is difficult", visibility="internal")
    comment_add(by=assistant, task=task, body="Venue booked", visibility="client")
    response = api_as(acme_user).get(f"/tasks/{task.pk}/comments")
    assert _bodies(response) == ["Venue booked"]
    assert "difficult" not in response.content.decode()
    assert response.json()[0]["author"] == {"id": assistant.pk, "full_name": "Anna Assistent"}


def test_the_team_writes_internal_comments_by_default(api_as, assistant, task):
    response = api_as(assistant).post(f"/tasks/{task.pk}/comments", {"body": " Called them. "})
    assert response.status_code == 201
    comment = Comment.objects.get()
    assert (comment.body, comment.visibility, comment.author) == ("Called them.", "internal", assistant)
    assert response.json()["visibility"] == "internal"


def test_the_team_writes_a_comment_for_the_client(api_as, assistant, acme_user, task):
    assert (
        api_as(assistant)
        .post(f"/tasks/{task.pk}/comments", {"body": "Done, see mail", "visibility": "client"})
        .status_code
        == 201
    )
    assert _bodies(api_as(acme_user).get(f"/tasks/{task.pk}/comments")) == ["Done, see mail"]


def test_a_client_users_comment_is_visible_to_the_client(api_as, acme_user, task):
    response = api_as(acme_user).post(f"/tasks/{task.pk}/comments", {"body": "Please also invite Jan"})
    assert response.status_code == 201
    assert Comment.objects.get().visibility == "client"


def test_a_client_user_may_not_write_an_internal_comment(api_as, acme_user, task):
    response = api_as(acme_user).post(f"/tasks/{task.pk}/comments", {"body": "Sneaky", "visibility": "internal"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Only the team can write internal comments."}
    assert not Comment.objects.exists()


def test_it_refuses_an_empty_comment_or_an_unknown_visibility(api_as, assistant, task):
    api = api_as(assistant)
    response = api.post(f"/tasks/{task.pk}/comments", {"body": "   "})
    assert response.status_code == 422
    assert response.json()["errors"] == {"body": ["Write something first."]}
    response = api.post(f"/tasks/{task.pk}/comments", {"body": "x", "visibility": "public"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["visibility"]
    assert not Comment.objects.exists()


def test_a_client_user_of_another_client_sees_no_comments(api_as, assistant, globex_user, task):
    comment_add(by=assistant, task=task, body="Venue booked", visibility="client")
    response = api_as(globex_user).get(f"/tasks/{task.pk}/comments")
    assert response.status_code == 404
    assert "Venue" not in response.content.decode()
    assert (
        api_as(globex_user).post(f"/tasks/{task.pk}/comments", {"body": "hi", "visibility": "client"}).status_code
        == 404
    )
    assert Comment.objects.count() == 1
