"""A hook a lower app offers and an upper app registers with in its `AppConfig.ready()`.

The lower app calls up without importing up (import-linter forbids that): `tasks` fires `task_assigned`,
and `notifications`, which sits above it, listens. Listeners run in the caller's transaction, in the
order they registered; an exception in one is the caller's (the change and its notification commit
together, or neither does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Hook:
    def __init__(self, name: str) -> None:
        self.name = name
        self._listeners: list[Callable[..., Any]] = []

    def __repr__(self) -> str:
        return f"Hook({self.name!r}, {len(self._listeners)} listeners)"

    def register(self, listener: Callable[..., Any]) -> None:
        """Idempotent: `ready()` may run more than once (tests, management commands)."""
        if listener not in self._listeners:
            self._listeners.append(listener)

    def fire(self, **event: Any) -> None:
        for listener in list(self._listeners):
            listener(**event)
