"""The time-entry list pages by cursor (keyset): every entry once, a deep page as cheap as the first, a capped count,
and on PostgreSQL a plan that walks the newest-first index instead of sorting every visible entry."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vadesk.api import time_entries as api_module
from vadesk.lib.tests.planner import sqlite_statistics
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.scoping import time_entries_for


def seed(engagement, person, count: int, *, days: int = 30) -> None:
    today = timezone.localdate()
    TimeEntry.objects.bulk_create(
        [
            TimeEntry(
                engagement=engagement,
                person=person,
                work_date=today - timedelta(days=n % days),
                worked_minutes=n + 1,
                billed_minutes=n + 1,
            )
            for n in range(count)
        ],
        batch_size=2000,
    )


def test_the_cursor_walks_every_entry_once_newest_first(api_as, assistant, bundle, other_client, outsider):
    seed(bundle, assistant, 57, days=4)  # many on one day: the id breaks the tie
    from vadesk.engagements.models import Engagement

    hidden = Engagement.objects.create(client=other_client, name="X", kind="hourly", starts_on=bundle.starts_on)
    seed(hidden, outsider, 5)
    api = api_as(assistant)

    seen, cursor, pages = [], None, 0
    while True:
        body = api.get("/time-entries", {"limit": 10, **({"cursor": cursor} if cursor else {})}).json()
        seen += [(e["work_date"], e["id"]) for e in body["items"]]
        pages, cursor = pages + 1, body["next_cursor"]
        assert body["count"] == 57 and body["count_capped"] is False
        if cursor is None:
            break

    assert pages == 6
    assert len(seen) == len(set(seen)) == 57
    assert seen == sorted(seen, reverse=True)  # work date, then id, both descending
    expected = TimeEntry.objects.filter(engagement=bundle).order_by("-work_date", "-id")
    assert [pk for _day, pk in seen] == list(expected.values_list("pk", flat=True))


def test_a_deep_page_costs_the_queries_of_the_first(api_as, owner, bundle, assistant):
    seed(bundle, assistant, 300)
    api = api_as(owner)
    deep_entry = TimeEntry.objects.order_by("-work_date", "-id")[250]
    deep = api_module.encode_cursor(deep_entry.work_date, deep_entry.pk)

    def queries(params):
        with CaptureQueriesContext(connection) as captured:
            response = api.get("/time-entries", params)
        assert response.status_code == 200
        return len(captured), response.json()

    first_count, _ = queries({"limit": 20})
    deep_count, body = queries({"limit": 20, "cursor": deep})

    assert deep_count == first_count
    assert body["items"][0]["id"] == TimeEntry.objects.order_by("-work_date", "-id")[251].pk


def test_the_count_stops_at_its_cap(api_as, owner, bundle, assistant, monkeypatch):
    monkeypatch.setattr(api_module, "COUNT_CAP", 25)
    seed(bundle, assistant, 40)

    body = api_as(owner).get("/time-entries", {"limit": 5}).json()

    assert (body["count"], body["count_capped"]) == (25, True)


@pytest.mark.parametrize("cursor", ["nonsense", "MjAyNi0xMy0wMS4x", "x" * 40])
def test_a_cursor_the_api_did_not_give_is_refused_clearly(api_as, owner, cursor):
    response = api_as(owner).get("/time-entries", {"cursor": cursor})

    assert response.status_code in (400, 422)
    assert "cursor" in response.content.decode()


def test_a_cursor_longer_than_any_the_api_gives_is_refused(api_as, owner):
    assert api_as(owner).get("/time-entries", {"cursor": "x" * 200}).status_code == 422


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_owners_list_walks_the_newest_first_index(owner, bundle, assistant):
    seed(bundle, assistant, 30_000, days=700)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE timesheets_timeentry")
    page = time_entries_for(owner).order_by("-work_date", "-id")[:50]
    sql, params = page.query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "timeentry_newest_first" in plan, plan
    assert "Sort" not in plan.split("timeentry_newest_first")[0], plan  # no sort of every entry above the scan


# The statistics ANALYZE writes for the agency bench (1,000 clients, 1,200 engagements, 1,000,000 entries), by the
# columns of each index: "rows, then rows per distinct prefix".
AGENCY_STATS = {
    ("timesheets_timeentry", ("work_date", "id")): "1000000 1370 1",
    ("timesheets_timeentry", ("engagement_id", "work_date")): "1000000 833 2",
    ("timesheets_timeentry", ("engagement_id",)): "1000000 833",
    ("timesheets_timeentry", ("person_id", "work_date")): "1000000 100000 137",
    ("timesheets_timeentry", ("person_id",)): "1000000 100000",
    ("timesheets_timeentry", ("task_id",)): "1000000 10",
    ("engagements_engagement", ("client_id",)): "1200 2",
    ("clients_client", ("organisation_id",)): "1000 1000",
}


@pytest.fixture
def agency_statistics(db):
    with sqlite_statistics(AGENCY_STATS):
        yield


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the plan is SQLite's")
def test_on_sqlite_the_owners_list_walks_the_newest_first_index_at_agency_scale(owner, agency_statistics):
    page = time_entries_for(owner).order_by("-work_date", "-id")[:51]
    sql, params = page.query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())

    assert "SCAN timesheets_timeentry USING INDEX timeentry_newest_first" in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # not every entry of a thousand engagements read and sorted
