"""A built-in SMTP/LMTP receiver (aiosmtpd): a local MTA hands mail over, we answer 250 only once it is stored.

LMTP (RFC 2033) is what Postfix or Exim use to hand mail to a local delivery agent; plain SMTP
suits a test or a relay pointing straight at vadesk. Messages over the size limit are refused
with 552 (RFC 5321 §4.5.3.1.10), so the sending server bounces them to the sender.
"""

from __future__ import annotations

import asyncio

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import close_old_connections, connections

from vadesk.comms import conf
from vadesk.comms.inbound import inbound_receive


def _receive(raw: bytes, recipients: list[str]) -> str:
    close_old_connections()
    try:
        message = inbound_receive(raw=raw, envelope_recipients=recipients)
        return f"250 2.0.0 Stored as {message.outcome}"
    except Exception:
        return "451 4.3.0 Temporary failure, please try again later"
    finally:
        # The executor's threads outlive the message; a connection left open here would pin the database.
        connections.close_all()


class Handler:
    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or (
            envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        )
        status = await asyncio.to_thread(_receive, raw, list(envelope.rcpt_tos))
        if isinstance(server, LMTP):
            # RFC 2033 §4.2: after the end of data an LMTP server answers once per accepted recipient.
            # The message is filed once for all of them, so each gets the same answer.
            return "\r\n".join([status] * max(1, len(envelope.rcpt_tos)))
        return status


class ReceiverController(Controller):
    def __init__(self, *, host: str, port: int, lmtp: bool = False) -> None:
        self.lmtp = lmtp
        super().__init__(
            Handler(), hostname=host, port=port, data_size_limit=conf.max_message_bytes(), decode_data=False
        )

    def factory(self) -> SMTP:
        cls = LMTP if self.lmtp else SMTP
        return cls(self.handler, **self.SMTP_kwargs)
