"""Consent before going over: the client decides whether the team works past an engagement's hours this month.

1. When an entry takes a bundle, retainer or project to 80 % or 100 % of what its period makes available, the
   time-entry service asks (`consent_ask_if_due`, in the entry's transaction): one question per engagement,
   month and threshold, so a second writer or a correction never asks twice.
   `consent_asked` tells the layer above, which sends the question to the client's billing contact through
   their own channel and rhythm (vadesk/portal/consents.py; urgent at 100 %).
2. The client's user answers in the portal or the API (`consent_answer`): *stop at the limit*, *allow N extra
   hours this month*, or *buy a new bundle* (the layer above makes a draft bundle and its draft invoice for the
   owner to confirm, on `consent_answered`). Who, when and what are kept on the row.
3. The answer rules what the time-entry service accepts in that month (`consent_limit`), whatever the
   engagement's overdraft policy: with *stop* or *bundle*, nothing beyond what is available on this
   engagement; with *allow N*, up to N hours beyond it. A question not answered by its `answer_by`
   (CONSENT_WAIT after asking) lapses: the engagement's own policy applies again, as it does while the question
   waits, and `consents_lapse` (a job) tells the team once (`consent_lapsed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Person
from vadesk.clients.models import Client
from vadesk.clients.scoping import clients_for, get_in_reach
from vadesk.engagements import balance as calc
from vadesk.engagements.models import Engagement
from vadesk.lib.formatting import format_minutes
from vadesk.lib.hooks import Hook
from vadesk.timesheets.balances import balance_of
from vadesk.timesheets.models import OverageConsent

THRESHOLDS = (80, 100)
CONSENT_WAIT = timedelta(days=3)
MAX_EXTRA_HOURS = Decimal("200")
Answer = OverageConsent.Answer
# consent=: inside the transaction that asked, answered, or found the question lapsed (vadesk/portal/consents.py).
consent_asked = Hook("timesheets.consent_asked")
consent_answered = Hook("timesheets.consent_answered")
consent_lapsed = Hook("timesheets.consent_lapsed")


def consents_for(person: Person):
    """Questions of the clients in the person's reach: the client's own users and its team."""
    return OverageConsent.objects.filter(engagement__client__in=clients_for(person))


def consent_for(person: Person, pk: object) -> OverageConsent:
    return get_in_reach(consents_for(person).select_related("engagement__client"), pk)


def is_lapsed(consent: OverageConsent, now: datetime | None = None) -> bool:
    return consent.answer == Answer.PENDING and consent.answer_by <= (now or timezone.now())


def consent_ask_if_due(engagement: Engagement, on: date, *, now: datetime | None = None) -> list[OverageConsent]:
    """Ask for each threshold the month's use has reached and that was not asked yet; returns the new questions."""
    if engagement.kind == Engagement.Kind.HOURLY:
        return []
    balance = balance_of(engagement, on)
    percent = balance.percent_used
    if percent is None or not balance.available:
        return []
    now = now or timezone.now()
    month = calc.month_start(on)
    asked = []
    for threshold in THRESHOLDS:
        if percent < threshold:
            continue
        try:
            with transaction.atomic():  # a savepoint: losing the race to the same question is no error
                consent, created = OverageConsent.objects.get_or_create(
                    engagement=engagement,
                    month=month,
                    threshold=threshold,
                    defaults={"asked_at": now, "answer_by": now + CONSENT_WAIT},
                )
                if created:
                    consent_asked.fire(consent=consent)
        except IntegrityError:
            continue
        if created:
            asked.append(consent)
    return asked


@dataclass(frozen=True)
class Decision:
    consent: OverageConsent
    extra_minutes: int  # beyond what the period makes available; 0 with *stop*


def consent_decision(engagement: Engagement, on: date) -> Decision | None:
    """The client's answer that holds for the month of `on`: the latest given; None while none was given."""
    latest = (
        OverageConsent.objects.filter(engagement=engagement, month=calc.month_start(on))
        .exclude(answer=Answer.PENDING)
        .order_by("-answered_at", "-id")
        .first()
    )
    if latest is None:
        return None
    return Decision(latest, latest.extra_minutes if latest.answer == Answer.ALLOW else 0)


def decisions_of(engagements: list[Engagement], on: date) -> dict[int, Decision]:
    """`consent_decision` of many engagements in one query: the latest answer of each for the month of `on`."""
    rows = (
        OverageConsent.objects.filter(engagement__in=engagements, month=calc.month_start(on))
        .exclude(answer=Answer.PENDING)
        .order_by("engagement_id", "-answered_at", "-id")
    )
    found: dict[int, Decision] = {}
    for consent in rows:
        if consent.engagement_id not in found:
            found[consent.engagement_id] = Decision(
                consent, consent.extra_minutes if consent.answer == Answer.ALLOW else 0
            )
    return found


def consent_limit(engagement: Engagement, on: date, balance: calc.Balance) -> int | None:
    """How many more billable minutes the month accepts by the client's answer; None: the policy decides."""
    decision = consent_decision(engagement, on)
    if decision is None or balance.available is None:
        return None
    return max(0, balance.available + decision.extra_minutes - balance.used)


def consent_answer(
    *, by: Person, consent: OverageConsent, answer: str, extra_hours: Decimal | str | None = None
) -> OverageConsent:
    """The client's user answers a waiting question; a question answered or lapsed stays as it is."""
    if answer not in (Answer.STOP, Answer.ALLOW, Answer.BUNDLE):
        raise ValidationError(
            {"answer": _("Choose to stop at the limit, to allow extra hours or to buy a new bundle.")}
        )
    minutes = _extra_minutes(extra_hours) if answer == Answer.ALLOW else 0
    with transaction.atomic():
        consent = OverageConsent.objects.select_for_update().select_related("engagement__client").get(pk=consent.pk)
        if consent.engagement.client_id not in reach_of(by).portal_clients:
            # Only the client's own users decide what they pay for; not the team, not another client.
            raise PermissionDenied(_("Only the client's own users can answer this question."))
        if consent.answer != Answer.PENDING:
            raise ValidationError(_("This question was answered already; nothing was changed."))
        if is_lapsed(consent):
            raise ValidationError(_("This question has expired; your team follows the agreed terms."))
        consent.answer, consent.extra_minutes = answer, minutes
        consent.answered_by, consent.answered_at = by, timezone.now()
        consent.save(update_fields=["answer", "extra_minutes", "answered_by", "answered_at"])
        consent_answered.fire(consent=consent)
    return consent


def consents_lapse(*, now: datetime | None = None, limit: int = 500) -> list[OverageConsent]:
    """Claim the questions that lapsed unanswered and were not told yet, each once however many workers run,
    and tell the team in the claim's transaction (`consent_lapsed`)."""
    now = now or timezone.now()
    due = OverageConsent.objects.filter(answer=Answer.PENDING, answer_by__lte=now, lapse_told_at=None)
    told = []
    for pk in list(due.order_by("answer_by", "pk").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            if not OverageConsent.objects.filter(pk=pk, lapse_told_at=None).update(lapse_told_at=now):
                continue  # another worker told it
            consent = OverageConsent.objects.select_related("engagement__client").get(pk=pk)
            consent_lapsed.fire(consent=consent)
            told.append(consent)
    return told


def _extra_minutes(hours: Decimal | str | None) -> int:
    try:
        value = Decimal(str(hours).replace(",", ".")) if hours not in (None, "") else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value <= 0 or value > MAX_EXTRA_HOURS:
        raise ValidationError(
            {"extra_hours": _("Enter the extra hours, more than 0 and at most %(max)s.") % {"max": MAX_EXTRA_HOURS}}
        )
    return calc.hours_to_minutes(value) or 0


def waiting_consents(client: Client, now: datetime | None = None) -> list[OverageConsent]:
    """The questions the client can still answer, newest first, one per engagement and month (the latest asked)."""
    now = now or timezone.now()
    rows = (
        OverageConsent.objects.filter(engagement__client=client, answer=Answer.PENDING, answer_by__gt=now)
        .select_related("engagement")
        .order_by("-asked_at", "-threshold")
    )
    answered = set(
        OverageConsent.objects.filter(engagement__client=client)
        .exclude(Q(answer=Answer.PENDING))
        .values_list("engagement_id", "month")
    )
    seen: set[tuple[int, date]] = set()
    found = []
    for consent in rows[:50]:
        key = (consent.engagement_id, consent.month)
        if key in seen or key in answered:  # once answered for the month, a later threshold needs no new answer
            continue
        seen.add(key)
        found.append(consent)
    return found


def consent_status_text(engagement: Engagement, on: date, balance: calc.Balance | None = None) -> str:
    """Where assistants log time: what the client decided for the month, in words; "" when nothing was asked."""
    month = calc.month_start(on)
    label = date_format(month, "F")
    decision = consent_decision(engagement, on)
    if decision is not None:
        if decision.consent.answer == Answer.STOP:
            return _("The client asked to stop at the limit in %(month)s.") % {"month": label}
        if decision.consent.answer == Answer.BUNDLE:
            return _(
                "The client ordered a new bundle in %(month)s: log further time on it once the owner confirms it."
            ) % {"month": label}
        balance = balance or balance_of(engagement, on)
        left = consent_limit(engagement, on, balance) or 0
        return _("The client allowed %(extra)s extra hours in %(month)s: %(left)s left.") % {
            "extra": format_minutes(decision.extra_minutes),
            "month": label,
            "left": format_minutes(left),
        }
    latest = OverageConsent.objects.filter(engagement=engagement, month=month).order_by("-asked_at").first()
    if latest is None:
        return ""
    if is_lapsed(latest):
        return _("The client did not answer by %(day)s: the engagement's own terms apply.") % {
            "day": date_format(timezone.localtime(latest.answer_by), "j F")
        }
    return _("Waiting for the client's answer about extra hours (asked %(day)s).") % {
        "day": date_format(timezone.localtime(latest.asked_at), "j F")
    }


MAX_STATUSES = 10


def consent_statuses(person: Person, on: date, *, organisation_id: int) -> list[tuple[Engagement, str]]:
    """Where assistants log time across clients (the time sheet): each engagement in reach whose client was asked
    about the month of `on`, with what the client decided, newest question first, at most MAX_STATUSES."""
    asked = (
        consents_for(person)
        .filter(month=calc.month_start(on), engagement__client__organisation_id=organisation_id)
        .order_by("-asked_at")
        .values_list("engagement_id", flat=True)
    )
    ids = list(dict.fromkeys(asked[: MAX_STATUSES * 2]))[:MAX_STATUSES]  # two thresholds a month at most
    if not ids:
        return []
    engagements = Engagement.objects.select_related("client").in_bulk(ids)
    return [(engagements[pk], consent_status_text(engagements[pk], on)) for pk in ids if pk in engagements]
