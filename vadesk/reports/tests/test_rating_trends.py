"""Issue 11.5: owners see the rating trend per client and per assistant on their dashboard."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vadesk.accounts.models import Membership
from vadesk.clients.models import Assignment, Client
from vadesk.conftest import login, make_person
from vadesk.reports.models import MonthlyReport, Rating
from vadesk.reports.ratings import rating_trends
from vadesk.tasks.models import Task

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 15)


def rate(client, by, score, at, *, task=None, report=None):
    rating = Rating.objects.create(client=client, by=by, score=score, task=task, report=report)
    Rating.objects.filter(pk=rating.pk).update(created_at=at)


@pytest.fixture
def rated(acme, acme_user, assistant, colleague, other_client, other_org, task):
    Assignment.objects.filter(client=acme, person=assistant).update(role=Assignment.Role.LEAD)
    second = Task.objects.create(client=acme, title="Inbox", category="email", status="done")
    second.assignees.set([assistant, colleague])
    partner = make_person("partner@acme.example", "Pia Acme")
    Membership.objects.create(person=partner, organisation=acme.organisation, role="client", client=acme)
    october = MonthlyReport.objects.create(
        client=acme, month=date(2026, 10, 1), built_at=datetime(2026, 11, 2, tzinfo=UTC)
    )
    rate(acme, acme_user, 4, datetime(2026, 11, 3, 9, tzinfo=UTC), report=october)  # October's report, in November
    rate(acme, acme_user, 1, datetime(2026, 11, 10, 9, tzinfo=UTC), task=second)
    # 23:30 UTC on 31 October is 00:30 on 1 November in Amsterdam: a November rating.
    rate(acme, partner, 3, datetime(2026, 10, 31, 23, 30, tzinfo=UTC), task=second)
    rate(acme, acme_user, 4, datetime(2026, 12, 1, 9, tzinfo=UTC), task=task)
    rate(acme, partner, 5, datetime(2026, 6, 20, 9, tzinfo=UTC), task=task)  # before the six months shown
    stranger = make_person("boss@geheim.example", "Geheim Boss")
    Membership.objects.create(person=stranger, organisation=other_org, role="client", client=other_client)
    foreign = Task.objects.create(client=other_client, title="Fremd", status="done")
    rate(other_client, stranger, 1, datetime(2026, 12, 2, 9, tzinfo=UTC), task=foreign)
    return second


def trends(org):
    return rating_trends(Client.objects.filter(organisation=org), time_zone=org.time_zone, today=TODAY)


def test_the_trend_per_client_counts_months_in_the_organisations_time_zone(org, acme, rated):
    found = trends(org)
    assert found.months == [date(2026, m, 1) for m in range(7, 13)]
    (row,) = found.clients  # the other organisation's client is not among them
    assert (row.name, row.count, row.average, row.low) == ("Acme B.V.", 4, 3.0, 1)
    # November: 4 (the report), 1 and 3 (00:30 on 1 November in Amsterdam); December: 4.
    assert row.months == [(None, 0), (None, 0), (None, 0), (None, 0), (2.7, 3), (4.0, 1)]


def test_the_trend_per_assistant_counts_tasks_for_assignees_and_reports_for_the_lead(org, rated, assistant, colleague):
    rows = {row.name: row for row in trends(org).assistants}
    assert set(rows) == {assistant.full_name, colleague.full_name}
    lead, other = rows[assistant.full_name], rows[colleague.full_name]
    assert (lead.count, lead.average, lead.low) == (4, 3.0, 1)  # both task ratings and the report's
    assert (other.count, other.average, other.low) == (2, 2.0, 1)  # only the task both of them were on
    assert trends(org).assistants[0] == other  # the lowest average first


def test_it_reads_the_same_number_of_queries_for_many_ratings(org, acme, acme_user, rated):
    with CaptureQueriesContext(connection) as few:
        trends(org)
    for n in range(20):
        extra = Task.objects.create(client=acme, title=f"Job {n}", status="done")
        rate(acme, acme_user, 1 + n % 5, datetime(2026, 9, 1 + n, 9, tzinfo=UTC), task=extra)
    with CaptureQueriesContext(connection) as many:
        trends(org)
    assert len(many) == len(few) <= 5


def test_the_owners_dashboard_shows_both_tables(client, owner, rated, assistant):
    login(client, owner)
    with time_machine.travel(datetime(2026, 12, 15, 12, tzinfo=UTC)):
        page = client.get(reverse("dashboard")).content.decode()
    clients = page.split('data-testid="ratings-clients"')[1].split("</table>")[0]
    assert "Acme B.V." in clients and "Geheim" not in clients and "2.7" in clients and "3.0" in clients
    assistants = page.split('data-testid="ratings-assistants"')[1].split("</table>")[0]
    assert assistant.full_name in assistants and "2.0" in assistants
