"""Bearer tokens only: no session, so no CSRF, and a script's rights are exactly its person's."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from vadesk.accounts.models import Person
from vadesk.accounts.services import person_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        if not token.startswith("vad_"):
            return None
        return person_for_token(token)


def person_of(request: HttpRequest) -> Person:
    """The person behind the request's token; every endpoint requires one."""
    return request.auth  # type: ignore[attr-defined]
