"""Bearer tokens only: no session, so no CSRF, and a script's rights are exactly its person's.

Token use is throttled like sign-in (accounts/throttle.py): too many unknown tokens from one address, or for one
token prefix, and every token from there is refused with 429 until the window has passed.
"""

from datetime import datetime

from django.http import HttpRequest
from ninja.security import HttpBearer

from vadesk.accounts.models import Person
from vadesk.accounts.services import person_for_token
from vadesk.accounts.throttle import client_address, throttle_fail, throttle_refused, throttle_until


class TokenThrottled(Exception):
    """Too many bad tokens from this address (or for this token): refused until `until`."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        # The prefix names the token being tried (it is stored in the clear, ApiToken.prefix).
        account, address = "token:" + token[:12], client_address(request)
        until = throttle_until(account=account, address=address)
        if until is not None:
            throttle_refused(account=account, address=address, what="API token", until=until)
            raise TokenThrottled(until)
        person = person_for_token(token) if token.startswith("vad_") else None
        if person is None:
            throttle_fail(account=account, address=address, what="API token")
        return person


def person_of(request: HttpRequest) -> Person:
    """The person behind the request's token; every endpoint requires one."""
    return request.auth  # type: ignore[attr-defined]
