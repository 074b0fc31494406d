"""A real HTTP server on 127.0.0.1 in a thread (allowed through VADESK_FETCH_ALLOWED_HOSTS' setting), and an
endpoint of the owner's organisation pointing at it."""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from vadesk.invoicing.tests.conftest import PERIOD, billable_acme, hourly, october_hours, seller  # noqa: F401
from vadesk.lib.net import allowed_parse
from vadesk.webhooks.models import Endpoint, EventKind
from vadesk.webhooks.services import endpoint_create
from vadesk.webhooks.signing import signature_valid


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    def signed_with(self, secret: str) -> bool:
        return signature_valid(
            secret=secret,
            message_id=self.headers["webhook-id"],
            timestamp=int(self.headers["webhook-timestamp"]),
            body=self.body,
            header=self.headers["webhook-signature"],
        )


@dataclass
class Receiver:
    """What it received, and how it answers: `answers` is a queue of (status, body, headers); then 200."""

    url: str
    received: list[Received] = field(default_factory=list)
    answers: list[tuple[int, bytes, dict[str, str]]] = field(default_factory=list)
    delay: float = 0.0

    def answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, times: int = 1) -> None:
        self.answers.extend([(status, body, headers or {})] * times)


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    settings.FETCH_ALLOWED = allowed_parse("127.0.0.1")
    state = Receiver(url="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            state.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            if state.delay:
                time.sleep(state.delay)
            status, answer, headers = state.answers.pop(0) if state.answers else (200, b'{"ok":true}', {})
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client stopped reading (the response cap)
                self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield state
    server.shutdown()
    server.server_close()


@dataclass
class Registered:
    endpoint: Endpoint
    secret: str


@pytest.fixture
def registered(owner, org, receiver) -> Registered:
    """An active endpoint of `org` for every event, at the receiver."""
    endpoint, secret = endpoint_create(by=owner, organisation_id=org.pk, url=receiver.url, events=EventKind.values)
    return Registered(endpoint, secret)
