"""The client's work log: a month of counted hours in plain words, as the portal, its exports and the API show it.

Built only from what the client may read: the entry's note for the client (never the internal `note`), the
task's title and category, the duration billed, and who worked as the organisation's policy allows. Rates and
amounts appear only when the organisation chose to show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Membership, Organisation, Person
from vadesk.clients.models import Client
from vadesk.engagements.balance import month_end, month_start
from vadesk.engagements.models import Engagement
from vadesk.tasks.models import Category
from vadesk.timesheets.models import TimeEntry, WorkLogPolicy

GROUPINGS = ("task", "category")
CENT = Decimal("0.01")
MAX_ENTRIES = 5_000  # a month of one client; beyond this the log says it is cut, the export too


def work_log_policy_of(organisation: Organisation | int) -> WorkLogPolicy:
    """The organisation's saved policy, or the default (full names, no rates) without saving it."""
    pk = organisation if isinstance(organisation, int) else organisation.pk
    found = WorkLogPolicy.objects.filter(organisation_id=pk).first()
    return found or WorkLogPolicy(organisation_id=pk)


def work_log_policy_set(*, by: Person, organisation: Organisation, names: str, show_rates: bool) -> WorkLogPolicy:
    """An owner decides what the organisation's clients see of names and rates."""
    if organisation.pk not in reach_of(by).owner_of:
        raise PermissionDenied(_("Only an owner can change what clients see."))
    if names not in WorkLogPolicy.Names.values:
        raise ValidationError({"names": _("Choose how names are shown.")})
    policy, _created = WorkLogPolicy.objects.update_or_create(
        organisation=organisation, defaults={"names": names, "show_rates": bool(show_rates)}
    )
    return policy


@dataclass(frozen=True)
class LogRow:
    entry_id: int
    work_date: date
    who: str
    task_id: int | None
    task_title: str
    category: str
    text: str  # the note for the client, or "" (the group says what it was)
    minutes: int
    rate: Decimal | None  # only when the organisation shows rates
    amount: Decimal | None


@dataclass
class LogGroup:
    key: str
    label: str
    task_id: int | None = None
    rows: list[LogRow] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(row.minutes for row in self.rows)

    @property
    def amount(self) -> Decimal | None:
        amounts = [row.amount for row in self.rows if row.amount is not None]
        return sum(amounts, Decimal("0")) if amounts else None


@dataclass(frozen=True)
class WorkLog:
    client: Client
    month: date
    grouping: str
    groups: list[LogGroup]
    show_rates: bool
    cut: bool  # more entries than MAX_ENTRIES: the log shows the first ones

    @property
    def minutes(self) -> int:
        return sum(group.minutes for group in self.groups)

    @property
    def amount(self) -> Decimal | None:
        amounts = [group.amount for group in self.groups if group.amount is not None]
        return sum(amounts, Decimal("0")) if amounts else None

    @property
    def rows(self) -> list[LogRow]:
        return sorted((row for group in self.groups for row in group.rows), key=lambda r: (r.work_date, r.entry_id))


def who(person: Person, names: str) -> str:
    if names == WorkLogPolicy.Names.TEAM:
        return _("Your team")
    if names == WorkLogPolicy.Names.FIRST:
        return person.first_name
    return person.full_name or person.first_name


class ClientNames:
    """How a client's users read people's names, on every portal page: their own users by name, everyone of the
    team as the organisation's work-log policy says (full, first name only, or "your team"), as the work log does.
    """

    def __init__(self, client: Client) -> None:
        self.names = work_log_policy_of(client.organisation_id).names
        self.client_users = set(
            Membership.objects.filter(client=client, role=Membership.Role.CLIENT).values_list("person_id", flat=True)
        )

    def __call__(self, person: Person | None) -> str:
        if person is None:
            return _("Your team")
        return person.full_name if person.pk in self.client_users else who(person, self.names)


def _rate(engagement: Engagement) -> Decimal | None:
    """The hourly rate an entry is billed at: an hourly engagement's rate; prepaid hours have no rate per entry."""
    if engagement.kind == Engagement.Kind.HOURLY:
        return engagement.hourly_rate
    return None


def work_log(client: Client, month: date, *, grouping: str = "task") -> WorkLog:
    """1. Read the client's counted entries of the month (billable, not running), oldest first, at most MAX_ENTRIES.
    2. Group them by task (entries without a task by engagement) or by the task's category.
    3. Name who worked as the organisation's policy says; add rate and amount only if it shows rates."""
    grouping = grouping if grouping in GROUPINGS else "task"
    policy = work_log_policy_of(client.organisation_id)
    entries = list(
        TimeEntry.objects.counted()
        .filter(engagement__client=client, work_date__range=(month_start(month), month_end(month)))
        .select_related("person", "task", "engagement")
        .only(
            "id",
            "work_date",
            "billed_minutes",
            "client_note",
            "task_id",
            "engagement_id",
            "person__full_name",
            "person__email",
            "task__title",
            "task__category",
            "engagement__name",
            "engagement__kind",
            "engagement__hourly_rate",
        )
        .order_by("work_date", "id")[: MAX_ENTRIES + 1]
    )
    cut = len(entries) > MAX_ENTRIES
    groups: dict[str, LogGroup] = {}
    for entry in entries[:MAX_ENTRIES]:
        category = entry.task.category if entry.task else Category.OTHER
        rate = _rate(entry.engagement) if policy.show_rates else None
        row = LogRow(
            entry_id=entry.pk,
            work_date=entry.work_date,
            who=who(entry.person, policy.names),
            task_id=entry.task_id,
            task_title=entry.task.title if entry.task else "",
            category=category,
            text=entry.client_note,
            minutes=entry.billed_minutes,
            rate=rate,
            amount=(rate * entry.billed_minutes / 60).quantize(CENT, rounding=ROUND_HALF_UP)
            if rate is not None
            else None,
        )
        if grouping == "category":
            key, label, task_id = category, str(Category(category).label), None
        elif entry.task:
            key, label, task_id = f"task-{entry.task_id}", entry.task.title, entry.task_id
        else:
            key, label, task_id = f"engagement-{entry.engagement_id}", entry.engagement.name, None
        groups.setdefault(key, LogGroup(key, label, task_id)).rows.append(row)
    ordered = sorted(groups.values(), key=lambda g: (-g.minutes, g.label))
    return WorkLog(client, month_start(month), grouping, ordered, policy.show_rates, cut)
