"""Outgoing MIME: pure functions from an outbox row's fields to RFC 5322 bytes, identical on every attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime


@dataclass(frozen=True)
class Outgoing:
    sender: str
    recipient: str
    subject: str
    text: str
    html: str
    message_id: str
    date: datetime
    reply_to: str = ""
    in_reply_to: str = ""
    auto_submitted: bool = False


def build(message: Outgoing) -> bytes:
    """The same row always gives the same bytes, so a retry is the same message (same Message-ID and Date)."""
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = message.sender
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(message.date)
    mail["Message-ID"] = message.message_id  # RFC 5322 §3.6.4
    if message.reply_to:
        mail["Reply-To"] = message.reply_to
    if message.in_reply_to:
        mail["In-Reply-To"] = message.in_reply_to
        mail["References"] = message.in_reply_to
    if message.auto_submitted:
        mail["Auto-Submitted"] = "auto-generated"  # RFC 3834 §5: auto-responders must not answer a digest
    mail.set_content(message.text or " ", subtype="plain", charset="utf-8")
    if message.html:
        mail.add_alternative(message.html, subtype="html", charset="utf-8")
    return mail.as_bytes()
