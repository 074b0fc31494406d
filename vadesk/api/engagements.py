"""Engagements with their hour balance: read by the team and the client's users, written by owners."""

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from vadesk.accounts.access import reach_of
from vadesk.api.auth import person_of
from vadesk.api.patching import changes
from vadesk.api.types import Day, Id, Input, Money, Timestamp
from vadesk.clients.scoping import client_for
from vadesk.engagements import balance as calc
from vadesk.engagements import services
from vadesk.engagements.models import Engagement
from vadesk.engagements.scoping import engagement_for
from vadesk.timesheets.balances import balance_of, balances_of
from vadesk.timesheets.worklog import work_log_policy_of

router = Router(tags=["engagements"])


class BalanceOut(Schema):
    """Minutes drawn on the engagement in the period that contains `on` (a bundle or project: its whole life)."""

    period_start: date
    period_end: date | None = Field(description="null when a bundle or project has no end")
    allowance_minutes: int | None = Field(description="null for hourly work, which has no allowance")
    rolled_over_minutes: int
    used_minutes: int
    remaining_minutes: int | None
    excess_minutes: int
    percent_used: int | None
    level: str = Field(description="ok, warning (80 % used) or exhausted (100 %)")


class EngagementOut(Schema):
    id: int
    client_id: int
    name: str
    kind: Engagement.Kind
    status: Engagement.Status
    starts_on: date
    ends_on: date | None
    billing_increment_minutes: int
    minimum_minutes_per_task: int
    hourly_rate: Money | None = Field(description="null for the client's users unless the organisation shows rates")
    bundle_hours: Money | None
    bundle_price: Money | None
    expires_on: date | None
    overdraft_policy: Engagement.Overdraft
    monthly_hours: Money | None
    monthly_price: Money | None
    rollover_policy: Engagement.Rollover
    rollover_cap_hours: Money | None
    excess_rate: Money | None = Field(description="null for the client's users unless the organisation shows rates")
    budget_hours: Money | None
    project_price: Money | None
    created_at: Timestamp
    balance: BalanceOut

    @staticmethod
    def resolve_hourly_rate(engagement: Engagement, context) -> Decimal | None:
        return engagement.hourly_rate if _rates_shown(context["request"], engagement) else None

    @staticmethod
    def resolve_excess_rate(engagement: Engagement, context) -> Decimal | None:
        return engagement.excess_rate if _rates_shown(context["request"], engagement) else None


def _rates_shown(request: HttpRequest, engagement: Engagement) -> bool:
    """Issue 11: rates reach the client's users only when the organisation chose to show them (its work-log
    policy); its own staff always read them. Decided once per organisation and request."""
    organisation_id = engagement.client.organisation_id
    shown: dict[int, bool] = request.__dict__.setdefault("vadesk_rates_shown", {})
    if organisation_id not in shown:
        staff = organisation_id in reach_of(person_of(request)).staff_of
        shown[organisation_id] = staff or work_log_policy_of(organisation_id).show_rates
    return shown[organisation_id]


class EngagementIn(Input):
    """Terms by kind: hourly needs hourly_rate; bundle bundle_hours and bundle_price; retainer
    monthly_hours, monthly_price and excess_rate; project budget_hours and project_price."""

    name: str
    kind: Engagement.Kind
    status: Engagement.Status = Engagement.Status.ACTIVE
    starts_on: Day
    ends_on: Day | None = None
    billing_increment_minutes: int = 15
    minimum_minutes_per_task: int = 0
    hourly_rate: Decimal | None = None
    bundle_hours: Decimal | None = None
    bundle_price: Decimal | None = None
    expires_on: Day | None = None
    overdraft_policy: Engagement.Overdraft = Engagement.Overdraft.BLOCK
    monthly_hours: Decimal | None = None
    monthly_price: Decimal | None = None
    rollover_policy: Engagement.Rollover = Engagement.Rollover.NONE
    rollover_cap_hours: Decimal | None = None
    excess_rate: Decimal | None = None
    budget_hours: Decimal | None = None
    project_price: Decimal | None = None


class EngagementPatch(Input):
    """Only the fields sent are changed; the whole engagement is validated again."""

    name: str | None = None
    kind: Engagement.Kind | None = None
    status: Engagement.Status | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    billing_increment_minutes: int | None = None
    minimum_minutes_per_task: int | None = None
    hourly_rate: Decimal | None = None
    bundle_hours: Decimal | None = None
    bundle_price: Decimal | None = None
    expires_on: Day | None = None
    overdraft_policy: Engagement.Overdraft | None = None
    monthly_hours: Decimal | None = None
    monthly_price: Decimal | None = None
    rollover_policy: Engagement.Rollover | None = None
    rollover_cap_hours: Decimal | None = None
    excess_rate: Decimal | None = None
    budget_hours: Decimal | None = None
    project_price: Decimal | None = None


class BalanceQuery(Input):
    on: Day | None = Field(None, description="Day whose period the balance covers; defaults to today")


def _balance_out(balance: calc.Balance) -> BalanceOut:
    return BalanceOut(
        period_start=balance.period_start,
        period_end=None if balance.period_end == date.max else balance.period_end,
        allowance_minutes=balance.allowance,
        rolled_over_minutes=balance.rolled_over,
        used_minutes=balance.used,
        remaining_minutes=balance.remaining,
        excess_minutes=balance.excess,
        percent_used=balance.percent_used,
        level=balance.level,
    )


def _out(engagement: Engagement, balance: calc.Balance) -> Engagement:
    engagement.balance = _balance_out(balance)  # type: ignore[attr-defined]
    return engagement


@router.get("/clients/{client_id}/engagements", response=list[EngagementOut])
def list_engagements(request: HttpRequest, client_id: Id, query: Query[BalanceQuery]):
    client = client_for(person_of(request), client_id)
    engagements = list(client.engagements.all())
    balances = balances_of(engagements, query.on or timezone.localdate())
    return [_out(e, balances[e.pk]) for e in engagements]


@router.get("/engagements/{engagement_id}", response=EngagementOut)
def get_engagement(request: HttpRequest, engagement_id: Id, query: Query[BalanceQuery]):
    engagement = engagement_for(person_of(request), engagement_id)
    return _out(engagement, balance_of(engagement, query.on or timezone.localdate()))


@router.post("/clients/{client_id}/engagements", response={201: EngagementOut})
def create_engagement(request: HttpRequest, client_id: Id, payload: EngagementIn):
    person = person_of(request)
    client = client_for(person, client_id)
    engagement = services.engagement_create(by=person, client=client, **payload.dict())
    return _out(engagement, balance_of(engagement, timezone.localdate()))


@router.patch("/engagements/{engagement_id}", response=EngagementOut)
def update_engagement(request: HttpRequest, engagement_id: Id, payload: EngagementPatch):
    person = person_of(request)
    engagement = engagement_for(person, engagement_id)
    engagement = services.engagement_update(by=person, engagement=engagement, **changes(payload, Engagement))
    return _out(engagement, balance_of(engagement, timezone.localdate()))
