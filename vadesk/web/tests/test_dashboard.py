"""The owner's dashboard: the whole practice, owners only, each line where it is acted on, queries flat."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vadesk.accounts.models import Membership
from vadesk.agenda.models import Calendar
from vadesk.agenda.parties import client_party
from vadesk.comms.models import OutboxMessage
from vadesk.engagements.models import Engagement
from vadesk.invoicing.tests.conftest import billable_acme, hourly, october_hours, seller  # noqa: F401
from vadesk.reports.overview import burn_downs, overview
from vadesk.tasks.models import Task
from vadesk.tasks.services import task_create
from vadesk.timesheets.services import time_entry_log


@pytest.fixture
def hourly_acme(acme):
    return Engagement.objects.create(
        client=acme, name="Hourly", kind=Engagement.Kind.HOURLY, starts_on=date(2026, 1, 1), hourly_rate=Decimal(50)
    )


def test_an_assistant_may_not_open_the_dashboard(client, assistant):
    client.force_login(assistant)
    assert client.get(reverse("dashboard")).status_code == 403


def test_a_client_user_is_sent_to_the_portal(client, acme_user):
    client.force_login(acme_user)
    assert client.get(reverse("dashboard")).status_code == 302


def test_it_shows_overdue_work_of_every_assistant(client, owner, assistant, acme, bundle):
    task_create(
        by=assistant,
        client=acme,
        title="Book the notary",
        due_at=timezone.now() - timedelta(days=2),
        assignees=[assistant],
    )
    client.force_login(owner)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Book the notary" in page
    assert "1 overdue task" in page
    assert reverse("board") + "?scope=all&amp;due=overdue" in page


def test_it_lists_unbilled_hourly_work_per_client(client, owner, assistant, acme, hourly_acme):
    time_entry_log(by=assistant, engagement=hourly_acme, work_date=timezone.localdate(), minutes=90)
    client.force_login(owner)
    page = client.get(reverse("dashboard")).content.decode()
    assert "1 client with unbilled hours" in page
    assert "1:30" in page


def test_it_counts_outbox_failures_and_calendar_sync_failures(client, owner, acme):
    OutboxMessage.objects.create(
        organisation=acme.organisation,
        client=acme,
        kind="update",
        recipient="x@acme.example",
        message_id="<f@x>",
        not_before=timezone.now(),
        state=OutboxMessage.State.FAILED,
    )
    Calendar.objects.create(
        party=client_party(acme),
        name="Office CalDAV",
        source=Calendar.Source.CALDAV,
        sync_failures=3,
        last_error="401",
    )
    client.force_login(owner)
    page = client.get(reverse("dashboard")).content.decode()
    assert "1 failed" in page
    assert "Office CalDAV" in page and "3 failures" in page


def test_it_shows_nothing_of_another_organisation(client, outsider, owner, acme, assistant, bundle):
    task_create(by=assistant, client=acme, title="Secret acme work", due_at=timezone.now() - timedelta(days=1))
    client.force_login(outsider)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Secret acme work" not in page
    assert "0 overdue tasks" in page


def test_its_query_count_does_not_grow_with_the_practice(client, owner, assistant, acme, bundle, hourly_acme):
    client.force_login(owner)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("dashboard")).status_code == 200
        return len(captured)

    def add(n: int) -> None:
        task_create(
            by=owner, client=acme, title=f"T{n}", due_at=timezone.now() - timedelta(days=n + 1), assignees=[assistant]
        )
        time_entry_log(
            by=assistant, engagement=hourly_acme, work_date=timezone.localdate() - timedelta(days=7 * n), minutes=60
        )

    add(0)  # one of everything first: an empty list skips its prefetch
    before = queries()
    for n in range(1, 6):
        add(n)
    assert Task.objects.count() == 6
    assert queries() == before


def test_the_charts_are_svg_without_style_attributes(client, owner, assistant, hourly_acme):
    time_entry_log(by=assistant, engagement=hourly_acme, work_date=timezone.localdate(), minutes=60)
    client.force_login(owner)
    client.cookies["vadesk_language"] = "nl"
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-testid="chart-hours"' in page
    chart = page[page.index('data-testid="chart-hours"') :]
    chart = chart[: chart.index("</svg>")]
    assert chart.count("<rect") == 12
    assert "style=" not in chart
    assert not re.search(r'="-?\d+,\d', chart)  # numbers in SVG are never localised (no "12,5")


def test_overdue_invoices_and_revenue_are_the_agencys_own(client, owner, assistant, seller, october_hours):
    from vadesk.invoicing.services import invoice_draft_create, invoice_finalise
    from vadesk.invoicing.tests.conftest import PERIOD

    acme = october_hours[0].engagement.client
    invoice = invoice_finalise(
        by=owner,
        invoice=invoice_draft_create(by=owner, client=acme, period_start=PERIOD[0], period_end=PERIOD[1]),
        issue_date=date(2026, 11, 2),
    )
    figures = overview(owner, acme.organisation, now=timezone.make_aware(datetime(2026, 12, 2, 10)))
    assert [i.pk for i in figures.invoices_overdue] == [invoice.pk]
    assert figures.invoices_overdue_amount == invoice.gross_total
    assert dict(figures.revenue_per_month)[date(2026, 11, 1)] == invoice.net_total
    assert figures.unbilled_count == 0  # October's hours are on the invoice now
    # Seen from before its issue date (an overview of an earlier day, or an invoice dated ahead), it is not yet
    # revenue: its month is not among the twelve.
    earlier = overview(owner, acme.organisation, now=timezone.make_aware(datetime(2026, 10, 20, 10)))
    assert sum(amount for _month, amount in earlier.revenue_per_month) == 0
    client.force_login(owner)
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("invoicing:detail", args=[invoice.pk]) in page


def test_the_team_line_shows_hours_against_capacity(owner, assistant, acme, hourly_acme):
    Membership.objects.filter(person=assistant).update(weekly_capacity_hours=Decimal("20"))
    time_entry_log(by=assistant, engagement=hourly_acme, work_date=timezone.localdate(), minutes=600)
    figures = overview(owner, acme.organisation)
    load = next(line for line in figures.team if line.person == assistant)
    assert (load.minutes_this_week, load.capacity_hours, load.percent) == (600, Decimal("20"), 50)


def test_the_client_page_draws_a_burn_down_per_engagement(client, owner, assistant, acme, bundle):
    today = timezone.localdate()
    last_month = today.replace(day=1) - timedelta(days=1)
    time_entry_log(by=assistant, engagement=bundle, work_date=max(last_month, bundle.starts_on), minutes=120)
    time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=60)
    points = burn_downs([bundle], today)[bundle.pk]
    assert [p.left for p in points][-2:] == [600 - 120, 600 - 180]
    client.force_login(owner)
    page = client.get(reverse("client_detail", args=[acme.pk])).content.decode()
    assert 'data-testid="burn-down"' in page


def test_unbilled_hours_show_the_ten_clients_with_most_and_count_them_all(owner, org, assistant):
    """Summed per client in the database (two hourly engagements of one client add up), most first, ties by
    client; retainer hours and invoiced hours are not unbilled."""
    from vadesk.clients.models import Assignment, Client

    today = timezone.localdate()
    clients = []
    for n in range(12):
        customer = Client.objects.create(organisation=org, name=f"Client {n:02}", country="NL")
        Assignment.objects.create(client=customer, person=assistant)
        clients.append(customer)
        for part in range(2 if n == 3 else 1):
            engagement = Engagement.objects.create(
                client=customer,
                name=f"Hourly {part}",
                kind=Engagement.Kind.HOURLY,
                starts_on=date(2026, 1, 1),
                hourly_rate=Decimal(50),
            )
            time_entry_log(by=assistant, engagement=engagement, work_date=today, minutes=15 * (n % 6 + 1))
    retainer = Engagement.objects.create(
        client=clients[0],
        name="Retainer",
        kind=Engagement.Kind.RETAINER,
        monthly_hours=Decimal(10),
        starts_on=date(2026, 1, 1),
    )
    time_entry_log(by=assistant, engagement=retainer, work_date=today, minutes=600)
    figures = overview(owner, org)
    minutes = {c.pk: 15 * (n % 6 + 1) * (2 if n == 3 else 1) for n, c in enumerate(clients)}
    expected = sorted(minutes.items(), key=lambda pair: (-pair[1], pair[0]))[:10]
    assert [(c.pk, m) for c, m in figures.unbilled] == expected
    assert figures.unbilled_count == 12
