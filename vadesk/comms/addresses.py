"""Reply addresses and subject tokens that lead a reply back to its task, signed so they cannot be guessed.

RFC 5233 sub-addressing: desk+t42-1a2b3c4d@in.example reaches desk@in.example, and the
part after "+" names task 42. The tag carries 128 bits of an HMAC-SHA256 of the task id, keyed with a key of its
own (settings.REPLY_TOKEN_KEY, or one derived from SECRET_KEY under a salt used for nothing else), so nobody can
post into a task by writing to a made-up address, and the key signs nothing else.
"""

from __future__ import annotations

import hmac
import re
import secrets
from hashlib import sha256

from django.conf import settings
from django.utils.crypto import salted_hmac

# 32 hex digits: 128 bits of the HMAC, out of reach of guessing (an 8-digit tag was 32 bits).
SIGNATURE_HEX = 32
TOKEN = re.compile(r"\[#?T(\d{1,18})-([0-9a-f]{32})\]", re.I)
TAG = re.compile(r"^t(\d{1,18})-([0-9a-f]{32})$", re.I)
ORG_TAG = re.compile(r"^o(\d{1,18})-([0-9a-f]{32})$", re.I)


def _key() -> bytes:
    if settings.REPLY_TOKEN_KEY:
        return settings.REPLY_TOKEN_KEY.encode()
    return salted_hmac("vadesk.comms.reply-token-key", "v1", algorithm="sha256").digest()


def _sign(kind: str, pk: int) -> str:
    return hmac.new(_key(), f"vadesk-comms:{kind}:{pk}".encode(), sha256).hexdigest()[:SIGNATURE_HEX]


def task_token(task_id: int) -> str:
    """What goes into a subject: [T42-1a2b3c4d]."""
    return f"[T{task_id}-{_sign('task', task_id)}]"


def _plus(address: str, tag: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local}+{tag}@{domain}"


def task_reply_address(base: str, task_id: int) -> str:
    return _plus(base, f"t{task_id}-{_sign('task', task_id)}")


def organisation_address(base: str, organisation_id: int) -> str:
    return _plus(base, f"o{organisation_id}-{_sign('org', organisation_id)}")


def _check(kind: str, pk: str, signature: str) -> int | None:
    return int(pk) if hmac.compare_digest(_sign(kind, int(pk)), signature.lower()) else None


def task_from_subject(subject: str) -> int | None:
    match = TOKEN.search(subject or "")
    return _check("task", match.group(1), match.group(2)) if match else None


def tags_of(address: str) -> str:
    local = (address or "").partition("@")[0]
    return local.partition("+")[2]


def task_from_address(address: str) -> int | None:
    match = TAG.match(tags_of(address))
    return _check("task", match.group(1), match.group(2)) if match else None


def organisation_from_address(address: str) -> int | None:
    match = ORG_TAG.match(tags_of(address))
    return _check("org", match.group(1), match.group(2)) if match else None


def new_message_id(domain: str) -> str:
    """RFC 5322 §3.6.4: a globally unique id; random, so it reveals no row numbers."""
    return f"<{secrets.token_hex(16)}@{domain}>"
