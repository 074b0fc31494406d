"""Django's model backend behind the sign-in throttle and the hashing limit (accounts/throttle.py, hashers.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from vadesk.accounts.hashers import HashingBusy
from vadesk.accounts.throttle import client_address, throttle_clear, throttle_fail, throttle_refused, throttle_until

# Set on the request when the backend refused without looking at the password (accounts/forms.py shows why).
THROTTLED_UNTIL = "vadesk_signin_throttled_until"
HASHING_BUSY = "vadesk_signin_busy"


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if request is None or username is None:
            return super().authenticate(request, username, password, **kwargs)
        account, address = username.strip().lower(), client_address(request)
        until = throttle_until(account=account, address=address)
        if until is not None:
            setattr(request, THROTTLED_UNTIL, until)
            throttle_refused(account=account, address=address, what="sign-in", until=until)
            raise PermissionDenied  # django.contrib.auth.authenticate stops here: no other backend is tried
        try:
            person = super().authenticate(request, username, password, **kwargs)
        except HashingBusy:
            setattr(request, HASHING_BUSY, True)
            raise PermissionDenied from None
        if person is None:
            throttle_fail(account=account, address=address, what="sign-in")
        else:
            throttle_clear(account=account)
        return person
