"""Argon2id with parameters read from the settings, and a per-process limit on hashes running at once.

Django's own Argon2 hasher uses 100 MiB and 8 lanes per hash: on a 2-core machine a dozen sign-ins at once
took the memory and both cores from every page. The parameters here (settings ARGON2_*; docs/security.md gives
the measurements behind them, bench/signin.py repeats them) keep OWASP's floor of m=19 MiB, t=2, p=1. Hashes
made with other parameters still verify and are rewritten with these at the next sign-in (Django's must_update).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth import hashers


class HashingBusy(Exception):
    """More sign-ins wait to be hashed than this process takes on; the person should try again shortly."""


@lru_cache(maxsize=4)
def _slots(size: int) -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(size)


@contextmanager
def hashing_slot() -> Iterator[None]:
    """Hold one of PASSWORD_HASH_CONCURRENCY slots while hashing; wait at most PASSWORD_HASH_WAIT_SECONDS."""
    slots = _slots(settings.PASSWORD_HASH_CONCURRENCY)
    if not slots.acquire(timeout=settings.PASSWORD_HASH_WAIT_SECONDS):
        raise HashingBusy
    try:
        yield
    finally:
        slots.release()


class Argon2PasswordHasher(hashers.Argon2PasswordHasher):
    """Same algorithm name ("argon2"), so stored hashes of Django's hasher verify and get upgraded."""

    def params(self) -> Any:
        """The argon2 parameters of new hashes (and the ones must_update compares stored hashes against)."""
        params = super().params()
        params.time_cost = settings.ARGON2_TIME_COST
        params.memory_cost = settings.ARGON2_MEMORY_KIB
        params.parallelism = settings.ARGON2_PARALLELISM
        return params

    def encode(self, password: str, salt: str) -> str:
        with hashing_slot():
            return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        with hashing_slot():
            return super().verify(password, encoded)
