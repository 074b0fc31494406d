"""Real servers on loopback for the tests: an aiosmtpd SMTP server that keeps what it receives."""

from __future__ import annotations

import socket
import threading
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller


def free_port() -> int:
    # aiosmtpd cannot take port 0, so pick a free one first.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """aiosmtpd handler: stores each accepted message; `hold_data`/`hold_rcpt` block the session so a test can act mid-send."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.lock = threading.Lock()
        self.reply = "250 OK"
        self.rcpt_reply = "250 OK"
        self.hold_rcpt = threading.Event()
        self.hold_data = threading.Event()
        self.reached = threading.Event()
        self.release = threading.Event()
        self.refuse: dict[str, str] = {}  # recipient → the answer to its RCPT ("550 …", "451 …")
        self.hang_up_at: set[str] = set()  # recipients at whose RCPT the server drops the connection
        self.sessions: set[int] = set()  # one per connection: how many connections the client opened
        self.pipelining = False  # offer PIPELINING (RFC 2920); aiosmtpd answers pipelined commands in order

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname  # what aiosmtpd does without this hook
        return [responses[0], "250-PIPELINING", *responses[1:]] if self.pipelining else responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.sessions.add(id(session))
        if self.hold_rcpt.is_set():
            self.reached.set()
            await _wait(self.release)
        if address in self.hang_up_at:
            server.transport.close()
            return "421 closing"
        if address in self.refuse:
            return self.refuse[address]
        if not self.rcpt_reply.startswith("250"):
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reply.startswith("250"):
            with self.lock:
                self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        if self.hold_data.is_set():
            # Like a real server that has queued the message but whose "250" never reaches the client.
            self.reached.set()
            await _wait(self.release)
        return self.reply

    def parsed(self):
        with self.lock:
            return [BytesParser(policy=policy.default).parsebytes(raw) for _, raw in self.messages]


async def _wait(event: threading.Event) -> None:
    import asyncio

    while not event.is_set():
        await asyncio.sleep(0.01)


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, decode_data=False)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.mailbox.release.set()
        self.controller.stop()
