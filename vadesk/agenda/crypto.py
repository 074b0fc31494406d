"""Secrets kept for talking to other servers (CalDAV passwords), encrypted at rest with Fernet.

The key is derived (HKDF-SHA256) from the environment variable VADESK_ENCRYPTION_KEY, or from
SECRET_KEY when that is not set, so a copy of the database alone does not give away the
passwords. Fernet is AES-128-CBC with an HMAC-SHA256 over it (authenticated: a changed value is
refused, not decrypted to garbage). Stored values carry the prefix "fernet:"; a value without it
is a password stored before encryption came in, read as it is until the migration (or the next
save) encrypts it.
"""

from __future__ import annotations

import base64
import logging
import os
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

PREFIX = "fernet:"
ENV = "VADESK_ENCRYPTION_KEY"
log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _fernet_for(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"vadesk", info=b"vadesk stored secrets v1").derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def fernet() -> Fernet:
    """Read at each use, so a key set in the environment takes effect without a code change."""
    return _fernet_for(os.environ.get(ENV) or settings.SECRET_KEY)


def encrypt(plain: str) -> str:
    return PREFIX + fernet().encrypt(plain.encode()).decode() if plain else ""


def decrypt(stored: str) -> str:
    """The plain text; '' when the key no longer fits (the password must then be entered again)."""
    if not stored or not stored.startswith(PREFIX):
        return stored or ""
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        log.warning("A stored secret cannot be decrypted with the current key (%s or SECRET_KEY changed?).", ENV)
        return ""


class EncryptedTextField(models.TextField):
    """A text column holding Fernet tokens; Python code sees only the plain text."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value is not None else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else (value or "")
