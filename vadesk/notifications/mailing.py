"""The mail that waits: held through quiet hours, gathered for the daily summary, and follow-ups that fell due.

Each step is idempotent and safe with several workers: a notification is claimed by a conditional UPDATE
of its mail state before its mail is queued (in the same transaction), and a daily summary by a unique
(person, organisation, day) row, so a summary goes once however many ticks or workers run.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from vadesk.accounts.models import Organisation
from vadesk.comms.models import FollowUp
from vadesk.notifications.models import Kind, MailState, Notification, NotificationSettings, SummarySent
from vadesk.notifications.scoping import may_be_told
from vadesk.notifications.services import mail_one, notify, summary_mail
from vadesk.notifications.timing import summary_slot
from vadesk.tasks import routing
from vadesk.tasks.models import RoutingNote

BATCH = 500  # per run; the next tick takes the rest
FOLLOW_UP_LOOKBACK = timedelta(days=2)  # a follow-up due longer ago than this was seen on the today page


def _still_visible(notification: Notification) -> bool:
    return may_be_told(notification.recipient, organisation_id=notification.organisation_id, client=notification.client)


def held_mails_send(*, now: datetime) -> int:
    """Mail what was held through quiet hours that have ended, unless it was read meanwhile or is no longer
    the recipient's to know (taken off the client's team)."""
    sent = 0
    due = Notification.objects.filter(mail_state=MailState.HELD, mail_after__lte=now).select_related(
        "recipient", "client"
    )
    for notification in due.order_by("mail_after", "pk")[:BATCH]:
        keep = notification.read_at is None and _still_visible(notification)
        with transaction.atomic():
            claimed = Notification.objects.filter(pk=notification.pk, mail_state=MailState.HELD).update(
                mail_state=MailState.SENT if keep else MailState.SKIPPED, mailed_at=now if keep else None
            )
            if claimed and keep:
                mail_one(notification)
                sent += 1
    return sent


def summaries_send(*, now: datetime) -> int:
    """Each person's daily summary per organisation, once their summary time has passed where the organisation
    is: what waited for it and was created before that moment (later ones wait for the next day's)."""
    pending = set(
        Notification.objects.filter(mail_state=MailState.SUMMARY).values_list("recipient_id", "organisation_id")
    )
    if not pending:
        return 0
    zones = dict(Organisation.objects.filter(pk__in={o for _p, o in pending}).values_list("pk", "time_zone"))
    times = dict(
        NotificationSettings.objects.filter(person__in={p for p, _o in pending}).values_list(
            "person_id", "summary_time"
        )
    )
    sent = 0
    for person_id, organisation_id in sorted(pending):
        local_now = now.astimezone(ZoneInfo(zones[organisation_id]))
        slot = summary_slot(local_now, times.get(person_id) or NotificationSettings().summary_time)
        if slot is None:
            continue
        try:
            with transaction.atomic():
                sent += _summary(person_id, organisation_id, slot, now)
        except IntegrityError:
            continue  # this day's summary went already (or another worker is sending it)
    return sent


def _summary(person_id: int, organisation_id: int, slot: datetime, now: datetime) -> int:
    SummarySent.objects.create(person_id=person_id, organisation_id=organisation_id, day=slot.date())
    waiting = list(
        Notification.objects.filter(
            recipient_id=person_id, organisation_id=organisation_id, mail_state=MailState.SUMMARY, created_at__lte=slot
        )
        .select_related("recipient", "client")
        .order_by("created_at", "pk")[:BATCH]
    )
    tell = [n for n in waiting if n.read_at is None and _still_visible(n)]
    for state, rows in ((MailState.SENT, tell), (MailState.SKIPPED, [n for n in waiting if n not in tell])):
        Notification.objects.filter(pk__in=[n.pk for n in rows], mail_state=MailState.SUMMARY).update(
            mail_state=state, mailed_at=now if state == MailState.SENT else None
        )
    if not tell:
        return 0
    SummarySent.objects.filter(person_id=person_id, organisation_id=organisation_id, day=slot.date()).update(
        count=len(tell)
    )
    summary_mail(person=tell[0].recipient, organisation_id=organisation_id, notifications=tell, day=slot.date())
    return 1


def follow_ups_due(*, now: datetime) -> int:
    """A follow-up that fell due tells whoever wrote it, once; when they are away (or off the client's team)
    the routing rule passes it to the first present member in the order of cover, else to the owners' queue."""
    told = 0
    due = (
        FollowUp.objects.filter(done_at__isnull=True, due_at__lte=now, due_at__gte=now - FOLLOW_UP_LOOKBACK)
        .select_related("client__organisation", "created_by", "task")
        .order_by("due_at", "pk")[:BATCH]
    )
    for follow_up in due:
        with transaction.atomic():
            told += _tell_follow_up(follow_up)
    return told


def _tell_follow_up(follow_up: FollowUp) -> int:
    client, writer = follow_up.client, follow_up.created_by
    key = f"follow_up:{follow_up.pk}"
    if Notification.objects.filter(key=key).exists():
        return 0  # routed and told once: an absence registered later does not tell a second person
    mine = writer is not None and may_be_told(writer, organisation_id=client.organisation_id, client=client)
    category = follow_up.task.category if follow_up.task is not None else "other"
    route = routing.route(
        client=client, category=category, at=follow_up.due_at, preferred=[writer] if mine and writer else []
    )
    reason = replace(route, channel=routing.Channel.FOLLOW_UP).reason()
    passed_on = route.rule != routing.Rule.KEPT

    def text() -> tuple[str, str]:
        title = _("Follow-up due for %(client)s") % {"client": client.name}
        return title, (follow_up.text + "\n" + routing.describe(reason)) if passed_on else follow_up.text

    made = notify(
        kind=Kind.FOLLOW_UP,
        recipients=route.people,
        organisation_id=client.organisation_id,
        client=client,
        task=follow_up.task,
        url=reverse("client_detail", args=[client.pk]),
        key=key,
        text=text,
    )
    if made and passed_on and follow_up.task is not None:
        RoutingNote.objects.create(task=follow_up.task, reason=reason)  # the task's history says who has it now
    return len(made)
