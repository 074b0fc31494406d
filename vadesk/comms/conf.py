"""The communication hub's settings, as typed bundles.

Every value is read from the environment and checked in config/settings.py when the process starts (a bad
value fails there, loudly); these functions only gather django.conf.settings at call time, so a test can
override a setting with pytest-django's `settings` fixture.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # none | starttls | tls
    username: str
    password: str
    timeout: int
    ca_file: str = ""  # trust this CA (PEM) besides the system's, e.g. a relay with a private certificate


def smtp_config() -> SmtpConfig:
    return SmtpConfig(
        host=settings.SMTP_HOST,
        port=settings.SMTP_PORT,
        security=settings.SMTP_SECURITY,
        username=settings.SMTP_USERNAME,
        password=settings.SMTP_PASSWORD,
        timeout=settings.SMTP_TIMEOUT,
        ca_file=settings.SMTP_CA_FILE,
    )


@dataclass(frozen=True)
class OutboxConfig:
    max_attempts: int
    backoff_base: int  # seconds; attempt n waits base * 2**(n-1), capped
    backoff_cap: int
    lease: int  # seconds after which a "sending" row of a vanished worker is recovered
    uncertain: str  # hold | resend: what to do with a send that may or may not have been accepted


def outbox_config() -> OutboxConfig:
    return OutboxConfig(
        max_attempts=settings.OUTBOX_MAX_ATTEMPTS,
        backoff_base=settings.OUTBOX_BACKOFF_SECONDS,
        backoff_cap=settings.OUTBOX_BACKOFF_CAP_SECONDS,
        lease=settings.OUTBOX_LEASE_SECONDS,
        uncertain=settings.OUTBOX_UNCERTAIN,
    )


def from_address() -> str:
    return settings.DEFAULT_FROM_EMAIL


def inbound_address() -> str:
    """The practice's receiving address; replies go to its +tag variants (RFC 5233 sub-addressing)."""
    return settings.INBOUND_ADDRESS


def message_id_domain() -> str:
    return settings.MESSAGE_ID_DOMAIN


def max_attachment_bytes() -> int:
    return settings.INBOUND_MAX_ATTACHMENT_BYTES


def keep_raw() -> str:
    """Which received messages keep their raw bytes: `triage` (default: what a person must still look at) or `all`.

    A filed message lives on as its comment or task, its headers, text and attachments; keeping the
    raw bytes too would store every attachment twice and more personal data than needed (GDPR art. 5(1)(c)).
    """
    return settings.INBOUND_KEEP_RAW


def max_message_bytes() -> int:
    return settings.INBOUND_MAX_MESSAGE_BYTES


@dataclass(frozen=True)
class WhatsAppConfig:
    base_url: str
    version: str
    phone_number_id: str
    token: str
    timeout: int


def whatsapp_config() -> WhatsAppConfig | None:
    """None when no account is configured: WhatsApp needs the practice's own Business account."""
    phone_number_id, token = settings.WHATSAPP_PHONE_NUMBER_ID, settings.WHATSAPP_TOKEN
    if not (phone_number_id and token):
        return None
    return WhatsAppConfig(
        base_url=settings.WHATSAPP_BASE_URL.rstrip("/"),
        version=settings.WHATSAPP_API_VERSION,
        phone_number_id=phone_number_id,
        token=token,
        timeout=settings.WHATSAPP_TIMEOUT,
    )


def default_region() -> str:
    """Where a phone number without +country code is assumed to be (ISO 3166 alpha-2)."""
    return settings.PHONE_DEFAULT_REGION


def sms_adapter() -> str:
    """A dotted path to the SMS adapter class; empty: no SMS."""
    return settings.SMS_ADAPTER
