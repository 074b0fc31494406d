"""The owner's overview of the whole practice: what needs acting on, read in a fixed number of queries.

Every figure is read through the scoping helper of its noun for the person who asks (an owner reaches the whole
organisation), so the same function shown to anyone else would show only their own reach; the open and overdue
work comes from the organisation's kept cells (`vadesk.tasks.open_work`), which only its owners read. Lists are
bounded (`SHOWN`); counts are counted in the database or kept. The number of queries does not grow with clients,
tasks or hours (the team's capacity is read for all assistants at once).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    When,
    Window,
)
from django.utils import timezone

from vadesk.accounts.models import Membership, Organisation, Person
from vadesk.agenda.models import Calendar
from vadesk.agenda.scoping import staff_calendars
from vadesk.clients.models import Client
from vadesk.clients.scoping import clients_for
from vadesk.comms.models import OutboxMessage
from vadesk.comms.scoping import outbox_of
from vadesk.engagements import balance as calc
from vadesk.engagements.models import Engagement
from vadesk.invoicing.models import Invoice
from vadesk.invoicing.revenue import as_money, month_so_far
from vadesk.invoicing.scoping import invoices_for, revenue_months_for
from vadesk.reports.figures import balance_after
from vadesk.tasks.models import Task
from vadesk.tasks.open_work import Work, open_work, overdue_first
from vadesk.team.models import CoverageWarning
from vadesk.team.scoping import coverage_warnings_for
from vadesk.team.utilisation import capacities
from vadesk.timesheets.balances import balances_of_rows, terms_of, usage_columns
from vadesk.timesheets.models import EngagementPeriodUsage, EngagementWeekUsage

SHOWN = 10  # lines per list; the count says how many more there are
WEEKS = 12
MONTHS = 12
UNBILLED_MONTHS = 12  # hourly work older than a year is a bookkeeping question, not today's


@dataclass(frozen=True)
class AssistantLoad:
    person: Person
    open_tasks: int
    overdue_tasks: int
    minutes_this_week: int
    capacity_hours: Decimal | None  # None: neither a work pattern nor a weekly capacity is known

    @property
    def percent(self) -> int | None:
        if not self.capacity_hours:
            return None
        return int(self.minutes_this_week * 100 // int(self.capacity_hours * 60))


@dataclass(frozen=True)
class Overview:
    open_tasks: int
    overdue_count: int
    overdue: list[Task]
    at_risk: AtRisk
    unbilled: list[tuple[Client, int]]  # minutes of hourly work not yet invoiced
    unbilled_count: int | None  # None: not read (the short form)
    invoices_overdue: Sequence[Invoice]
    invoices_overdue_count: int
    invoices_overdue_amount: Decimal
    outbox_waiting: int
    outbox_failed: int
    sync_failures: list[Calendar]
    team: list[AssistantLoad]
    coverage: list[CoverageWarning]  # the coverage check's findings (owners only; vadesk/team/coverage.py)
    week_start: date
    hours_per_week: list[tuple[date, int]] = field(default_factory=list)  # Monday, minutes
    revenue_per_month: list[tuple[date, Decimal]] = field(default_factory=list)  # first day, net


def overview(
    person: Person, organisation: Organisation, *, now: datetime | None = None, charts: bool = True
) -> Overview:
    """What the practice must act on today, seen by `person` in `organisation`; `charts=False` is the short
    form of the owner's *today* (no charts, team table or unbilled hours)."""
    now = timezone.localtime(now or timezone.now(), ZoneInfo(organisation.time_zone))
    today = now.date()
    clients = clients_for(person, write=True, organisation=organisation.pk)
    # The owner's *today* shows the short form: no charts, no team table, no unbilled hours (each reads a window
    # of time entries); the dashboard reads everything.
    unbilled, unbilled_count = _unbilled(clients, today) if charts else ([], None)
    # The agency's own receivables: invoices issued on a client's behalf (with a buyer) are the client's.
    invoices = (
        invoices_for(person, write=True, organisation=organisation.pk)
        .unpaid()
        .filter(due_date__lt=today, buyer__isnull=True)
    )
    # django-stubs cannot see with_amount_due's annotations (amount_due), as in invoicing/views.py.
    due = invoices.with_amount_due().filter(amount_due__gt=0)  # type: ignore[misc]
    # Open and overdue work from the kept cells (the whole practice's, per assignee: the team table reads them
    # too); the overdue invoices counted with their sum in one pass.
    work, work_per_person = open_work(person, organisation.pk, now=now)
    # The first overdue invoices, each row carrying the count and sum of them all (taken before the limit).
    overdue_invoices = list(
        due.select_related("client")
        .annotate(overdue_count=Window(Count("pk")), overdue_total=Window(Sum("amount_due")))
        .order_by("due_date", "id")[:SHOWN]
    )
    first_overdue = overdue_invoices[0] if overdue_invoices else None
    # Only the messages that wait or failed are counted: the index on (organisation, state) skips the sent ones.
    waiting, failed = OutboxMessage.State.PENDING, [OutboxMessage.State.FAILED, OutboxMessage.State.UNCERTAIN]
    outbox = (
        outbox_of(person, organisation.pk)
        .filter(state__in=[waiting, *failed])
        .aggregate(
            waiting=Count("pk", filter=Q(state=waiting, not_before__lte=now)),
            failed=Count("pk", filter=Q(state__in=failed)),
        )
    )
    monday = today - timedelta(days=today.weekday())
    return Overview(
        open_tasks=work.open,
        overdue_count=work.overdue,
        overdue=overdue_first(person, organisation.pk, now=now, count=SHOWN),
        at_risk=balances_at_risk(clients, today),
        unbilled=unbilled,
        unbilled_count=unbilled_count,
        invoices_overdue=overdue_invoices,
        invoices_overdue_count=first_overdue.overdue_count if first_overdue else 0,
        invoices_overdue_amount=first_overdue.overdue_total if first_overdue else Decimal("0.00"),
        outbox_waiting=outbox["waiting"],
        outbox_failed=outbox["failed"],
        sync_failures=list(
            staff_calendars(person, organisation.pk)
            .filter(Q(sync_failures__gt=0) | ~Q(last_error=""))
            .exclude(source=Calendar.Source.LOCAL)
            .select_related("party__client")
            .order_by("-sync_failures", "id")[:SHOWN]
        ),
        team=_team(organisation, work_per_person, monday) if charts else [],
        coverage=list(coverage_warnings_for(person, organisation.pk)[:SHOWN]),
        week_start=monday,
        hours_per_week=hours_per_week(clients, monday) if charts else [],
        revenue_per_month=revenue_per_month(person, organisation, today) if charts else [],
    )


@dataclass(frozen=True)
class AtRisk:
    """Engagements at 80 % or more of their hours (worst first) and those beyond them (most first): the lines
    shown, each with its engagement and client, and how many there are in all."""

    running_low: list[tuple[Engagement, calc.Balance]]
    running_low_count: int
    excess: list[tuple[Engagement, calc.Balance]]
    excess_count: int


def balances_at_risk(clients, on: date, *, shown: int = SHOWN) -> AtRisk:
    """The engagements at risk among `clients` on `on`, `shown` lines of each list.

    Only the candidates are read and balanced: the database keeps those whose kept usage (this month's for a
    retainer, the lifetime's for a bundle or project) is at least 80 % of the allowance alone. What rolls over
    only adds to what is available, so an engagement below that can be neither at 80 % nor beyond its hours.
    The candidates come as rows carrying that usage (`usage_columns`), so only retainers whose hours roll over
    read more; only the lines shown are loaded as engagements, with their client."""
    rows = list(
        Engagement.objects.active()
        .filter(client__in=clients)
        .exclude(kind=Engagement.Kind.HOURLY)
        .annotate(**usage_columns(on))
        .alias(gap=_usage_gap())
        .filter(gap__gte=-WARNING_SLACK)
        .values_list("pk", *TERMS_FIELDS, "month_minutes", "life_minutes", named=True)
    )
    balances = balances_of_rows(rows, on)
    pairs = [(row.pk, balances[row.pk]) for row in rows]
    low = sorted((p for p in pairs if p[1].level != "ok"), key=lambda p: (-(p[1].percent_used or 0), p[0]))
    excess = sorted((p for p in pairs if p[1].excess > 0), key=lambda p: (-p[1].excess, p[0]))
    lines = Engagement.objects.select_related("client").in_bulk([pk for pk, _b in low[:shown] + excess[:shown]])
    return AtRisk(
        running_low=[(lines[pk], balance) for pk, balance in low[:shown]],
        running_low_count=len(low),
        excess=[(lines[pk], balance) for pk, balance in excess[:shown]],
        excess_count=len(excess),
    )


# What a balance reads of an engagement (terms_of, balances_of_rows).
TERMS_FIELDS = (
    "kind",
    "starts_on",
    "ends_on",
    "expires_on",
    "created_at",
    "bundle_hours",
    "monthly_hours",
    "budget_hours",
    "rollover_policy",
    "rollover_cap_hours",
)


# Minutes × 100 of leeway in the candidates' test: an allowance in minutes is rounded from hours × 60 (± 0.5).
WARNING_SLACK = 100


def _usage_gap():
    """100 × the minutes used (the `usage_columns`) less 80 × the allowance alone (hours × 60): negative is below
    the warning level."""
    used = Case(
        When(kind__in=[Engagement.Kind.BUNDLE, Engagement.Kind.PROJECT], then=F("life_minutes")),
        default=F("month_minutes"),
        output_field=BigIntegerField(),
    )
    hours = Case(
        When(kind=Engagement.Kind.BUNDLE, then=F("bundle_hours")),
        When(kind=Engagement.Kind.PROJECT, then=F("budget_hours")),
        default=F("monthly_hours"),
    )
    return ExpressionWrapper(
        used * 100 - hours * 60 * calc.WARNING_PERCENT, output_field=DecimalField(max_digits=20, decimal_places=2)
    )


def _unbilled(clients, today: date) -> tuple[list[tuple[Client, int]], int]:
    """Minutes of hourly work not yet on an invoice, per client, most first (retainers and bundles are prepaid).

    Read from the kept weekly usage (`EngagementWeekUsage`), not the entries: the weeks from the one holding the
    first day of the window (a year back) on, summed per client in the database, which hands back only the clients
    shown and how many there are."""
    since = calc.month_start(today.replace(day=1) - timedelta(days=31 * (UNBILLED_MONTHS - 1)))
    per_client = (
        EngagementWeekUsage.objects.filter(
            engagement__client__in=clients,
            engagement__kind=Engagement.Kind.HOURLY,
            week__gte=since - timedelta(days=since.weekday()),
            unbilled_minutes__gt=0,
        )
        .values("engagement__client_id")
        .annotate(minutes=Sum("unbilled_minutes"))
        .order_by()
    )
    # The number of clients in the same pass: a count over the grouped rows, taken before the limit.
    top = list(
        per_client.annotate(clients=Window(Count("*")))
        .order_by("-minutes", "engagement__client_id")
        .values_list("engagement__client_id", "minutes", "clients")[:SHOWN]
    )
    shown = Client.objects.in_bulk([pk for pk, _minutes, _count in top])
    return [(shown[pk], minutes) for pk, minutes, _count in top], (top[0][2] if top else 0)


def _team(organisation: Organisation, work: dict[int, Work], monday: date) -> list[AssistantLoad]:
    """Each owner and assistant: open and overdue work (`work`, the kept cells), this week's hours, capacity."""
    memberships = list(
        Membership.objects.filter(
            organisation=organisation,
            is_active=True,
            role__in=[Membership.Role.OWNER, Membership.Role.ASSISTANT],
        )
        .select_related("person")
        .order_by("person__full_name")
    )
    people = [m.person for m in memberships]
    minutes = dict(  # this week's minutes, from the kept weekly usage
        EngagementWeekUsage.objects.filter(
            person__in=people, engagement__client__organisation=organisation, week=monday
        )
        .values("person")
        .annotate(minutes=Sum("worked_minutes"))
        .values_list("person", "minutes")
        .order_by()
    )
    capacities = week_capacities(organisation, memberships, monday)
    none = Work()
    return [
        AssistantLoad(
            p, work.get(p.pk, none).open, work.get(p.pk, none).overdue, minutes.get(p.pk) or 0, capacities.get(p.pk)
        )
        for p in people
    ]


def week_capacities(organisation: Organisation, memberships: list[Membership], monday: date) -> dict[int, Decimal]:
    """Hours available in the week per person, for the whole team in three queries: the rule of the utilisation
    page (`vadesk.team.utilisation.capacities`: work pattern − approved absences − public holidays, else the
    membership's weekly capacity), so the team card and that page cannot disagree."""
    return {person_id: hours for (person_id, _week), hours in capacities(organisation, memberships, [monday]).items()}


def hours_per_week(clients, monday: date, weeks: int = WEEKS) -> list[tuple[date, int]]:
    """Worked minutes per ISO week on the clients in reach, the last `weeks` weeks up to this one (kept weekly
    usage: a cell per engagement, person and week, summed per week in the database)."""
    first = monday - timedelta(weeks=weeks - 1)
    rows = (
        EngagementWeekUsage.objects.filter(
            engagement_id__in=Engagement.objects.filter(client__in=clients).values("pk"),
            week__range=(first, monday),
        )
        .values("week")
        .annotate(minutes=Sum("worked_minutes"))
        .values_list("week", "minutes")
        .order_by()
    )
    totals = {first + timedelta(weeks=n): 0 for n in range(weeks)}
    for week, minutes in rows:
        totals[week] += minutes or 0
    return sorted(totals.items())


def revenue_per_month(person: Person, organisation: Organisation, today: date, months: int = MONTHS):
    """Net invoiced per month of issue, the last `months` months up to today: final invoices less final credit
    notes, the months before this one from the kept months (`vadesk.invoicing.revenue`), this one's from its
    documents issued up to today (on a client's behalf is the client's revenue)."""
    first = calc.month_start(today)
    for _ in range(months - 1):
        first = calc.month_start(first - timedelta(days=1))
    totals = {}
    month = first
    for _ in range(months):
        totals[month] = Decimal("0.00")
        month = calc.next_month(month)
    this_month = calc.month_start(today)
    kept = revenue_months_for(person, organisation.pk).filter(month__gte=first, month__lt=this_month)
    for month, cents in kept.values_list("month", "net_cents"):
        totals[month] = as_money(cents)
    totals[this_month] = month_so_far(invoices_for(person, write=True, organisation=organisation.pk), today)
    return sorted(totals.items())


@dataclass(frozen=True)
class BurnPoint:
    month: date
    used: int  # minutes used in the month
    left: int | None  # minutes left after it (a bundle or project), or of the month (a retainer)
    available: int | None


def burn_downs(engagements: list[Engagement], today: date, months: int = MONTHS) -> dict[int, list[BurnPoint]]:
    """Month by month: what each engagement's hours came to, up to this month (one query, the kept usage).

    A bundle or project spends one allowance over its life: `left` falls month by month. A retainer offers
    each month anew (plus what rolled over): `left` is that month's remainder. Hourly work only has `used`.
    """
    usage: dict[int, dict[date, int]] = defaultdict(dict)
    rows = EngagementPeriodUsage.objects.filter(engagement__in=[e.pk for e in engagements], month__lte=today)
    for engagement_id, month, minutes in rows.values_list("engagement_id", "month", "minutes"):
        usage[engagement_id][month] = minutes
    return {e.pk: _burn_down(e, usage[e.pk], today, months) for e in engagements}


def _burn_down(engagement: Engagement, usage: dict[date, int], today: date, months: int) -> list[BurnPoint]:
    terms = terms_of(engagement)
    last = calc.month_start(min(today, engagement.ends_on or today))
    first = max(calc.month_start(engagement.starts_on), _months_back(last, months - 1))
    points, month = [], first
    while month <= last:
        used = usage.get(month, 0)
        balance = balance_after(terms, usage, month, used)  # the rule the monthly report's burn-down draws too
        points.append(BurnPoint(month, used, balance.remaining, balance.available))
        month = calc.next_month(month)
    return points


def _months_back(today: date, months: int) -> date:
    month = calc.month_start(today)
    for _ in range(months):
        month = calc.month_start(month - timedelta(days=1))
    return month
