"""Bearer tokens: the only way in."""

from django.utils import timezone

from vadesk.accounts.models import ApiToken
from vadesk.accounts.services import api_token_create, api_token_revoke
from vadesk.api.tests.conftest import Api


def test_it_refuses_a_request_without_a_token(anonymous, task):
    response = anonymous.get("/tasks")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "Plan board meeting" not in response.content.decode()


def test_it_refuses_an_unknown_token(task):
    response = Api("vad_" + "x" * 43).get("/tasks")
    assert response.status_code == 401


def test_it_refuses_a_token_sent_with_another_scheme(assistant, task):
    _, secret = api_token_create(person=assistant, name="script")
    api = Api(None)
    response = api.http.get("/api/v1/tasks", headers={"authorization": f"Token {secret}"})
    assert response.status_code == 401


def test_it_accepts_a_valid_token_and_records_its_use(assistant, task):
    token, secret = api_token_create(person=assistant, name="script")
    response = Api(secret).get("/tasks")
    assert response.status_code == 200
    assert [t["title"] for t in response.json()["items"]] == ["Plan board meeting"]
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at <= timezone.now()


def test_it_refuses_a_revoked_token(assistant, task):
    token, secret = api_token_create(person=assistant, name="script")
    api = Api(secret)
    assert api.get("/tasks").status_code == 200
    api_token_revoke(person=assistant, token=token)
    response = api.get("/tasks")
    assert response.status_code == 401
    assert "Plan board meeting" not in response.content.decode()


def test_it_refuses_the_token_of_a_deactivated_person(assistant, task):
    _, secret = api_token_create(person=assistant, name="script")
    assistant.is_active = False
    assistant.save(update_fields=["is_active"])
    assert Api(secret).get("/tasks").status_code == 401


def test_it_ignores_a_logged_in_session(client, assistant, task):
    client.force_login(assistant)
    response = client.get("/api/v1/tasks")
    assert response.status_code == 401


def test_a_session_does_not_need_csrf_because_it_is_not_used(assistant, acme):
    # With a token, a POST needs no CSRF token: the API never reads the session cookie.
    _, secret = api_token_create(person=assistant, name="script")
    api = Api(secret)
    api.http = type(api.http)(enforce_csrf_checks=True)
    response = api.post("/tasks", {"client": acme.pk, "title": "Book a table"})
    assert response.status_code == 201


def test_only_the_hash_of_a_token_is_stored(assistant):
    token, secret = api_token_create(person=assistant, name="script")
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in (stored.digest, stored.prefix)
    assert stored.digest == ApiToken.hash(secret)
