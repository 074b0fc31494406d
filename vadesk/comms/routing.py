"""Who hears about what, how and when: a contact's preference turned into outbox rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from vadesk.clients.models import Contact
from vadesk.comms import conf
from vadesk.comms.channels import available_channels
from vadesk.comms.models import Cadence, OutboxMessage, Preference
from vadesk.comms.outbox import outbox_enqueue
from vadesk.comms.phone import normalise_number
from vadesk.comms.schedule import Quiet, quiet_ends, timebound_moment

# Fastest first: a message on the phone is read within minutes, an e-mail maybe tonight.
FASTEST = ("whatsapp", "sms", "email")


@dataclass(frozen=True)
class Draft:
    kind: str
    subject: str
    text: str
    html: str = ""
    task_id: int | None = None
    in_reply_to: str = ""
    payload: dict[str, Any] | None = None  # e.g. the phone message a held row tells of (digests skip it then)


def preference_of(contact: Contact) -> Preference:
    """The contact's saved preference, or the default (immediately, by e-mail, the contact's language)."""
    try:
        return contact.comms_preference
    except Preference.DoesNotExist:
        zone = contact.client.organisation.time_zone if contact.client_id else settings.TIME_ZONE
        return Preference(contact=contact, language=contact.preferred_language, time_zone=zone)


def quiet_of(preference: Preference) -> Quiet:
    return Quiet(
        zone=preference.time_zone,
        start=preference.quiet_from,
        end=preference.quiet_until,
        days=frozenset(preference.quiet_weekdays),
    )


def mobile_of(preference: Preference, contact: Contact) -> str:
    if preference.mobile:
        return preference.mobile
    try:
        return normalise_number(contact.phone, contact.client.country if contact.client_id else conf.default_region())
    except ValidationError:
        return ""


def channels_for(preference: Preference, contact: Contact, *, urgent: bool) -> list[tuple[str, str]]:
    """(channel, recipient) pairs to use; urgent → only the fastest one that can reach the contact."""
    available = available_channels()
    wanted = [c for c in FASTEST if getattr(preference, f"by_{c}") and c in available]
    reachable = []
    for channel in wanted:
        recipient = contact.email if channel == "email" else mobile_of(preference, contact)
        if recipient:
            reachable.append((channel, recipient))
    if not reachable and contact.email:
        reachable = [("email", contact.email)]  # the practice can always fall back to e-mail
    return reachable[:1] if urgent else reachable


def wants_now(preference: Preference, *, urgent: bool) -> bool:
    """Immediately-contacts hear about everything now; digest contacts only about urgent things."""
    return urgent or preference.cadence == Cadence.IMMEDIATE


def contact_notify(
    *,
    contact: Contact,
    draft: Draft,
    urgent: bool = False,
    override_quiet: bool = False,
    now: datetime | None = None,
    skip_digest: bool = False,
    dedupe_key: str | None = None,
) -> list[OutboxMessage]:
    """Queue a message for a contact per their preference, inside the caller's transaction.

    With `dedupe_key` a second call for the same contact and channel queues nothing and returns the first row.

    Digest contacts get nothing now unless it is urgent (or `skip_digest`, a confirmation): the message is held
    for their next digest (one e-mail row, state *held*, due at the digest's moment), where the assistant can
    still edit it, remove it or send it at once. Quiet hours and days hold a message until they end, even an
    urgent one, unless the assistant confirmed (`override_quiet`).
    """
    preference = preference_of(contact)
    now = now or timezone.now()
    if not (skip_digest or wants_now(preference, urgent=urgent)):
        return _hold_for_digest(contact=contact, preference=preference, draft=draft, now=now)
    not_before = None if override_quiet else quiet_ends(now, quiet_of(preference))
    rows = []
    for channel, recipient in channels_for(preference, contact, urgent=urgent):
        rows.append(
            outbox_enqueue(
                organisation_id=contact.client.organisation_id,
                client_id=contact.client_id,
                contact_id=contact.pk,
                task_id=draft.task_id,
                kind=draft.kind,
                channel=channel,
                recipient=recipient,
                subject=draft.subject,
                body_text=draft.text if channel == "email" else f"{draft.subject}\n\n{draft.text}"[:4000],
                body_html=draft.html if channel == "email" else "",
                urgent=urgent,
                not_before=not_before or now,
                in_reply_to=draft.in_reply_to,
                payload=draft.payload,
                dedupe_key=f"{dedupe_key}:c{contact.pk}:{channel}" if dedupe_key else None,
            )
        )
    return rows


def _hold_for_digest(*, contact: Contact, preference: Preference, draft: Draft, now: datetime) -> list[OutboxMessage]:
    if not contact.email:
        return []  # the digest is an e-mail: without an address the portal is where they see it
    return [
        outbox_enqueue(
            organisation_id=contact.client.organisation_id,
            client_id=contact.client_id,
            contact_id=contact.pk,
            task_id=draft.task_id,
            kind=draft.kind,
            recipient=contact.email,
            subject=draft.subject,
            body_text=draft.text,
            not_before=preference.next_digest_at or now,
            payload=draft.payload,
            state=OutboxMessage.State.HELD,
        )
    ]


def contact_remind(
    *,
    contact: Contact,
    preference: Preference,
    draft: Draft,
    ideal: datetime,
    deadline: datetime,
    dedupe_key: str,
    now: datetime | None = None,
) -> list[OutboxMessage]:
    """Queue a time-bound message (an appointment reminder), inside the caller's transaction.

    Unlike `contact_notify` it ignores the rhythm: a digest could arrive after the appointment, so
    digest contacts get it on its own too. It goes by the fastest channel the contact chose and can
    be reached on (WhatsApp → SMS → e-mail), at a moment that respects quiet hours but not past the
    deadline (`schedule.timebound_moment`). One row per contact and channel: `dedupe_key` makes a
    second run a no-op.
    """
    now = now or timezone.now()
    moment = timebound_moment(ideal, deadline, quiet_of(preference), now=now)
    rows = []
    for channel, recipient in channels_for(preference, contact, urgent=True):
        rows.append(
            outbox_enqueue(
                organisation_id=contact.client.organisation_id,
                client_id=contact.client_id,
                contact_id=contact.pk,
                kind=draft.kind,
                channel=channel,
                recipient=recipient,
                subject=draft.subject,
                body_text=draft.text if channel == "email" else f"{draft.subject}\n\n{draft.text}"[:4000],
                body_html=draft.html if channel == "email" else "",
                not_before=moment,
                dedupe_key=f"{dedupe_key}:c{contact.pk}:{channel}",
            )
        )
    return rows
