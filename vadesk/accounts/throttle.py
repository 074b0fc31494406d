"""The sign-in throttle: too many failures for one account or from one client address, and even the right
password (or token) is refused until the window has passed.

Limits (settings, docs/security.md): SIGNIN_ACCOUNT_FAILURES per account and SIGNIN_ADDRESS_FAILURES per client
address within SIGNIN_WINDOW_SECONDS. The failures are rows (SignInFailure), so several web processes share them.
Checking and counting are two statements, so a burst across processes may pass a few attempts over the limit; the
limit still holds for the rest of the window.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from vadesk.accounts.models import SignInFailure

log = logging.getLogger("vadesk.security")

Scope = SignInFailure.Scope


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or, behind TRUSTED_PROXIES proxies, the address the outermost one saw."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    if not settings.TRUSTED_PROXIES:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    # Each trusted proxy appends the address it saw; anything further left was written by the client.
    return hops[-settings.TRUSTED_PROXIES] if len(hops) >= settings.TRUSTED_PROXIES else remote


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()


def _window() -> timedelta:
    return timedelta(seconds=settings.SIGNIN_WINDOW_SECONDS)


def _limits() -> dict[str, int]:
    return {Scope.ACCOUNT: settings.SIGNIN_ACCOUNT_FAILURES, Scope.ADDRESS: settings.SIGNIN_ADDRESS_FAILURES}


def _keys(account: str, address: str) -> dict[str, str]:
    return {Scope.ACCOUNT: _digest(account), Scope.ADDRESS: _digest(address)}


def throttle_until(*, account: str, address: str) -> datetime | None:
    """When the account or the address is over its limit: the moment it may try again; else None. One query."""
    since = timezone.now() - _window()
    keys = _keys(account, address)
    counts = dict(
        SignInFailure.objects.filter(
            Q(scope=Scope.ACCOUNT, key=keys[Scope.ACCOUNT]) | Q(scope=Scope.ADDRESS, key=keys[Scope.ADDRESS]),
            failed_at__gte=since,
        )
        .values_list("scope")
        .annotate(n=Count("id"))
    )
    limits = _limits()
    until = None
    for scope, count in counts.items():
        if count >= limits[scope]:
            # Allowed again once all but limit-1 of the failures in the window have aged out of it.
            times = SignInFailure.objects.filter(scope=scope, key=keys[scope], failed_at__gte=since).order_by(
                "failed_at"
            )
            oldest_to_expire = times.values_list("failed_at", flat=True)[count - limits[scope]]
            candidate = oldest_to_expire + _window()
            until = candidate if until is None else max(until, candidate)
    return until


def throttle_fail(*, account: str, address: str, what: str) -> None:
    """Count one failure for the account and the address; log when one of them reaches its limit."""
    now = timezone.now()
    keys = _keys(account, address)
    SignInFailure.objects.bulk_create(
        [SignInFailure(scope=scope, key=key, failed_at=now) for scope, key in keys.items()]
    )
    # Rows older than the window count for nothing any more.
    SignInFailure.objects.filter(failed_at__lt=now - _window()).delete()
    if throttle_until(account=account, address=address) is not None:
        log.warning(
            "security: %s throttled after repeated failures (account %r, address %s)",
            what,
            account,
            address,
            extra={"event": "signin_throttled", "what": what, "account": account, "client_address": address},
        )


def throttle_refused(*, account: str, address: str, what: str, until: datetime) -> None:
    """Log an attempt refused because of the throttle (whatever the password or token was)."""
    log.warning(
        "security: %s refused while throttled until %s (account %r, address %s)",
        what,
        until.isoformat(),
        account,
        address,
        extra={"event": "signin_refused_throttled", "what": what, "account": account, "client_address": address},
    )


def throttle_clear(*, account: str) -> None:
    """A sign-in that succeeded clears its account's failures (not the address's: one good account must not
    reset the count of an address that guesses at others)."""
    SignInFailure.objects.filter(scope=Scope.ACCOUNT, key=_digest(account)).delete()
