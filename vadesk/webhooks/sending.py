"""One attempt at a delivery: POST the signed JSON to the endpoint, outside any transaction, and record the answer.

The connection goes only to a public address, checked where the socket is opened (vadesk.lib.net, the guard
of calendar fetches; VADESK_FETCH_ALLOWED_HOSTS lets in named internal hosts), and a redirect is not
followed: the endpoint is the address the owner typed. Each socket operation times out after TIMEOUT_SECONDS
and at most EXCERPT_BYTES of the answer are read.
"""

from __future__ import annotations

import http.client
import json
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from vadesk.lib.net import AddressRefused, opener_checked
from vadesk.webhooks.models import EXCERPT_BYTES, Delivery
from vadesk.webhooks.signing import signed_headers

ATTEMPTS = 5  # then the delivery is failed; the owner can resend it
TIMEOUT_SECONDS = 5
USER_AGENT = "vadesk-webhooks/1"


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer at all (refused, timed out, not HTTP)
    excerpt: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


@cache
def tls_context() -> ssl.SSLContext:
    """One verifying context per process (thread-safe to share): making one per delivery cost 300 ms here."""
    return ssl.create_default_context()


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={**headers, "Content-Type": "application/json", "User-Agent": USER_AGENT},
    )
    opener = opener_checked(allowed=settings.FETCH_ALLOWED, follow_redirects=False, context=tls_context())
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return Answer(response.status, _excerpt(response))
    except urllib.error.HTTPError as exc:  # a non-2xx answer, a redirect included
        with exc:
            return Answer(exc.code, _excerpt(exc), f"HTTP {exc.code}")
    except AddressRefused as exc:  # raised where the socket is opened
        return Answer(None, error=str(exc))
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, AddressRefused):
            return Answer(None, error=str(reason))
        return Answer(None, error=_describe(reason))
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return Answer(None, error=_describe(exc))


def _excerpt(response: Any) -> str:
    try:
        return response.read(EXCERPT_BYTES).decode("utf-8", errors="replace")
    except (OSError, http.client.HTTPException):
        return ""


def _describe(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return f"timed out after {TIMEOUT_SECONDS} s"
    if isinstance(reason, http.client.HTTPException):
        return "the server did not answer in HTTP"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror[:200]
    return (reason if isinstance(reason, str) else type(reason).__name__)[:200]


def delivery_attempt(*, delivery_id: int) -> str:
    """1. Load the delivery; one already delivered, or gone with its endpoint, is left alone (the job may run twice).
    2. Sign the body with the endpoint's secret and a fresh timestamp, POST it (no transaction is open here).
    3. Record the attempt: delivered on a 2xx, failed after ATTEMPTS, else pending for the job's next try.
    Returns the delivery's status after the attempt ("gone" when there is none).
    """
    delivery = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None:
        return "gone"
    if delivery.status == Delivery.Status.DELIVERED:
        return delivery.status
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, error="endpoint inactive")
        return Delivery.Status.FAILED
    body = body_of(delivery.payload)
    headers = signed_headers(
        secret=endpoint.secret, message_id=delivery.message_id, timestamp=int(time.time()), body=body
    )
    answer = post(endpoint.url, body, headers)
    attempts = delivery.attempts + 1
    if answer.ok:
        status = Delivery.Status.DELIVERED
    else:
        status = Delivery.Status.FAILED if attempts >= ATTEMPTS else Delivery.Status.PENDING
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status,
        attempts=F("attempts") + 1,
        last_attempt_at=timezone.now(),
        response_status=answer.status,
        response_excerpt=answer.excerpt,
        error=answer.error[:300],
    )
    return status
