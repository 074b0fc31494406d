"""comment_add: internal notes for the team, visible comments for the client."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vadesk.tasks.models import Comment
from vadesk.tasks.services import comment_add

INTERNAL, CLIENT = Comment.Visibility.INTERNAL, Comment.Visibility.CLIENT


@pytest.mark.parametrize("visibility", [INTERNAL, CLIENT])
def test_the_team_writes_internal_and_visible_comments(assistant, owner, task, visibility):
    for person in (assistant, owner):
        comment = comment_add(by=person, task=task, body=" Called the venue. ", visibility=visibility)
        assert (comment.author, comment.body, comment.is_internal) == (
            person,
            "Called the venue.",
            visibility == INTERNAL,
        )


def test_the_client_user_writes_a_comment_the_team_and_client_both_see(acme_user, task):
    comment = comment_add(by=acme_user, task=task, body="Thursday works best.", visibility=CLIENT)

    assert (comment.author, comment.is_internal) == (acme_user, False)


def test_the_client_user_cannot_write_an_internal_comment(acme_user, task):
    with pytest.raises(PermissionDenied, match="Only the team can write internal comments."):
        comment_add(by=acme_user, task=task, body="Psst", visibility=INTERNAL)

    assert not Comment.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "outsider"])
@pytest.mark.parametrize("visibility", [INTERNAL, CLIENT])
def test_someone_who_does_not_serve_the_client_cannot_comment(request, task, who, visibility):
    with pytest.raises(PermissionDenied):
        comment_add(by=request.getfixturevalue(who), task=task, body="Hello", visibility=visibility)

    assert not Comment.objects.exists()


def test_a_client_user_of_another_client_cannot_comment(task, other_client, other_org):
    from vadesk.accounts.models import Membership
    from vadesk.conftest import make_person

    stranger = make_person("boss@geheim.example", "Gerda Geheim")
    Membership.objects.create(person=stranger, organisation=other_org, role=Membership.Role.CLIENT, client=other_client)

    with pytest.raises(PermissionDenied):
        comment_add(by=stranger, task=task, body="Hello", visibility=CLIENT)


def test_it_refuses_an_empty_comment_and_an_unknown_visibility(assistant, task):
    with pytest.raises(ValidationError) as empty:
        comment_add(by=assistant, task=task, body="  ", visibility=INTERNAL)
    with pytest.raises(ValidationError) as unknown:
        comment_add(by=assistant, task=task, body="Hello", visibility="public")

    assert (empty.value.message_dict, unknown.value.message_dict) == (
        {"body": ["Write something first."]},
        {"visibility": ["Choose internal or visible to client."]},
    )
