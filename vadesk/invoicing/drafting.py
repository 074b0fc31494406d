"""What an invoice for a client and period should say, read from the engagements and hours.

Proposals are plain dataclasses; `services.invoice_draft_create` turns them into draft lines.
Rules per engagement kind:
- hourly: the period's unbilled, billable hours (already rounded per the engagement when logged),
  one line per task, per category, or one summary line (the hours then go on a specification);
- bundle: invoiced once, at purchase (its start date), for the bundle price;
- retainer: next month's fee in advance, plus the period's excess hours in arrears at the excess rate;
- project: each milestone due in or before the period, once; without milestones, the project price once;
- bundle and project: hours beyond them that the client allowed for the period's month (issue 11.3), or that a
  bundle's overdraft policy bills, in arrears at the excess rate. Every excess line names the client's answer as
  its basis when there is one.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vadesk.clients.models import Client
from vadesk.engagements.balance import month_end, month_start, next_month
from vadesk.engagements.models import Engagement
from vadesk.invoicing.models import InvoiceLine
from vadesk.lib.formatting import format_hours, format_minutes
from vadesk.tasks.models import Category
from vadesk.timesheets.balances import balance_of
from vadesk.timesheets.consent import consent_decision
from vadesk.timesheets.models import OverageConsent, TimeEntry

HOUR = Decimal(60)


@dataclass
class Proposal:
    source: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    engagement: Engagement | None = None
    period_start: date | None = None
    period_end: date | None = None
    detail: str = ""
    milestone_id: int | None = None
    entry_ids: list[int] = field(default_factory=list)


def hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / HOUR).quantize(Decimal("0.0001"))


def propose(client: Client, start: date, end: date, *, grouping: str) -> list[Proposal]:
    proposals: list[Proposal] = []
    billed = InvoiceLine.objects.filter(invoice__client=client).exclude(invoice__kind="credit_note")
    for engagement in client.engagements.exclude(status=Engagement.Status.DRAFT).order_by("starts_on", "id"):
        if engagement.kind == Engagement.Kind.HOURLY:
            proposals += _hourly(engagement, start, end, grouping)
        elif engagement.kind == Engagement.Kind.BUNDLE:
            proposals += _bundle(engagement, start, end, billed) + _allowed_excess(engagement, end, billed)
        elif engagement.kind == Engagement.Kind.RETAINER:
            proposals += _retainer(engagement, start, end, billed)
        elif engagement.kind == Engagement.Kind.PROJECT:
            proposals += _project(engagement, start, end, billed) + _allowed_excess(engagement, end, billed)
    return proposals


def unbilled_entries(engagement: Engagement, start: date, end: date) -> QuerySet[TimeEntry]:
    """Counted, not invoiced, and not already on another draft."""
    return (
        TimeEntry.objects.counted()
        .uninvoiced()
        .filter(engagement=engagement, work_date__range=(start, end), invoice_link__isnull=True)
        .select_related("task")
        .order_by("work_date", "id")
    )


def _hourly(engagement: Engagement, start: date, end: date, grouping: str) -> list[Proposal]:
    rate = (
        engagement.hourly_rate
        if engagement.hourly_rate is not None
        else engagement.client.organisation.default_hourly_rate
    )
    groups: OrderedDict[str, list[TimeEntry]] = OrderedDict()
    for entry in unbilled_entries(engagement, start, end):
        if entry.billed_minutes <= 0:
            continue
        if grouping == "summary":
            key = engagement.name
        elif grouping == "category":
            key = str(Category(entry.task.category).label) if entry.task else _("Other work")
        else:
            key = entry.task.title if entry.task else engagement.name
        groups.setdefault(key, []).append(entry)
    return [
        Proposal(
            source="hours",
            description=key[:200],
            quantity=hours(sum(e.billed_minutes for e in entries)),
            unit="HUR",
            unit_price=rate,
            engagement=engagement,
            period_start=start,
            period_end=end,
            entry_ids=[e.pk for e in entries],
        )
        for key, entries in groups.items()
    ]


def _bundle(engagement: Engagement, start: date, end: date, billed: QuerySet[InvoiceLine]) -> list[Proposal]:
    if engagement.starts_on > end or billed.filter(engagement=engagement, source="bundle").exists():
        return []
    return [bundle_line(engagement)]


def bundle_line(engagement: Engagement) -> Proposal:
    """A bundle is invoiced once, for its price."""
    return Proposal(
        source="bundle",
        description=_("Prepaid bundle: %(name)s (%(hours)s hours)")
        % {"name": engagement.name, "hours": format_hours(int((engagement.bundle_hours or 0) * 60))},
        quantity=Decimal(1),
        unit="C62",
        unit_price=engagement.bundle_price or Decimal(0),
        engagement=engagement,
    )


def _retainer(engagement: Engagement, start: date, end: date, billed: QuerySet[InvoiceLine]) -> list[Proposal]:
    proposals = []
    ahead = next_month(end)
    if (
        engagement.starts_on <= month_end(ahead)
        and (engagement.ends_on is None or engagement.ends_on >= ahead)
        and not billed.filter(engagement=engagement, source="retainer", period_start=ahead).exists()
    ):
        proposals.append(
            Proposal(
                source="retainer",
                description=_("Retainer %(name)s, in advance") % {"name": engagement.name},
                quantity=Decimal(1),
                unit="MON",
                unit_price=engagement.monthly_price or Decimal(0),
                engagement=engagement,
                period_start=ahead,
                period_end=month_end(ahead),
            )
        )
    work_month = month_start(end)
    if (
        engagement.starts_on <= end
        and not billed.filter(engagement=engagement, source="excess", period_start=work_month).exists()
    ):
        excess = balance_of(engagement, work_month).excess
        entries = [e.pk for e in unbilled_entries(engagement, work_month, month_end(work_month))]
        if excess > 0:
            proposals.append(
                Proposal(
                    source="excess",
                    description=_("Hours beyond the retainer %(name)s") % {"name": engagement.name},
                    quantity=hours(excess),
                    unit="HUR",
                    unit_price=engagement.excess_rate or Decimal(0),
                    engagement=engagement,
                    period_start=work_month,
                    period_end=month_end(work_month),
                    detail=_excess_basis(engagement, work_month),
                    entry_ids=entries,
                )
            )
        elif proposals and entries:
            # No excess: the month's hours still get locked with this invoice, so its balance can no longer change.
            proposals[-1].entry_ids = entries
    return proposals


def _allowed_excess(engagement: Engagement, end: date, billed: QuerySet[InvoiceLine]) -> list[Proposal]:
    """A bundle's or project's hours beyond it in the month of `end`, when the client allowed them for that month
    or a bundle's policy bills them: what is over the allowance by then, less the excess billed for earlier
    months. A fixed-price project's overrun is the practice's own without the client's answer."""
    work_month = month_start(end)
    decision = consent_decision(engagement, work_month)
    allowed = decision is not None and decision.consent.answer == OverageConsent.Answer.ALLOW
    billed_by_policy = engagement.kind == Engagement.Kind.BUNDLE and not engagement.blocks_overdraft
    if not (allowed or billed_by_policy) or engagement.starts_on > end:
        return []
    excess_lines = billed.filter(engagement=engagement, source="excess")
    if excess_lines.filter(period_start=work_month).exists():
        return []
    billed_before = sum((line.quantity for line in excess_lines), Decimal(0))
    excess = hours(balance_of(engagement, work_month).excess) - billed_before
    if excess <= 0:
        return []
    rate = engagement.excess_rate or engagement.hourly_rate or engagement.client.organisation.default_hourly_rate
    return [
        Proposal(
            source="excess",
            description=_("Hours beyond %(name)s") % {"name": engagement.name},
            quantity=excess,
            unit="HUR",
            unit_price=rate or Decimal(0),
            engagement=engagement,
            period_start=work_month,
            period_end=month_end(work_month),
            detail=_excess_basis(engagement, work_month),
            entry_ids=[e.pk for e in unbilled_entries(engagement, work_month, month_end(work_month))],
        )
    ]


def _excess_basis(engagement: Engagement, month: date) -> str:
    """The client's answer the excess rests on, in words: who allowed how many extra hours, and when."""
    decision = consent_decision(engagement, month)
    if decision is None or decision.consent.answer != OverageConsent.Answer.ALLOW:
        return ""
    consent = decision.consent
    return _("%(who)s allowed %(extra)s extra hours in %(month)s on %(day)s.") % {
        "who": consent.answered_by.full_name if consent.answered_by else _("The client"),
        "extra": format_minutes(consent.extra_minutes),
        "month": date_format(month, "F Y"),
        "day": date_format(timezone.localtime(consent.answered_at), "j F Y") if consent.answered_at else "",
    }


def _project(engagement: Engagement, start: date, end: date, billed: QuerySet[InvoiceLine]) -> list[Proposal]:
    milestones = list(engagement.milestones.filter(due_on__lte=end).exclude(lines__in=billed))
    if milestones:
        return [
            Proposal(
                source="milestone",
                description=f"{engagement.name}: {m.name}",
                quantity=Decimal(1),
                unit="C62",
                unit_price=m.amount,
                engagement=engagement,
                milestone_id=m.pk,
            )
            for m in milestones
        ]
    if engagement.milestones.exists() or engagement.starts_on > end or billed.filter(engagement=engagement).exists():
        return []
    return [
        Proposal(
            source="milestone",
            description=_("Project %(name)s") % {"name": engagement.name},
            quantity=Decimal(1),
            unit="C62",
            unit_price=engagement.project_price or Decimal(0),
            engagement=engagement,
        )
    ]
