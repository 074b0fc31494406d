"""Mail to the terminal: `vadesk run` starts a loopback SMTP server that prints what the outbox delivers.

The outbox delivers over SMTP (vadesk/comms/conf.py reads the relay from settings at each delivery). On a
laptop there is usually no relay, so unless VADESK_SMTP_HOST names one, `vadesk run` points the outbox at this
server on 127.0.0.1: every message is delivered (and marked sent), and its envelope, subject and text part are
printed; nothing leaves the machine.
"""

from __future__ import annotations

import email
import email.policy
import socket
import sys
from typing import Protocol

from aiosmtpd.controller import Controller
from django.conf import settings


class Output(Protocol):
    """A text stream: sys.stdout, or a management command's self.stdout."""

    def write(self, text: str) -> object: ...

    def flush(self) -> object: ...


BODY_LINES = 12  # enough to read a digest's first items; the rest is in the outbox


class Printer:
    def __init__(self, out: Output):
        self.out = out

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        lines = text.strip().splitlines()
        attachments = [name for part in message.iter_attachments() if (name := part.get_filename())]
        self.out.write(
            "\n── mail (not sent: printed by vadesk run) ──\n"
            f"From: {envelope.mail_from}\nTo: {', '.join(envelope.rcpt_tos)}\nSubject: {message['Subject']}\n"
            + (f"Attachments: {', '.join(attachments)}\n" if attachments else "")
            + "\n".join(lines[:BODY_LINES])
            + ("\n…" if len(lines) > BODY_LINES else "")
            + "\n──\n"
        )
        self.out.flush()
        return "250 OK"


def console_mail_start(out: Output = sys.stdout) -> Controller:
    """Serve SMTP on a free loopback port and point the outbox at it; returns the running controller."""
    controller = Controller(Printer(out), hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.SMTP_HOST = "127.0.0.1"
    settings.SMTP_PORT = controller.port
    settings.SMTP_SECURITY = "none"
    settings.SMTP_USERNAME = settings.SMTP_PASSWORD = ""
    return controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
