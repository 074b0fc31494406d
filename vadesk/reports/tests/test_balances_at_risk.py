"""The overview reads only the engagements that can be at 80 % or beyond their hours, and finds every one of
them: its lists equal a balance computed for every engagement (today and the owner's dashboard read them)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from vadesk.clients.models import Client
from vadesk.engagements.models import Engagement
from vadesk.engagements.tests.factories import make_engagement, make_entry
from vadesk.reports.overview import TERMS_FIELDS, balances_at_risk
from vadesk.timesheets.balances import balances_of, balances_of_rows, usage_columns

Kind = Engagement.Kind


def every_balance(clients, on):
    """The old rule: every active engagement with hours balanced, then filtered and sorted."""
    engagements = list(Engagement.objects.active().filter(client__in=clients).exclude(kind=Kind.HOURLY))
    balances = balances_of(engagements, on)
    pairs = [(e, balances[e.pk]) for e in engagements]
    low = sorted((p for p in pairs if p[1].level != "ok"), key=lambda p: (-(p[1].percent_used or 0), p[0].pk))
    excess = sorted((p for p in pairs if p[1].excess > 0), key=lambda p: (-p[1].excess, p[0].pk))
    return low, excess


def shape(pairs):
    return [(e.pk, b.used, b.available, b.percent_used, b.excess) for e, b in pairs]


@pytest.fixture
def spread(acme, assistant):
    """Engagements on both sides of 80 % and 100 %, with rounding of fractional hours and rollover."""
    today = timezone.localdate()
    last_month = today.replace(day=1) - timedelta(days=1)
    start = today.replace(day=1) - timedelta(days=70)

    def engagement(kind, used_now, used_before=0, **terms):
        made = make_engagement(acme, kind, starts_on=start, **terms)
        if used_now:
            make_entry(made, assistant, today, used_now)
        if used_before:
            make_entry(made, assistant, last_month, used_before)
        return made

    for minutes in (0, 479, 480, 600, 720):  # bundle of 10 h: 0 %, 79.8 %, 80 %, 100 %, 120 %
        engagement(Kind.BUNDLE, minutes)
    engagement(Kind.BUNDLE, 33, bundle_hours=Decimal("0.7"))  # 42 min: 78.6 %
    engagement(Kind.BUNDLE, 34, bundle_hours=Decimal("0.7"))  # 80.9 %
    engagement(Kind.BUNDLE, 20, 20, bundle_hours=Decimal("0.7"))  # 95 %, over two months
    engagement(Kind.PROJECT, 71, budget_hours=Decimal("1.5"))  # 78.9 %
    engagement(Kind.PROJECT, 72, budget_hours=Decimal("1.5"))  # 80 %
    for minutes in (900, 959, 960, 1500):  # retainer of 20 h a month, no rollover
        engagement(Kind.RETAINER, minutes, 1500)
    # Rollover of everything unused since the start: over 100 % of the month's own allowance, yet far from 80 %.
    engagement(Kind.RETAINER, 1440, rollover_policy="all")
    engagement(Kind.RETAINER, 1980, rollover_policy="all")
    engagement(Kind.RETAINER, 1320, 1200, rollover_policy="capped", rollover_cap_hours=Decimal("3"))  # 95 % of 23 h
    engagement(Kind.RETAINER, 1250, 0, rollover_policy="capped", rollover_cap_hours=Decimal("3"))  # 90 % of 23 h
    engagement(Kind.RETAINER, 1000, monthly_hours=Decimal("0"), monthly_price=Decimal("0"))  # nothing included
    make_engagement(acme, Kind.HOURLY, starts_on=start)  # no allowance: never at risk
    return Client.objects.filter(pk=acme.pk)


@pytest.mark.parametrize("shown", [1, 3, 10, 50])
def test_it_finds_the_engagements_a_full_balance_would(spread, shown):
    today = timezone.localdate()
    at_risk = balances_at_risk(spread, today, shown=shown)
    expected_low, expected_excess = every_balance(spread, today)

    assert shape(at_risk.running_low) == shape(expected_low[:shown])
    assert shape(at_risk.excess) == shape(expected_excess[:shown])
    assert (at_risk.running_low_count, at_risk.excess_count) == (11, 3)  # the boundaries the comments say
    assert all(e.client.name == "Acme B.V." for e, _b in at_risk.running_low + at_risk.excess)


def test_a_balance_from_rows_equals_the_full_balance(spread):
    """The rows' columns stand for the kept cells: every kind (rollover too) balances as balances_of does, on a
    day with usage and in a month without."""
    engagements = list(Engagement.objects.filter(client__in=spread))
    today = timezone.localdate()
    for on in (today, today.replace(day=1) - timedelta(days=1), today + timedelta(days=40)):
        rows = (
            Engagement.objects.filter(client__in=spread)
            .annotate(**usage_columns(on))
            .values_list("pk", *TERMS_FIELDS, "month_minutes", "life_minutes", named=True)
        )
        assert balances_of_rows(rows, on) == balances_of(engagements, on)


def test_it_reads_only_the_candidates(spread, django_assert_max_num_queries):
    """Below 80 % of the allowance alone nothing is read: the rows handed back are the candidates."""
    with django_assert_max_num_queries(4) as captured:
        at_risk = balances_at_risk(spread, timezone.localdate())
    engagements = next(q for q in captured.captured_queries if 'FROM "engagements_engagement"' in q["sql"])
    assert "timesheets_engagementperiodusage" in engagements["sql"]  # the test is in the database
    assert at_risk.running_low_count == 11
