"""Telling people: one `notify` for every event, the mail it queues, reading, and each person's preferences."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vadesk.accounts.models import Organisation, Person
from vadesk.clients.models import Client
from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import outbox_enqueue
from vadesk.notifications.models import (
    DEFAULT_DELIVERY,
    Delivery,
    Kind,
    MailState,
    Notification,
    NotificationPreference,
    NotificationSettings,
)
from vadesk.notifications.scoping import may_be_told
from vadesk.notifications.timing import quiet_end
from vadesk.tasks.models import Task

# (title, body) in the active language: called once per recipient inside translation.override(their language).
Text = Callable[[], tuple[str, str]]
BODY_LIMIT = 2000
_silenced: ContextVar[bool] = ContextVar("notifications_silenced", default=False)


@contextmanager
def notifications_silenced() -> Iterator[None]:
    """While history is loaded (the demo practice's months of work), what happened long ago is no news."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def notify(
    *,
    kind: str,
    recipients: Iterable[Person],
    organisation_id: int,
    text: Text,
    client: Client | None = None,
    task: Task | None = None,
    url: str = "",
    key: str = "",
    by: Person | None = None,
    mail: bool = True,
) -> list[Notification]:
    """Tell each recipient who may know (see scoping.may_be_told; never `by` themself) in the app, and by mail
    as they chose: at once (held through their quiet hours), in the daily summary, or not at all.

    Runs in the caller's transaction, so a notification exists iff the change it tells of committed;
    mail goes through the outbox. With `key`, a person is told of one cause once. `mail=False`: in the app
    only, whatever the person chose (the demo's sample notifications).
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if _silenced.get():
        return []
    if task is not None:
        client = task.client
    people = _unique(p for p in recipients if p is not None and (by is None or p.pk != by.pk))
    people = [p for p in people if may_be_told(p, organisation_id=organisation_id, client=client)]
    if not people:
        return []
    deliveries = deliveries_of(people)
    quiet = {s.person_id: s for s in NotificationSettings.objects.filter(person__in=people)}
    zone = ZoneInfo(Organisation.objects.values_list("time_zone", flat=True).get(pk=organisation_id))
    now = timezone.now()
    made = []
    with transaction.atomic():
        for person in people:
            if key and Notification.objects.filter(recipient=person, key=key).exists():
                continue
            with translation.override(person.language):
                title, body = text()
            notification = Notification(
                recipient=person,
                organisation_id=organisation_id,
                kind=kind,
                client=client,
                task=task,
                title=" ".join(title.split())[:300],
                body=body[:BODY_LIMIT],
                url=url,
                key=key,
            )
            delivery = deliveries[person.pk][kind] if mail else Delivery.IN_APP
            if delivery == Delivery.SUMMARY:
                notification.mail_state = MailState.SUMMARY
            elif delivery == Delivery.MAIL:
                held_until = _quiet_end(quiet.get(person.pk), now.astimezone(zone))
                if held_until is not None:
                    notification.mail_state, notification.mail_after = MailState.HELD, held_until
                else:
                    notification.mail_state, notification.mailed_at = MailState.SENT, now
            notification.save()
            if notification.mail_state == MailState.SENT:
                mail_one(notification)
            made.append(notification)
    return made


def _unique(people: Iterable[Person]) -> list[Person]:
    seen: dict[int, Person] = {}
    for person in people:
        seen.setdefault(person.pk, person)
    return list(seen.values())


def _quiet_end(own: NotificationSettings | None, local_now: datetime) -> datetime | None:
    return quiet_end(local_now, own.quiet_from, own.quiet_until) if own else None


def deliveries_of(people: list[Person]) -> dict[int, dict[str, str]]:
    """Each person's choice per kind, the default where they made none: one query for everyone."""
    chosen = {p.pk: dict(DEFAULT_DELIVERY) for p in people}
    for person_id, kind, delivery in NotificationPreference.objects.filter(person__in=people).values_list(
        "person_id", "kind", "delivery"
    ):
        chosen[person_id][kind] = delivery
    return chosen


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def mail_one(notification: Notification) -> OutboxMessage:
    """Queue the mail of one notification, in its recipient's language (once: the dedupe key is the notification)."""
    person = notification.recipient
    with translation.override(person.language):
        body = render_to_string(
            "notifications/mail.txt",
            {
                "notifications": [notification],
                "preferences": absolute(reverse("notifications:preferences")),
                "person": person,
            },
        )
        subject = notification.title
    return outbox_enqueue(
        organisation_id=notification.organisation_id,
        person_id=person.pk,
        kind=OutboxMessage.Kind.ACCOUNT,
        recipient=person.email,
        subject=subject,
        body_text=body,
        dedupe_key=f"notification:{notification.pk}",
    )


def summary_mail(*, person: Person, organisation_id: int, notifications: list[Notification], day) -> OutboxMessage:
    with translation.override(person.language):
        body = render_to_string(
            "notifications/mail.txt",
            {
                "notifications": notifications,
                "summary": True,
                "preferences": absolute(reverse("notifications:preferences")),
                "person": person,
            },
        )
        subject = translation.ngettext(
            "Your vadesk summary: %(count)s notification",
            "Your vadesk summary: %(count)s notifications",
            len(notifications),
        ) % {"count": len(notifications)}
    return outbox_enqueue(
        organisation_id=organisation_id,
        person_id=person.pk,
        kind=OutboxMessage.Kind.ACCOUNT,
        recipient=person.email,
        subject=subject,
        body_text=body,
        dedupe_key=f"notification-summary:{person.pk}:{organisation_id}:{day.isoformat()}",
    )


def notification_read(*, by: Person, notification: Notification) -> Notification:
    """Mark one of one's own notifications read (reading it again changes nothing)."""
    if notification.recipient_id != by.pk:
        raise PermissionDenied(_("This notification is someone else's."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_read_all(*, by: Person, organisation_id: int) -> int:
    return Notification.objects.filter(recipient=by, organisation_id=organisation_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notification_preferences_save(
    *,
    by: Person,
    deliveries: dict[str, str],
    quiet_from: time | None,
    quiet_until: time | None,
    summary_time: time | None,
) -> NotificationSettings:
    """A person's own choices: how per kind, their quiet hours (both ends or neither), the summary's time."""
    unknown = set(deliveries) - set(Kind.values)
    if unknown:
        raise ValidationError(_("Unknown kind of notification: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))})
    for kind, delivery in deliveries.items():
        if delivery not in Delivery.values:
            raise ValidationError({kind: _("Choose in the app only, mail at once or the daily summary.")})
    if (quiet_from is None) != (quiet_until is None):
        raise ValidationError({"quiet_until": _("Give both ends of your quiet hours, or neither.")})
    if quiet_from is not None and quiet_from == quiet_until:
        raise ValidationError({"quiet_until": _("Quiet hours must end at another time than they start.")})
    with transaction.atomic():
        own, _created = NotificationSettings.objects.select_for_update().get_or_create(person=by)
        own.quiet_from, own.quiet_until = quiet_from, quiet_until
        own.summary_time = summary_time or time(17, 0)
        own.save()
        for kind, delivery in deliveries.items():
            NotificationPreference.objects.update_or_create(person=by, kind=kind, defaults={"delivery": delivery})
    return own


def settings_of(person: Person) -> NotificationSettings:
    """The person's settings, unsaved defaults when they never chose."""
    return NotificationSettings.objects.filter(person=person).first() or NotificationSettings(person=person)
