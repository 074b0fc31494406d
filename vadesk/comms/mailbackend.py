"""Django's mail API, pointed at the comms outbox: `send_mail()` and Django's own mails (password reset) are queued.

This is the `MAILERS["default"]` backend, so vadesk has one mail configuration (the outbox's
VADESK_SMTP_*) and no code path that talks SMTP from a request or inside a transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from vadesk.accounts.services import ORGANISATION_HEADER
from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import outbox_enqueue


def _html_of(message: EmailMessage) -> str:
    if isinstance(message, EmailMultiAlternatives):
        for alternative in message.alternatives:
            content, mimetype = alternative[0], alternative[1]
            if mimetype == "text/html":
                return str(content)
    return ""


def _organisation_of(message: EmailMessage) -> int | None:
    """The organisation a message is filed under; the header itself is not sent along (only the parts below are)."""
    value = str(message.extra_headers.get(ORGANISATION_HEADER, ""))
    return int(value) if value.isdigit() else None


def _attachments_of(message: EmailMessage) -> list[tuple[str, str, bytes]]:
    found = []
    for attachment in message.attachments:
        if isinstance(attachment, tuple):  # EmailAttachment(filename, content, mimetype)
            filename, content, mimetype = attachment
            data = content.encode() if isinstance(content, str) else bytes(content)
        else:  # a ready-made MIME part
            filename, mimetype = attachment.get_filename(), attachment.get_content_type()
            data = attachment.get_payload(decode=True) or b""
        found.append((filename or "attachment", mimetype or "application/octet-stream", data))
    return found


class OutboxBackend(BaseEmailBackend):
    """Each recipient of each message becomes one outbox row (kind `account`), written in one transaction."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        people = get_user_model()._default_manager
        queued = 0
        with transaction.atomic():
            for message in email_messages:
                for recipient in message.recipients():
                    person = people.filter(email__iexact=recipient).values_list("pk", flat=True).first()
                    outbox_enqueue(
                        organisation_id=_organisation_of(message),
                        person_id=person,
                        kind=OutboxMessage.Kind.ACCOUNT,
                        recipient=recipient,
                        subject=str(message.subject),
                        body_text=str(message.body),
                        body_html=_html_of(message),
                        attachments=_attachments_of(message),
                    )
                queued += 1
        return queued
