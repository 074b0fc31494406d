"""Outgoing MIME: pure functions from an outbox row's fields to RFC 5322 bytes, identical on every attempt."""

from __future__ import annotations

import re
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
    calendar: str = ""  # an iTIP object: sent as the text/calendar alternative (RFC 6047 §2.4)
    attachments: tuple[tuple[str, str, bytes], ...] = ()  # (filename, content type, bytes)


METHOD = re.compile(r"^METHOD:([A-Za-z-]+)\r?$", re.M)


def itip_method(calendar: str) -> str:
    """The iTIP method of a calendar object (REQUEST, CANCEL, REPLY …), upper-case; "" without one."""
    found = METHOD.search(calendar)
    return found[1].upper() if found else ""


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
    if message.calendar:
        # RFC 6047 §2.4: the Content-Type's method parameter must equal the object's METHOD.
        mail.add_alternative(
            message.calendar, subtype="calendar", charset="utf-8", params={"method": itip_method(message.calendar)}
        )
    for filename, content_type, content in message.attachments:
        maintype, _, subtype = content_type.partition("/")
        mail.add_attachment(content, maintype=maintype, subtype=subtype or "octet-stream", filename=filename)
    return mail.as_bytes()
