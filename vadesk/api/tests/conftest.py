"""An API client per person of the shared cast: `api_as(owner).get("/tasks")`."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from vadesk.accounts.models import ApiToken, Membership, Person
from vadesk.accounts.services import api_token_create
from vadesk.clients.models import Client
from vadesk.conftest import make_person

PREFIX = "/api/v1"


class Api:
    """Django's test client with a bearer token and JSON bodies."""

    def __init__(self, secret: str | None, language: str = "en") -> None:
        self.http = HttpClient()
        self.headers = {"accept-language": language}
        if secret:
            self.headers["authorization"] = f"Bearer {secret}"

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str):
        return self.http.get(PREFIX + path, params or {}, headers={**self.headers, **headers})

    def post(self, path: str, body: Any = None, **headers: str):
        return self._send("post", path, body, headers)

    def patch(self, path: str, body: Any = None, **headers: str):
        return self._send("patch", path, body, headers)

    def delete(self, path: str, **headers: str):
        return self.http.delete(PREFIX + path, headers={**self.headers, **headers})

    def _send(self, method: str, path: str, body: Any, headers: dict[str, str]):
        send = getattr(self.http, method)
        return send(
            PREFIX + path,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers={**self.headers, **headers},
        )


@pytest.fixture
def api_as(db) -> Callable[..., Api]:
    def make(person: Person, language: str = "en") -> Api:
        token, secret = api_token_create(person=person, name="tests")
        # As if just used: the once-a-minute last_used_at write then stays out of query counts.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return Api(secret, language)

    return make


@pytest.fixture
def anonymous(db) -> Api:
    return Api(None)


@pytest.fixture
def globex(org) -> Client:
    """A second client of the same agency, with its own client user: the portal neighbour."""
    return Client.objects.create(organisation=org, name="Globex NV", country="BE", preferred_language="nl")


@pytest.fixture
def globex_user(org, globex) -> Person:
    person = make_person("boss@globex.example", "Gerda Globex", "nl")
    Membership.objects.create(person=person, organisation=org, role=Membership.Role.CLIENT, client=globex)
    return person
