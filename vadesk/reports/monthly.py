"""Monthly reports: built from `figures.month_figures` once per client and month, then sent through the outbox.

1. `report_build` freezes the month into a `MonthlyReport` row (the tasks done with the notes meant for the
   client, what is open and waiting, calls and appointments: the client's, once) and one `EngagementReport` per
   engagement (used, left, rolled over, excess, hours by category and week, the burn-down), in one transaction.
   The unique (client, month) and (report, engagement) constraints make a second builder (another worker, a
   retried job) read the first one's report instead of writing its own: one per client, engagement and month.
2. `report_send` claims the row (`sent_at` from NULL, a conditional UPDATE) and, in the same transaction, writes
   one outbox message with the PDF to each primary contact with an e-mail address whose preference keeps e-mail
   on, in the contact's language. A claim that loses sends nothing, so a report goes out once.
3. `monthly_reports_job` (jobs.py) runs every morning per organisation; from the month's first working day in the
   organisation's time zone it builds and sends last month's reports that have not gone yet.
4. Before that, from DRAFT_DAYS days before the next month's first working day, the job builds this month's
   report as a draft and tells the client's lead once (`report_drafted`). Until it goes, the lead or an owner
   writes its highlights and next month's focus (`report_notes_edit`), and an owner can rebuild its figures
   (`report_regenerate`); a draft built before the month was over is rebuilt when it goes, so it counts the
   whole month. If nobody edits it, it goes out by itself all the same.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vadesk.accounts.models import Membership, Person
from vadesk.clients.models import Assignment, Client, Contact
from vadesk.clients.scoping import clients_for, get_in_reach
from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import outbox_enqueue
from vadesk.engagements import balance as calc
from vadesk.lib.hooks import Hook
from vadesk.reports.figures import EngagementMonth, month_figures
from vadesk.reports.models import EngagementReport, MonthlyReport
from vadesk.reports.pdf import report_pdf
from vadesk.tasks.models import Status, Task, Transition
from vadesk.team import cover
from vadesk.timesheets.models import TimeEntry

MAX_LISTED = 50  # tasks per list in a report: a month is read, not searched
DRAFT_DAYS = 3  # the lead gets the draft this many days before the report goes
MAX_NOTES = 2000
# report=: a draft was built and its lead should look it over (the portal's listener tells them).
report_drafted = Hook("reports.report_drafted")


def reports_for(person: Person):
    """Reports of the clients in the person's reach; a client's own users see only those that went out."""
    reports = MonthlyReport.objects.filter(client__in=clients_for(person, write=True))
    portal = MonthlyReport.objects.filter(client__in=clients_for(person), sent_at__isnull=False)
    return reports | portal


def report_for(person: Person, pk: object) -> MonthlyReport:
    return get_in_reach(reports_for(person).select_related("client__organisation"), pk)


def first_working_day(month: date, *, country: str) -> date:
    """The first working day of the month where the organisation is: a weekday that is not a public holiday of its
    country, by the team's one rule (`team.cover.first_working_day`)."""
    return cover.first_working_day(calc.month_start(month), country)


def previous_month(day: date) -> date:
    return calc.month_start(calc.month_start(day) - timedelta(days=1))


def report_content(client: Client, month: date) -> tuple[dict, list[EngagementReport]]:
    """What the report shows: the client's lists and counts as JSON, and each engagement's part (unsaved);
    nothing internal (no internal note)."""
    first, last = calc.month_start(month), calc.month_end(month)
    figures = month_figures(client=client, month=first)
    zone = ZoneInfo(client.organisation.time_zone)
    since = datetime.combine(first, time.min, tzinfo=zone)
    before = datetime.combine(calc.next_month(first), time.min, tzinfo=zone)
    done_ids = list(
        Transition.objects.filter(task__client=client, to_status=Status.DONE, at__gte=since, at__lt=before)
        .values_list("task_id", flat=True)
        .order_by("task_id")  # not the transitions' own order: DISTINCT would count a task done twice twice
        .distinct()[:MAX_LISTED]
    )
    notes: dict[int, list[str]] = defaultdict(list)
    for task_id, note in (
        TimeEntry.objects.counted()
        .filter(task_id__in=done_ids, work_date__range=(first, last))
        .exclude(client_note="")
        .order_by("work_date", "id")
        .values_list("task_id", "client_note")
    ):
        if note not in notes[task_id]:
            notes[task_id].append(note)
    done = Task.objects.filter(pk__in=done_ids).order_by("title")
    open_tasks = Task.objects.filter(client=client).open()
    content = figures.as_json()
    del content["engagements"]  # in the parts
    content.update(
        {
            "client_name": client.name,
            "organisation": client.organisation.name,
            "done": [{"title": t.title, "notes": notes.get(t.pk, [])} for t in done],
            "open": list(
                open_tasks.exclude(status=Status.WAITING)
                .order_by("due_at", "pk")
                .values_list("title", flat=True)[:MAX_LISTED]
            ),
            "waiting": list(
                open_tasks.filter(status=Status.WAITING).order_by("pk").values_list("title", flat=True)[:MAX_LISTED]
            ),
        }
    )
    return content, [_part(e) for e in figures.engagements]


def _part(e: EngagementMonth) -> EngagementReport:
    return EngagementReport(
        engagement_id=e.id,
        name=e.name,
        kind=e.kind,
        used_minutes=e.used_minutes,
        left_minutes=e.left_minutes,
        rolled_over_minutes=e.rolled_over_minutes,
        excess_minutes=e.excess_minutes,
        minutes_by_category=e.minutes_by_category,
        minutes_by_week=e.minutes_by_week,
        burn_down=[[d.day, d.used, d.left] for d in e.burn_down],
    )


def _save_parts(report: MonthlyReport, parts: list[EngagementReport]) -> None:
    for part in parts:
        part.report = report
    EngagementReport.objects.bulk_create(parts)


def report_figures(report: MonthlyReport) -> dict:
    """The report's figures as `vadesk report CLIENT_ID YYYY-MM --json` prints them, each engagement with its
    name, hours per week and burn-down, and the report's lists: what the API gives."""
    return report.content | {
        "engagements": [
            {
                "id": part.engagement_id,
                "name": part.name,
                "kind": part.kind,
                "used_minutes": part.used_minutes,
                "left_minutes": part.left_minutes,
                "rolled_over_minutes": part.rolled_over_minutes,
                "excess_minutes": part.excess_minutes,
                "minutes_by_category": part.minutes_by_category,
                "minutes_by_week": part.minutes_by_week,
                "burn_down": [{"day": day, "used": used, "left": left} for day, used, left in part.burn_down],
            }
            for part in report.parts.all()
        ]
    }


def report_build(*, client: Client, month: date, now: datetime | None = None) -> MonthlyReport:
    """The client's report of the month: the existing one, or a new one frozen now with its engagements' parts."""
    first = calc.month_start(month)
    existing = MonthlyReport.objects.filter(client=client, month=first).first()
    if existing is not None:
        return existing
    content, parts = report_content(client, first)
    try:
        with transaction.atomic():
            report = MonthlyReport.objects.create(
                client=client,
                month=first,
                language=_language_of(client),
                content=content,
                built_at=now or timezone.now(),
            )
            _save_parts(report, parts)
            return report
    except IntegrityError:  # another worker built it a moment ago: theirs is the report
        return MonthlyReport.objects.get(client=client, month=first)


def send_day(month: date, *, country: str) -> date:
    """The day the report of `month` goes out: the first working day of the next month."""
    return first_working_day(calc.next_month(calc.month_start(month)), country=country)


def may_write_notes(person: Person, report: MonthlyReport) -> bool:
    """The client's lead assistant and the organisation's owners write a report's highlights and focus."""
    return (
        is_owner(person, report)
        or Assignment.objects.filter(
            client_id=report.client_id,
            person=person,
            role=Assignment.Role.LEAD,
            person__memberships__organisation_id=report.client.organisation_id,
            person__memberships__is_active=True,
        ).exists()
    )


def is_owner(person: Person, report: MonthlyReport) -> bool:
    return Membership.objects.filter(
        person=person, organisation_id=report.client.organisation_id, role=Membership.Role.OWNER, is_active=True
    ).exists()


def _gone_out() -> ValidationError:
    return ValidationError(_("This report has gone out: it stays as it was sent."), code="sent")


def report_refresh(*, report: MonthlyReport, now: datetime | None = None) -> MonthlyReport:
    """Rebuild a report that has not gone out from what is recorded now; its highlights and focus stay.

    The conditional UPDATE locks the report's row until the parts are replaced, so two rebuilds (two workers, an
    owner and the job) take turns and a report never holds two parts for one engagement."""
    content, parts = report_content(report.client, report.month)
    with transaction.atomic():
        changed = MonthlyReport.objects.filter(pk=report.pk, sent_at__isnull=True).update(
            content=content, language=_language_of(report.client), built_at=now or timezone.now()
        )
        if not changed:
            raise _gone_out()
        report.parts.all().delete()
        _save_parts(report, parts)
    report.refresh_from_db()
    return report


def report_regenerate(*, by: Person, report: MonthlyReport) -> MonthlyReport:
    """An owner rebuilds the figures of a report before it goes (after a correction of the month's hours)."""
    if not is_owner(by, report):
        raise PermissionDenied(_("Only an owner can rebuild a report."))
    return report_refresh(report=report)


def report_notes_edit(*, by: Person, report: MonthlyReport, highlights: str, next_focus: str) -> MonthlyReport:
    """The lead's (or an owner's) highlights of the month and focus for the next, on a report not yet sent."""
    if not may_write_notes(by, report):
        raise PermissionDenied(_("Only the client's lead assistant or an owner can write this."))
    highlights, next_focus = (highlights or "").strip(), (next_focus or "").strip()
    for field, text in (("highlights", highlights), ("next_focus", next_focus)):
        if len(text) > MAX_NOTES:
            raise ValidationError({field: _("At most %(n)d characters.") % {"n": MAX_NOTES}})
    now = timezone.now()
    changed = MonthlyReport.objects.filter(pk=report.pk, sent_at__isnull=True).update(
        highlights=highlights, next_focus=next_focus, notes_by=by, notes_at=now
    )
    if not changed:
        raise _gone_out()
    report.refresh_from_db()
    return report


def report_draft(*, client: Client, month: date, now: datetime | None = None) -> MonthlyReport:
    """This month's report as a draft, and its lead told once (a claim of `draft_told_at`)."""
    now = now or timezone.now()
    report = report_build(client=client, month=month, now=now)
    if report.sent_at is None and report.parts.exists():
        with transaction.atomic():
            if MonthlyReport.objects.filter(pk=report.pk, draft_told_at__isnull=True).update(draft_told_at=now):
                report.draft_told_at = now
                report_drafted.fire(report=report)
    return report


def _language_of(client: Client) -> str:
    primary = client.contacts.order_by("-is_primary", "pk").first()
    return primary.preferred_language if primary else "nl"


def recipients(client: Client) -> list[Contact]:
    """Primary contacts with an e-mail address whose preference (if any) keeps e-mail on."""
    return list(
        client.contacts.filter(is_primary=True)
        .exclude(email="")
        .filter(Q(comms_preference__isnull=True) | Q(comms_preference__by_email=True))
        .select_related("comms_preference")
        .order_by("pk")
    )


def report_send(*, report: MonthlyReport, now: datetime | None = None) -> list[OutboxMessage]:
    """Send the report once: the claim and the outbox messages commit together, or neither does."""
    now = now or timezone.now()
    client = report.client
    with transaction.atomic():
        if not MonthlyReport.objects.filter(pk=report.pk, sent_at__isnull=True).update(sent_at=now):
            return []  # sent already, by this worker or another
        sent = []
        for contact in recipients(client):
            language = getattr(getattr(contact, "comms_preference", None), "language", "") or contact.preferred_language
            with translation.override(language):
                month = _month_name(report.month)
                subject = _("Your monthly report for %(month)s") % {"month": month}
                body = _(
                    "Dear %(name)s,\n\nattached is what %(organisation)s did for %(client)s in %(month)s. "
                    "You can read it, and every earlier report, in your portal.\n"
                ) % {
                    "name": contact.name,
                    "organisation": client.organisation.name,
                    "client": client.name,
                    "month": month,
                }
                pdf = report_pdf(report)
                filename = "-".join((_("report"), f"{report.month:%Y-%m}.pdf"))
            sent.append(
                outbox_enqueue(
                    organisation_id=client.organisation_id,
                    kind=OutboxMessage.Kind.REPORT,
                    recipient=contact.email,
                    subject=subject,
                    body_text=body,
                    client_id=client.pk,
                    contact_id=contact.pk,
                    dedupe_key=f"monthly-report:{report.pk}:{contact.pk}",
                    attachments=[(filename, "application/pdf", pdf)],
                )
            )
    return sent


def report_deliver(*, client: Client, month: date, now: datetime) -> MonthlyReport | None:
    """What the job does for each client on the report's day: build the month's report (a draft built before the
    month was over is rebuilt, to count it all) and send it; None when nothing ran for the client that month."""
    report = report_build(client=client, month=month, now=now)
    zone = ZoneInfo(client.organisation.time_zone)
    if report.sent_at is None and report.built_at < datetime.combine(
        calc.next_month(report.month), time(), tzinfo=zone
    ):
        report = report_refresh(report=report, now=now)
    if not report.parts.exists():
        return None
    report_send(report=report, now=now)
    return report


def _month_name(month: date) -> str:
    return date_format(month, "F Y")
