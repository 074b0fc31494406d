"""Helpers for tests that follow a message from the change that causes it to a real SMTP server on loopback."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from django.conf import settings
from django.db import connection
from django.utils import timezone

from vadesk.comms.channels import SmtpAdapter
from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import outbox_run
from vadesk.comms.tests.servers import SmtpServer, free_port


def deliver() -> dict[str, int]:
    """One round of the outbox worker (`vadesk outbox_worker`), with the SMTP settings of this moment."""
    return outbox_run(adapters={"email": SmtpAdapter()})


def smtp_down(monkeypatch) -> None:
    """Point the outbox at a port where nothing listens: every connection is refused."""
    monkeypatch.setattr(settings, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setattr(settings, "SMTP_PORT", free_port())


def smtp_back(monkeypatch, server: SmtpServer) -> None:
    """The relay answers again; messages waiting out their back-off are due now."""
    monkeypatch.setattr(settings, "SMTP_PORT", server.port)
    OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).update(not_before=timezone.now())


def received(server: SmtpServer) -> list[EmailMessage]:
    return server.mailbox.parsed()


class SmtpWatch:
    """Records every SMTP connection vadesk opens, and whether a database transaction was open at that moment."""

    def __init__(self, monkeypatch) -> None:
        self.connections: list[bool] = []
        original = smtplib.SMTP.connect

        def connect(smtp, *args, **kwargs):
            self.connections.append(connection.in_atomic_block)
            return original(smtp, *args, **kwargs)

        monkeypatch.setattr(smtplib.SMTP, "connect", connect)

    @property
    def inside_a_transaction(self) -> int:
        return sum(self.connections)
