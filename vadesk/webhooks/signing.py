"""Standard Webhooks signatures (standardwebhooks.com, "Signature scheme"): pure functions, no ORM.

The signed content is `{webhook-id}.{webhook-timestamp}.{body}`; the signature is HMAC-SHA256 with the
secret's key (the base64 after `whsec_`), sent base64-encoded as `v1,<signature>` in `webhook-signature`.
A receiver checks it with the same secret and refuses a timestamp far from its own clock (replays).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from vadesk.webhooks.models import SECRET_PREFIX


def signing_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(*, secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret=secret, message_id=message_id, timestamp=timestamp, body=body),
    }


def signature_valid(*, secret: str, message_id: str, timestamp: int, body: bytes, header: str) -> bool:
    """What a receiver does: any of the space-separated `v1,…` signatures matches (a rotation may send two)."""
    expected = signature(secret=secret, message_id=message_id, timestamp=timestamp, body=body)
    return any(hmac.compare_digest(expected, part) for part in header.split())
