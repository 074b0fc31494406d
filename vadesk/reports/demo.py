"""The demo practice's portal history: two past months of monthly reports, ratings and a question waiting on the
client (issue 11: "the demo holds two past months of reports, a pending consent question and ratings")."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from vadesk.accounts.models import Organisation
from vadesk.clients.models import Assignment, Client
from vadesk.comms.models import OutboxMessage
from vadesk.engagements import balance as calc
from vadesk.engagements.models import Engagement
from vadesk.reports.models import Rating
from vadesk.reports.monthly import previous_month, report_build, report_notes_edit, report_send, send_day
from vadesk.reports.ratings import rating_give
from vadesk.tasks.models import Status, Task
from vadesk.timesheets.balances import balance_of
from vadesk.timesheets.consent import CONSENT_WAIT
from vadesk.timesheets.models import OverageConsent
from vadesk.timesheets.services import time_entry_log

# The lead's words on the portal client's reports, in the client's language.
HIGHLIGHTS = {
    "nl": ("Alle facturen van de maand staan klaar voor de boekhouder.", "Volgende maand: de jaarplanning afronden."),
    "de": ("Alle Rechnungen des Monats liegen für die Buchhaltung bereit.", "Nächster Monat: die Jahresplanung."),
    "en": ("Every invoice of the month is ready for the bookkeeper.", "Next month: finishing the year's planning."),
}
TASK_SCORES = (5, 4, 5, 2, 4)  # one low rating among them: the lead and the owner were told
REPORT_SCORES = (4, 5)


def reports_demo(organisations: list[Organisation], *, now: datetime) -> int:
    """Every client's reports of the two months before `now`, sent as they would have been; returns how many."""
    made = 0
    for organisation in organisations:
        zone = ZoneInfo(organisation.time_zone)
        today = now.astimezone(zone).date()
        months = [previous_month(previous_month(today)), previous_month(today)]
        clients = Client.objects.filter(organisation=organisation, engagements__isnull=False).distinct()
        for client in clients.select_related("organisation").order_by("pk"):
            portal_user = client.portal_memberships.select_related("person").first()
            first = min(e.starts_on for e in client.engagements.all())
            for month in months:
                if calc.next_month(month) > first:  # no report of a month before the client's first engagement
                    made += _report(client, month, zone, portal_user.person if portal_user else None)
            if portal_user is not None:
                _task_ratings(client, portal_user.person)
                _consent_waiting(client, now)
    return made


def _report(client: Client, month, zone: ZoneInfo, reader) -> int:
    moment = datetime.combine(send_day(month, country=client.organisation.country), time(7), tzinfo=zone)
    report = report_build(client=client, month=month, now=moment)
    if not report.parts.exists() or report.sent_at is not None:
        return 0
    lead = client.assignments.filter(role=Assignment.Role.LEAD).select_related("person").first()
    if reader is not None and lead is not None:
        highlights, focus = HIGHLIGHTS.get(report.language, HIGHLIGHTS["en"])
        report_notes_edit(by=lead.person, report=report, highlights=highlights, next_focus=focus)
    for message in report_send(report=report, now=moment):
        # History: these went out on their day, so the demo's outbox does not send them again.
        OutboxMessage.objects.filter(pk=message.pk).update(state=OutboxMessage.State.SENT, sent_at=moment)
    if reader is not None:
        report.refresh_from_db()
        score = REPORT_SCORES[report.month.month % len(REPORT_SCORES)]
        rating = rating_give(by=reader, report=report, score=score)
        Rating.objects.filter(pk=rating.pk).update(created_at=moment + timedelta(days=1))
    return 1


def _task_ratings(client: Client, reader) -> None:
    done = Task.objects.filter(client=client, status=Status.DONE, closed_at__isnull=False).order_by("-closed_at")
    for task, score in zip(done[: len(TASK_SCORES)], TASK_SCORES, strict=False):
        rating = rating_give(by=reader, task=task, score=score, comment="" if score > 2 else _late(client))
        closed = task.closed_at or rating.created_at  # filtered on closed_at above
        Rating.objects.filter(pk=rating.pk).update(created_at=closed + timedelta(hours=3))


def _late(client: Client) -> str:
    return {"nl": "Dit was later dan afgesproken.", "de": "Das kam später als vereinbart."}.get(
        client.preferred_language, "This came later than agreed."
    )


def _consent_waiting(client: Client, now: datetime) -> None:
    """This month's 80 % question, waiting on the client's answer in the portal. The team logs what brings the
    month to 80 % on its working days so far, and the time-entry service asks, as it does for real: the question
    and the hours the portal shows agree on any day the demo is built."""
    engagement = (
        client.engagements.filter(status=Engagement.Status.ACTIVE)
        .exclude(kind=Engagement.Kind.HOURLY)
        .order_by("pk")
        .first()
    )
    team = list(client.assignments.in_cover_order().select_related("person"))
    if engagement is None or not team:
        return
    today = now.astimezone(ZoneInfo(client.organisation.time_zone)).date()
    balance = balance_of(engagement, today)
    if not balance.available:
        return
    missing = -(-balance.available * 80 // 100) - balance.used  # minutes up to 80 %, rounded up
    days = [d for d in _working_days(calc.month_start(today), today) if d < today] or [today]
    lead, cover = team[0].person, team[-1].person  # the lead worked the days before; on the 1st, the cover
    for n, day in enumerate(days):
        share = -(-missing // (len(days) - n)) if missing > 0 else 0
        if share <= 0:
            break
        entry = time_entry_log(
            by=lead if day < today else cover,
            engagement=engagement,
            work_date=day,
            minutes=share,
            note=_WORK_NOTE.get(client.preferred_language, _WORK_NOTE["en"]),
            client_note=_WORK_NOTE.get(client.preferred_language, _WORK_NOTE["en"]),
        )
        missing -= entry.billed_minutes
    OverageConsent.objects.filter(engagement=engagement, month=calc.month_start(today), threshold=80).update(
        asked_at=now - timedelta(hours=2), answer_by=now - timedelta(hours=2) + CONSENT_WAIT
    )


_WORK_NOTE = {
    "nl": "Offertes voor het nieuwe kantoor opgevraagd en vergeleken",
    "de": "Angebote für das neue Büro eingeholt und verglichen",
    "en": "Quotes for the new office requested and compared",
}


def _working_days(first, last):
    return [
        first + timedelta(days=n) for n in range((last - first).days + 1) if (first + timedelta(days=n)).weekday() < 5
    ]
