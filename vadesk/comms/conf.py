"""The communication hub's settings, each from an environment variable with a default that works locally.

Read at call time (not import time), so a worker started with other variables, and tests, see their own values;
`check()` runs them all once from config/settings.py, so a bad value fails at start, not in the night's worker.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _int(name: str, default: str) -> int:
    try:
        return int(_env(name, default))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number") from exc


def _choice(name: str, default: str, choices: set[str]) -> str:
    value = _env(name, default).lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {sorted(choices)}, not {value!r}")
    return value


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
    port = _int("VADESK_SMTP_PORT", "25")
    if not 0 < port < 65536:
        raise ImproperlyConfigured(f"VADESK_SMTP_PORT must be a port number (1-65535), not {port}")
    host = _env("VADESK_SMTP_HOST", "127.0.0.1").strip()
    if not host:
        raise ImproperlyConfigured("VADESK_SMTP_HOST must name the SMTP relay the outbox delivers through")
    return SmtpConfig(
        host=host,
        port=port,
        security=_choice("VADESK_SMTP_SECURITY", "none", {"none", "starttls", "tls"}),
        username=_env("VADESK_SMTP_USERNAME", ""),
        password=_env("VADESK_SMTP_PASSWORD", ""),
        timeout=_int("VADESK_SMTP_TIMEOUT", "30"),
        ca_file=_env("VADESK_SMTP_CA_FILE", ""),
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
        max_attempts=_int("VADESK_OUTBOX_MAX_ATTEMPTS", "8"),
        backoff_base=_int("VADESK_OUTBOX_BACKOFF_SECONDS", "30"),
        backoff_cap=_int("VADESK_OUTBOX_BACKOFF_CAP_SECONDS", "21600"),
        lease=_int("VADESK_OUTBOX_LEASE_SECONDS", "300"),
        uncertain=_choice("VADESK_OUTBOX_UNCERTAIN", "hold", {"hold", "resend"}),
    )


def from_address() -> str:
    return _env("VADESK_FROM_EMAIL", getattr(settings, "DEFAULT_FROM_EMAIL", "vadesk@localhost"))


def inbound_address() -> str:
    """The practice's receiving address; replies go to its +tag variants (RFC 5233 sub-addressing)."""
    return _env("VADESK_INBOUND_ADDRESS", "desk@vadesk.localhost")


def message_id_domain() -> str:
    return _env("VADESK_MESSAGE_ID_DOMAIN", inbound_address().rpartition("@")[2] or "vadesk.localhost")


def max_attachment_bytes() -> int:
    return _int("VADESK_INBOUND_MAX_ATTACHMENT_BYTES", str(10 * 1024 * 1024))


def keep_raw() -> str:
    """Which received messages keep their raw bytes: `triage` (default: what a person must still look at) or `all`.

    A filed message lives on as its comment or task, its headers, text and attachments; keeping the
    raw bytes too would store every attachment twice and more personal data than needed (GDPR art. 5(1)(c)).
    """
    return _choice("VADESK_INBOUND_KEEP_RAW", "triage", {"triage", "all"})


def max_message_bytes() -> int:
    return _int("VADESK_INBOUND_MAX_MESSAGE_BYTES", str(25 * 1024 * 1024))


@dataclass(frozen=True)
class WhatsAppConfig:
    base_url: str
    version: str
    phone_number_id: str
    token: str
    timeout: int


def whatsapp_config() -> WhatsAppConfig | None:
    """None when no account is configured: WhatsApp needs the practice's own Business account."""
    phone_number_id, token = _env("VADESK_WHATSAPP_PHONE_NUMBER_ID", ""), _env("VADESK_WHATSAPP_TOKEN", "")
    if not (phone_number_id and token):
        return None
    return WhatsAppConfig(
        base_url=_env("VADESK_WHATSAPP_BASE_URL", "https://graph.facebook.com").rstrip("/"),
        version=_env("VADESK_WHATSAPP_API_VERSION", "v21.0"),
        phone_number_id=phone_number_id,
        token=token,
        timeout=_int("VADESK_WHATSAPP_TIMEOUT", "20"),
    )


def default_region() -> str:
    """Where a phone number without +country code is assumed to be (ISO 3166 alpha-2)."""
    return _env("VADESK_PHONE_DEFAULT_REGION", "NL").upper()


def check() -> None:
    """Read every setting of the hub once; raises ImproperlyConfigured for the first bad value."""
    smtp_config()
    outbox_config()
    whatsapp_config()
    max_attachment_bytes()
    max_message_bytes()
    keep_raw()
