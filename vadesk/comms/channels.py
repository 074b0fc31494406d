"""Delivery adapters: SMTP for e-mail, the WhatsApp Business Cloud API, and a slot for an SMS provider.

Every adapter calls `handover()` immediately before the one step after which the provider may
have accepted the message (SMTP: sending the end-of-data "."; HTTP: sending the request). The
worker records that moment, so after a crash it knows whether a resend could be a duplicate.
"""

from __future__ import annotations

import json
import re
import smtplib
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.module_loading import import_string

from vadesk.comms import conf

Handover = Callable[[], None]


class DeliveryError(Exception):
    """The provider answered and refused; `permanent` says whether trying again can help."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Envelope:
    sender: str
    recipient: str
    data: bytes = b""  # MIME for e-mail
    text: str = ""  # plain text for SMS/WhatsApp
    payload: dict[str, Any] | None = None


class Adapter(Protocol):
    def deliver(self, envelope: Envelope, handover: Handover) -> str: ...


CRLF_FIX = re.compile(rb"\r\n|\n|\r(?!\n)")
LEADING_DOT = re.compile(rb"(?m)^\.")


class SmtpAdapter:
    """RFC 5321 by hand around DATA, so the end-of-data dot is a separate, recorded step."""

    def __init__(self, config: conf.SmtpConfig | None = None, *, per_connection: int = 100) -> None:
        self.config = config or conf.smtp_config()
        self.per_connection = per_connection  # messages over one connection before a fresh one (relays cap this)
        self._smtp: smtplib.SMTP | None = None  # open only inside `session()`
        self._in_session = False
        self._used = 0
        self.unavailable = False  # the relay could not be reached in this session: the batch stops there

    def _tls(self) -> ssl.SSLContext:
        # Certificates and host names are always verified (ssl.create_default_context); a private CA may be added.
        context = ssl.create_default_context()
        if self.config.ca_file:
            context.load_verify_locations(cafile=self.config.ca_file)
        return context

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        if c.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=self._tls())
        else:
            smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
        # The end-of-data line goes in a write of its own after the body (see `_transaction`): with Nagle's
        # algorithm (RFC 896) it waited for the ACK of the body's last segment, which the server delays
        # (RFC 1122 §4.2.3.2, 40 ms on Linux) as it has nothing to send: 70 ms a message, 14 a second.
        if smtp.sock is not None:
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        smtp.ehlo()
        if c.security == "starttls":
            smtp.starttls(context=self._tls())
            smtp.ehlo()
        if c.username:
            self._login(smtp)
        return smtp

    def _login(self, smtp: smtplib.SMTP) -> None:
        # PLAIN when offered (RFC 4616; the channel is encrypted when security is set): one round trip, and a
        # refusal is final. smtplib.login() would go on to try LOGIN, which some servers leave hanging after a 535.
        if "plain" in smtp.esmtp_features.get("auth", "").lower().split():
            smtp.user, smtp.password = self.config.username, self.config.password
            smtp.auth("PLAIN", smtp.auth_plain)
        else:
            smtp.login(self.config.username, self.config.password)

    @contextmanager
    def session(self) -> Iterator[SmtpAdapter]:
        """Deliver a batch over one connection: opened at the first message, closed at the end of the batch.

        Outside a session every message gets its own connection, as before. Inside one, a message that fails
        is followed by RSET (RFC 5321 §4.1.1.5) so the next one starts a clean transaction; a connection that
        broke, or that carried `per_connection` messages, is replaced at the next message.
        """
        self._in_session, self.unavailable = True, False
        try:
            yield self
        finally:
            self._in_session = False
            self._drop(quit=True)

    def _drop(self, *, quit: bool) -> None:
        smtp, self._smtp, self._used = self._smtp, None, 0
        if smtp is None:
            return
        try:
            if quit:
                smtp.quit()
            else:
                smtp.close()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None and self._used >= self.per_connection:
            self._drop(quit=True)
        if self._smtp is None:
            try:
                self._smtp = self._connect()
            except (smtplib.SMTPException, OSError):
                self.unavailable = self._in_session
                raise
        self._used += 1
        return self._smtp

    def deliver(self, envelope: Envelope, handover: Handover) -> str:
        smtp = self._connection()
        clean = False
        try:
            reply = self._transaction(smtp, envelope, handover)
            clean = True
            return reply
        except DeliveryError:
            # The server answered and refused: the connection is sound, only this transaction is spoilt.
            clean = self._reset(smtp)
            raise
        finally:
            if not (clean and self._in_session):
                self._drop(quit=clean)

    @staticmethod
    def _reset(smtp: smtplib.SMTP) -> bool:
        try:
            return smtp.rset()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def _transaction(self, smtp: smtplib.SMTP, envelope: Envelope, handover: Handover) -> str:
        if smtp.has_extn("pipelining"):
            self._pipelined_envelope(smtp, envelope)
        else:
            self._expect(smtp.mail(envelope.sender), {250})
            self._expect(smtp.rcpt(envelope.recipient), {250, 251})
            self._expect(smtp.docmd("DATA"), {354})
        # RFC 5321 §4.5.2: dot-stuff lines that start with "."; lines end in CRLF.
        body = LEADING_DOT.sub(b"..", CRLF_FIX.sub(b"\r\n", envelope.data))
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        smtp.send(body)
        # RFC 5321 §3.8: a server whose connection closes before the end-of-data indication discards
        # the transaction. Up to here a crash means "not sent"; from the next line on it may mean "sent".
        handover()
        smtp.send(b".\r\n")
        code, reply = smtp.getreply()
        self._expect((code, reply), {250})
        return reply.decode(errors="replace")[:200]

    def _pipelined_envelope(self, smtp: smtplib.SMTP, envelope: Envelope) -> None:
        """RFC 2920: MAIL, RCPT and DATA in one write, their answers read in order (one round trip, not three).

        Should the server accept DATA although it refused the sender or the recipient (§3.1 says it must not),
        the connection is closed before any data, which discards the transaction (RFC 5321 §3.8).
        """
        sender, recipient = smtplib.quoteaddr(envelope.sender), smtplib.quoteaddr(envelope.recipient)
        smtp.send(f"MAIL FROM:{sender}\r\nRCPT TO:{recipient}\r\nDATA\r\n")
        mail, rcpt, data = smtp.getreply(), smtp.getreply(), smtp.getreply()
        if data[0] == 354 and (mail[0] != 250 or rcpt[0] not in {250, 251}):
            smtp.close()
        self._expect(mail, {250})
        self._expect(rcpt, {250, 251})
        self._expect(data, {354})

    @staticmethod
    def _expect(answer: tuple[int, bytes], codes: set[int]) -> None:
        code, reply = answer
        if code not in codes:
            # RFC 5321 §4.2.1: 4yz is a transient failure, 5yz a permanent one.
            raise DeliveryError(f"{code} {reply.decode(errors='replace')}", permanent=500 <= code < 600)


class WhatsAppCloudAdapter:
    """WhatsApp Business Cloud API: POST {base}/{version}/{phone-number-id}/messages with a bearer token.

    Needs the practice's own WhatsApp Business account (phone number id and access token).
    Free-form text reaches a person only within 24 hours of their last message to you; outside
    that window Meta requires an approved template, which a row's payload can name.
    """

    def __init__(self, config: conf.WhatsAppConfig) -> None:
        self.config = config

    def request_body(self, envelope: Envelope) -> dict[str, Any]:
        body: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": envelope.recipient,
        }
        template = (envelope.payload or {}).get("template")
        if template:
            body["type"] = "template"
            body["template"] = {
                "name": template["name"],
                "language": {"code": template.get("language", "en")},
                "components": [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": str(p)} for p in template.get("parameters", [])],
                    }
                ],
            }
        else:
            body["type"] = "text"
            body["text"] = {"preview_url": False, "body": envelope.text}
        return body

    def deliver(self, envelope: Envelope, handover: Handover) -> str:
        c = self.config
        request = urllib.request.Request(
            f"{c.base_url}/{c.version}/{c.phone_number_id}/messages",
            data=json.dumps(self.request_body(envelope)).encode(),
            headers={"Authorization": f"Bearer {c.token}", "Content-Type": "application/json"},
            method="POST",
        )
        handover()
        try:
            with urllib.request.urlopen(request, timeout=c.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = error.read()[:300].decode(errors="replace")
            # 429 (rate limit) and 5xx may pass later; any other 4xx will not.
            raise DeliveryError(
                f"HTTP {error.code}: {detail}", permanent=error.code != 429 and error.code < 500
            ) from None
        messages = answer.get("messages") or [{}]
        return str(messages[0].get("id", ""))


def adapters() -> dict[str, Adapter]:
    """The channels this installation can deliver on; SMS needs VADESK_SMS_ADAPTER (a dotted path to a class)."""
    found: dict[str, Adapter] = {"email": SmtpAdapter()}
    whatsapp = conf.whatsapp_config()
    if whatsapp is not None:
        found["whatsapp"] = WhatsAppCloudAdapter(whatsapp)
    sms = conf.sms_adapter()
    if sms:
        found["sms"] = import_string(sms)()
    return found


def available_channels() -> set[str]:
    channels = {"email", "portal"}
    if conf.whatsapp_config() is not None:
        channels.add("whatsapp")
    if conf.sms_adapter():
        channels.add("sms")
    return channels
