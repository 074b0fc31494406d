"""IMAP polling (imaplib, RFC 3501): read new mail from the practice's mailbox and file it like the receiver does.

A message is flagged \\Seen only after `inbound_receive` committed it. A crash in between means the
next poll reads it again, and the Message-ID key makes that second filing a no-op: nothing is lost
and nothing is filed twice.
"""

from __future__ import annotations

import contextlib
import imaplib
import ssl
from dataclasses import dataclass

from django.conf import settings

from vadesk.comms.inbound import inbound_receive


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    username: str
    password: str
    security: str = "tls"  # tls | starttls | none
    mailbox: str = "INBOX"


def imap_config() -> ImapConfig | None:
    """None when no mailbox is configured (VADESK_IMAP_HOST empty); values checked in config/settings.py."""
    if not settings.IMAP_HOST:
        return None
    return ImapConfig(
        host=settings.IMAP_HOST,
        port=settings.IMAP_PORT,
        username=settings.IMAP_USERNAME,
        password=settings.IMAP_PASSWORD,
        security=settings.IMAP_SECURITY,
        mailbox=settings.IMAP_MAILBOX,
    )


def _connect(config: ImapConfig) -> imaplib.IMAP4:
    if config.security == "tls":
        client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            config.host, config.port, ssl_context=ssl.create_default_context(), timeout=60
        )
    else:
        client = imaplib.IMAP4(config.host, config.port, timeout=60)
        if config.security == "starttls":
            client.starttls(ssl_context=ssl.create_default_context())
    client.login(config.username, config.password)
    return client


def imap_poll(config: ImapConfig, *, limit: int = 500) -> dict[str, int]:
    """File every unseen message (up to `limit`); returns a count per outcome."""
    counts: dict[str, int] = {}
    client = _connect(config)
    try:
        status, _ = client.select(_quoted(config.mailbox))
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot open mailbox {config.mailbox}")
        _, found = client.uid("SEARCH", "UNSEEN")  # no CHARSET argument: ASCII criteria (RFC 3501 §6.4.4)
        for uid in [u.decode() for u in (found[0] or b"").split()[:limit]]:
            # BODY.PEEK[] leaves \\Seen alone until the message is safely stored (RFC 3501 §6.4.5).
            status, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in data if isinstance(part, tuple)), None)
            if status != "OK" or raw is None:
                continue
            message = inbound_receive(raw=raw)
            client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            counts[message.outcome] = counts.get(message.outcome, 0) + 1
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return counts


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
