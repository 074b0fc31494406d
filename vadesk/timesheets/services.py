"""Logging, timing and correcting hours. Every write re-checks the engagement's balance under a lock."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Person
from vadesk.clients.scoping import is_staff_for
from vadesk.engagements.models import Engagement
from vadesk.lib.formatting import format_minutes
from vadesk.lib.hooks import Hook
from vadesk.lib.rounding import billed_minutes, task_entry_billed_minutes
from vadesk.tasks.models import Task
from vadesk.timesheets.balances import balance_of
from vadesk.timesheets.consent import (
    Decision,
    consent_ask_if_due,
    consent_decision,
    consent_limit,
    consent_status_text,
)
from vadesk.timesheets.models import OverageConsent, TimeEntry
from vadesk.timesheets.usage import usage_refresh, usage_refresh_weeks

MAX_MINUTES_PER_ENTRY = 24 * 60
NOTE_MAX = 500
KEEP = object()  # "leave this field as it is" in corrections
time_logged = Hook("timesheets.time_logged")  # entry=, by=: hours logged or a timer stopped (webhooks)
# entry=, deleted=: inside the correction's transaction, after the save (or before the delete). Invoicing listens so
# that a draft never bills what the entry no longer says (issue 10.6); raising ValidationError refuses the change.
time_entry_changed = Hook("timesheets.time_entry_changed")


def time_entry_log(
    *,
    by: Person,
    engagement: Engagement,
    work_date: date,
    minutes: int,
    task: Task | None = None,
    note: str = "",
    client_note: str = "",
    billable: bool = True,
) -> TimeEntry:
    """Record time worked, rounded by the engagement's terms, refusing an overdraft the engagement blocks.

    `note` is internal to the team; `client_note` is what the client reads in the portal's work log."""
    _check_minutes(minutes)
    _check_notes(note, client_note)
    with transaction.atomic():
        engagement = _locked(engagement, by=by, task=task, work_date=work_date)
        entry = TimeEntry(
            engagement=engagement,
            task=task,
            person=by,
            work_date=work_date,
            worked_minutes=minutes,
            note=note,
            client_note=client_note.strip(),
            billable=billable,
        )
        _price(entry)
        _check_allowance(entry)
        entry.save()
        usage_refresh([(entry.engagement_id, entry.work_date)])
        time_logged.fire(entry=entry, by=by)
        _ask_consent(entry)
    return entry


def timer_start(
    *,
    by: Person,
    engagement: Engagement,
    task: Task | None = None,
    note: str = "",
    client_note: str = "",
    now: datetime | None = None,
) -> TimeEntry:
    """Start a timer; a timer already running for this person is stopped and saved first."""
    now = now or timezone.now()
    _check_notes(note, client_note)
    try:
        with transaction.atomic():
            running = TimeEntry.objects.select_for_update().filter(person=by).running().first()
            # Lock both engagements in one order, so two people switching timers between them cannot deadlock.
            list(
                Engagement.objects.select_for_update()
                .filter(pk__in={engagement.pk, running.engagement_id if running else engagement.pk})
                .order_by("pk")
            )
            if running:
                timer_stop(by=by, entry=running, now=now)
            day = _work_day(engagement, now)
            engagement = _locked(engagement, by=by, task=task, work_date=day)
            decision = consent_decision(engagement, day) if engagement.kind != Engagement.Kind.HOURLY else None
            if decision is not None:
                if not consent_limit(engagement, day, balance_of(engagement, day)):
                    raise ValidationError(
                        _("No hours left this month by the client's answer. %(status)s")
                        % {"status": consent_status_text(engagement, day)}
                    )
            elif engagement.blocks_overdraft:
                remaining = balance_of(engagement, day).remaining
                if remaining is not None and remaining <= 0:
                    raise ValidationError(
                        _("This bundle is used up. Log the time on another engagement or ask the owner to top it up.")
                    )
            return TimeEntry.objects.create(
                engagement=engagement,
                task=task,
                person=by,
                work_date=day,
                started_at=now,
                note=note,
                client_note=client_note.strip(),
            )
    except IntegrityError:
        # The one-running-timer constraint: a second start at the same moment (a double click) lost the race.
        raise ValidationError(_("A timer is already running for you. Stop it first.")) from None


def _work_day(engagement: Engagement, moment: datetime) -> date:
    """The day the work counts for, in the organisation's own time zone."""
    zone = Engagement.objects.filter(pk=engagement.pk).values_list("client__organisation__time_zone", flat=True).first()
    return moment.astimezone(ZoneInfo(zone or "UTC")).date()


def timer_stop(*, by: Person, entry: TimeEntry, now: datetime | None = None, billable: bool | None = None) -> TimeEntry:
    """Stop a running timer. If the engagement refuses the time, the timer keeps running so nothing is lost."""
    now = now or timezone.now()
    if entry.person_id != by.pk:
        raise PermissionDenied(_("You can only stop your own timer."))
    with transaction.atomic():
        entry = TimeEntry.objects.select_for_update().get(pk=entry.pk)
        if not entry.is_running:
            raise ValidationError(_("This timer is not running."))
        engagement = _locked(entry.engagement, by=by, task=entry.task, work_date=entry.work_date)
        entry.engagement = engagement
        started = entry.started_at
        assert started is not None  # a running timer has a start
        entry.ended_at = max(now, started)
        # A started minute counts: 61 seconds of work is two minutes, a few seconds is one.
        seconds = (entry.ended_at - started).total_seconds()
        entry.worked_minutes = min(MAX_MINUTES_PER_ENTRY, max(1, -(-int(seconds) // 60)))
        if billable is not None:
            entry.billable = billable
        _price(entry)
        _check_allowance(entry)
        entry.save()
        usage_refresh([(entry.engagement_id, entry.work_date)])
        time_logged.fire(entry=entry, by=by)
        _ask_consent(entry)
    return entry


def timer_discard(*, by: Person, entry: TimeEntry) -> None:
    """Throw a running timer away: started by mistake, nothing is logged or billed."""
    if entry.person_id != by.pk:
        raise PermissionDenied(_("You can only stop your own timer."))
    with transaction.atomic():
        entry = TimeEntry.objects.select_for_update().get(pk=entry.pk)
        if not entry.is_running:
            raise ValidationError(_("This timer is not running."))
        entry.delete()


def time_entry_correct(
    *,
    by: Person,
    entry: TimeEntry,
    minutes: int,
    work_date: date,
    note: str,
    billable: bool,
    engagement: Engagement | None = None,
    task: Task | object | None = KEEP,
    client_note: str | object = KEEP,
) -> TimeEntry:
    """Change an entry that is not yet invoiced; the balance is checked again as if it were new.

    Leaving out `task` keeps the entry's task; pass None to detach it. Leaving out `client_note` keeps it."""
    _check_minutes(minutes)
    _check_notes(note, "" if client_note is KEEP else client_note)  # type: ignore[arg-type]
    with transaction.atomic():
        entry = TimeEntry.objects.select_for_update().get(pk=entry.pk)
        _check_editable(entry, by)
        before = (entry.engagement_id, entry.work_date)
        kept_or_new: Task | None = entry.task if task is KEEP else task  # type: ignore[assignment]
        _lock_engagements({entry.engagement_id, (engagement or entry.engagement).pk})
        engagement = _locked(engagement or entry.engagement, by=by, task=kept_or_new, work_date=work_date)
        entry.engagement, entry.task = engagement, kept_or_new
        entry.work_date, entry.worked_minutes, entry.note, entry.billable = work_date, minutes, note, billable
        if client_note is not KEEP:
            entry.client_note = str(client_note).strip()
        _price(entry)
        _check_allowance(entry)
        entry.save()
        time_entry_changed.fire(entry=entry, deleted=False)
        usage_refresh([before, (entry.engagement_id, entry.work_date)])
        _ask_consent(entry)
    return entry


def time_entry_delete(*, by: Person, entry: TimeEntry) -> None:
    with transaction.atomic():
        entry = TimeEntry.objects.select_for_update().get(pk=entry.pk)
        _check_editable(entry, by)
        _lock_engagements({entry.engagement_id})
        cell = (entry.engagement_id, entry.work_date)
        time_entry_changed.fire(entry=entry, deleted=True)
        entry.delete()
        usage_refresh([cell])


def time_entries_lock(*, entries, reference: str) -> int:
    """Mark entries as invoiced. Invoicing calls this when an invoice is finalised.

    A running timer is left alone: it bills nothing yet, and stopping it later must not change an invoiced entry.
    The weeks of the locked entries are refreshed (what is unbilled), under their engagements' row locks."""
    lockable = entries.filter(invoiced_at__isnull=True).exclude(started_at__isnull=False, ended_at__isnull=True)
    with transaction.atomic():
        cells = set(lockable.values_list("engagement_id", "work_date").distinct().order_by())
        if not cells:
            return 0
        _lock_engagements({engagement_id for engagement_id, _day in cells})
        locked = lockable.update(invoiced_at=timezone.now(), invoice_reference=reference)
        usage_refresh_weeks(cells)
    return locked


def _check_minutes(minutes: int) -> None:
    if minutes is None or minutes <= 0:
        raise ValidationError({"minutes": _("Enter the time worked, more than zero minutes.")})
    if minutes > MAX_MINUTES_PER_ENTRY:
        raise ValidationError({"minutes": _("One entry cannot be longer than 24 hours.")})


def _check_notes(note: str, client_note: str) -> None:
    for field, text in (("note", note), ("client_note", client_note)):
        if len(text or "") > NOTE_MAX:
            raise ValidationError({field: _("A note can be at most %(n)d characters.") % {"n": NOTE_MAX}})


def client_note_default(task: Task | None) -> str:
    """The note for the client a new entry on this task starts with: the one its latest entry gave them."""
    if task is None or task.pk is None:
        return ""
    latest = TimeEntry.objects.filter(task=task).exclude(client_note="").order_by("-work_date", "-id").first()
    return latest.client_note if latest else ""


def _check_editable(entry: TimeEntry, by: Person) -> None:
    client = entry.engagement.client
    if not is_staff_for(by, client):
        # Deny by default: also someone whose membership ended, or who left the client's team.
        raise PermissionDenied(_("You do not work for this client."))
    is_owner = client.organisation_id in reach_of(by).owner_of
    if entry.person_id != by.pk and not is_owner:
        raise PermissionDenied(_("Only the assistant who logged this entry or an owner can change it."))
    if entry.is_locked:
        raise ValidationError(
            _("This entry is on invoice %(ref)s and can no longer be changed. Correct it with a credit note."),
            params={"ref": entry.invoice_reference},
        )


def _lock_engagements(ids: set[int]) -> None:
    """Lock engagement rows in one order (no deadlock between two writers), so their usage refreshes queue."""
    list(Engagement.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def _locked(engagement: Engagement, *, by: Person, task: Task | None, work_date: date) -> Engagement:
    """Lock the engagement row: concurrent writers on one bundle queue here, so none overdraws it."""
    engagement = Engagement.objects.select_for_update().select_related("client").get(pk=engagement.pk)
    if not is_staff_for(by, engagement.client):
        raise PermissionDenied(_("You do not work for this client."))
    if task is not None and task.client_id != engagement.client_id:
        raise ValidationError({"task": _("This task belongs to another client.")})
    if not engagement.accepts_time_on(work_date):
        raise ValidationError(
            {
                "work_date": _(
                    "%(engagement)s does not accept time on %(date)s (not active, not started, ended or expired)."
                )
                % {"engagement": engagement.name, "date": work_date}
            }
        )
    return engagement


def _price(entry: TimeEntry) -> None:
    """Apply the engagement's rounding and the task minimum, once per task."""
    engagement = entry.engagement
    increment = engagement.billing_increment_minutes
    if not entry.billable:
        entry.billed_minutes = 0
    elif entry.task_id and engagement.minimum_minutes_per_task:
        others = TimeEntry.objects.counted().filter(task_id=entry.task_id, engagement=engagement).exclude(pk=entry.pk)
        worked_billed = list(others.values_list("worked_minutes", "billed_minutes"))
        entry.billed_minutes = task_entry_billed_minutes(
            entry.worked_minutes,
            increment=increment,
            minimum=engagement.minimum_minutes_per_task,
            rounded_before=sum(billed_minutes(worked, increment=increment) for worked, _billed in worked_billed),
            billed_before=sum(billed for _worked, billed in worked_billed),
        )
    else:
        entry.billed_minutes = billed_minutes(entry.worked_minutes, increment=increment)


def _check_allowance(entry: TimeEntry) -> None:
    """The client's answer for the month rules (see consent.py); without one, the engagement's overdraft policy."""
    engagement = entry.engagement
    if not entry.billable or engagement.kind == Engagement.Kind.HOURLY:
        return
    decision = consent_decision(engagement, entry.work_date)
    if decision is not None:
        limit = consent_limit(
            engagement, entry.work_date, balance_of(engagement, entry.work_date, exclude_entry=entry.pk)
        )
        if limit is not None and entry.billed_minutes > limit:
            raise ValidationError(_consent_refusal(decision, limit, entry.billed_minutes), code="consent_limit")
        return
    if not engagement.blocks_overdraft:
        return
    remaining = balance_of(engagement, entry.work_date, exclude_entry=entry.pk).remaining or 0
    if entry.billed_minutes > remaining:
        raise ValidationError(
            _(
                "Only %(remaining)s left on this bundle; this entry needs %(needed)s. Log it on another engagement, make it non-billable, or ask the owner to top up the bundle."
            ),
            params={"remaining": format_minutes(remaining), "needed": format_minutes(entry.billed_minutes)},
            code="bundle_exhausted",
        )


def _consent_refusal(decision: Decision, limit: int, needed: int) -> str:
    if decision.consent.answer == OverageConsent.Answer.BUNDLE:
        return _(
            "The client ordered a new bundle this month: %(left)s left here, this entry needs %(needed)s. Log it on the new bundle once the owner confirms it."
        ) % {"left": format_minutes(limit), "needed": format_minutes(needed)}
    if decision.consent.answer == OverageConsent.Answer.STOP:
        return _(
            "The client asked to stop at the limit this month: %(left)s left, this entry needs %(needed)s. Make it non-billable or ask the client."
        ) % {"left": format_minutes(limit), "needed": format_minutes(needed)}
    return _("The client allowed %(extra)s extra hours this month: %(left)s left, this entry needs %(needed)s.") % {
        "extra": format_minutes(decision.extra_minutes),
        "left": format_minutes(limit),
        "needed": format_minutes(needed),
    }


def _ask_consent(entry: TimeEntry) -> None:
    """At 80 % and 100 % of the period's hours the client is asked whether to go on (consent.py)."""
    if entry.billable and entry.engagement.kind != Engagement.Kind.HOURLY and not entry.is_running:
        consent_ask_if_due(entry.engagement, entry.work_date)
