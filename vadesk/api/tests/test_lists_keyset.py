"""The API's lists of clients, invoices, follow-ups and the outbox page by cursor (keyset): every row once in the
list's order across page boundaries (ties on the leading column broken by id), a deep page in the queries of the
first, a capped count, bad cursors refused, and on PostgreSQL an index walk instead of a sort of every row."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import F, QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vadesk.api import paging
from vadesk.clients.models import Client
from vadesk.comms.models import FollowUp, OutboxMessage
from vadesk.invoicing.models import Invoice
from vadesk.invoicing.services import seller_profile_of

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Listed:
    path: str
    # The list's order as the database sorts it, the oracle the walk is compared with.
    expected: Any


def seed_clients(org, count: int) -> None:
    # Names repeat, so that the id breaks ties across page boundaries.
    Client.objects.bulk_create(Client(organisation=org, name=f"Client {n % (count // 3):04d}") for n in range(count))


def seed_invoices(org, acme, count: int) -> None:
    seller = seller_profile_of(org)
    Invoice.objects.bulk_create(
        Invoice(
            organisation=org,
            seller=seller,
            client=acme,
            status=Invoice.Status.FINAL if n % 5 else Invoice.Status.DRAFT,
            number=f"T-{n:05d}" if n % 5 else "",
            issue_date=date(2026, 1, 1) + timedelta(days=n % 40) if n % 5 else None,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 1, 31),
            gross_total=Decimal("10.00"),
        )
        for n in range(count)
    )


def seed_follow_ups(acme, count: int) -> None:
    soon = timezone.now().replace(microsecond=0)
    FollowUp.objects.bulk_create(
        FollowUp(client=acme, text=f"Ask {n}", due_at=soon + timedelta(hours=n % (count // 4))) for n in range(count)
    )


def seed_outbox(org, acme, count: int) -> None:
    rows = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            organisation=org,
            client=acme,
            kind="phone",
            recipient="a@acme.example",
            message_id=f"<{n}@test>",
            not_before=timezone.now(),
        )
        for n in range(count)
    )
    start = timezone.now()
    for n, row in enumerate(rows):  # created in fewer distinct moments than rows: ties on created_at
        OutboxMessage.objects.filter(pk=row.pk).update(created_at=start - timedelta(seconds=n % (count // 3)))


def invoices_in_order(org) -> list[int]:
    ordered = Invoice.objects.filter(organisation=org).order_by(F("issue_date").desc(nulls_last=True), "-id")
    return list(ordered.values_list("pk", flat=True))


LISTS = {
    "clients": Listed("/clients", lambda org: Client.objects.filter(organisation=org).order_by("name", "id")),
    "invoices": Listed("/invoices", invoices_in_order),
    "follow-ups": Listed("/follow-ups", lambda org: FollowUp.objects.order_by("due_at", "id")),
    "outbox": Listed("/outbox", lambda org: OutboxMessage.objects.order_by("-created_at", "-id")),
}


@pytest.fixture
def seeded(org, acme):
    def seed(name: str, count: int) -> None:
        {
            "clients": lambda: seed_clients(org, count),
            "invoices": lambda: seed_invoices(org, acme, count),
            "follow-ups": lambda: seed_follow_ups(acme, count),
            "outbox": lambda: seed_outbox(org, acme, count),
        }[name]()

    return seed


def expected_ids(name: str, org) -> list[int]:
    expected = LISTS[name].expected(org)
    return list(expected.values_list("pk", flat=True)) if isinstance(expected, QuerySet) else expected


def walk(api, path: str, limit: int) -> tuple[list[int], int]:
    seen, cursor, pages = [], None, 0
    while True:
        response = api.get(path, {"limit": limit, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [item["id"] for item in body["items"]]
        pages, cursor = pages + 1, body["next_cursor"]
        if cursor is None:
            return seen, pages


@pytest.mark.parametrize("name", sorted(LISTS))
def test_the_cursor_walks_every_row_once_in_the_lists_order(name, seeded, api_as, owner, org):
    seeded(name, 57)

    seen, pages = walk(api_as(owner), LISTS[name].path, 10)

    assert seen == expected_ids(name, org)
    assert len(set(seen)) == len(seen) == (58 if name == "clients" else 57)  # clients: Acme too
    assert pages == 6


def test_the_invoice_walk_crosses_from_the_issued_to_the_drafts_in_one_page(seeded, api_as, owner, org, acme):
    seeded("invoices", 10)  # 8 issued, 2 drafts

    first = api_as(owner).get("/invoices", {"limit": 6}).json()
    second = api_as(owner).get("/invoices", {"limit": 6, "cursor": first["next_cursor"]}).json()

    assert [i["id"] for i in first["items"] + second["items"]] == invoices_in_order(org)
    assert [i["status"] for i in second["items"]] == ["final", "final", "draft", "draft"]
    assert second["next_cursor"] is None


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_deep_page_costs_the_queries_of_the_first(name, seeded, api_as, owner, org):
    seeded(name, 300)
    api = api_as(owner)
    api.get(LISTS[name].path)  # warm-up: the token's first use writes its last_used_at

    def queries(params: dict) -> tuple[int, dict]:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(LISTS[name].path, params)
        assert response.status_code == 200
        return len(captured), response.json()

    first_count, first = queries({"limit": 20})
    cursor = first["next_cursor"]
    for _ in range(10):  # 200 rows down
        cursor = api.get(LISTS[name].path, {"limit": 20, "cursor": cursor}).json()["next_cursor"]
    deep_count, deep = queries({"limit": 20, "cursor": cursor})

    assert deep_count == first_count
    assert [i["id"] for i in deep["items"]] == expected_ids(name, org)[220:240]


@pytest.mark.parametrize("name", sorted(LISTS))
def test_the_count_stops_at_its_cap(name, seeded, api_as, owner, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 25)
    seeded(name, 40)

    body = api_as(owner).get(LISTS[name].path, {"limit": 5}).json()

    assert (body["count"], body["count_capped"], len(body["items"])) == (25, True, 5)


@pytest.mark.parametrize("name", sorted(LISTS))
@pytest.mark.parametrize(
    "cursor",
    [
        "nonsense",
        paging.encode_cursor("x", 0),  # no such id
        "W251bGwsIjEiXQ",  # [null, "1"]: an id that is not a number
        "W10",  # an empty list
        paging.encode_cursor(12, 1),  # a leading value of the wrong kind for every list
    ],
)
def test_a_cursor_the_list_did_not_give_is_refused_clearly(name, cursor, api_as, owner):
    response = api_as(owner).get(LISTS[name].path, {"cursor": cursor})

    assert response.status_code == 422, (name, cursor, response.content)  # the API's answer to bad input
    assert "cursor" in response.content.decode()


def test_a_cursor_longer_than_any_the_list_gives_is_refused(api_as, owner):
    for path in ("/clients", "/invoices", "/follow-ups", "/outbox"):
        assert api_as(owner).get(path, {"cursor": "x" * 3000}).status_code == 422, path


def test_a_cursor_from_another_persons_page_shows_only_what_is_in_reach(seeded, api_as, owner, outsider, org):
    seeded("clients", 30)
    cursor = api_as(owner).get("/clients", {"limit": 5}).json()["next_cursor"]

    body = api_as(outsider).get("/clients", {"cursor": cursor}).json()

    assert [c["name"] for c in body["items"]] == ["Geheim GmbH"]  # their own client after the position, no other
    assert body["count"] == 1


def _reach(owner, name: str) -> QuerySet:
    from vadesk.accounts.access import reach_of
    from vadesk.clients.scoping import clients_for
    from vadesk.comms import scoping
    from vadesk.invoicing.scoping import invoices_for

    organisation_id = next(iter(reach_of(owner).staff_of))
    return {
        "clients": lambda: clients_for(owner).filter(archived_at__isnull=True).order_by("name", "id"),
        "invoices": lambda: invoices_for(owner).filter(issue_date__isnull=False).order_by("-issue_date", "-id"),
        "follow-ups": lambda: scoping.follow_ups_of(owner).filter(done_at__isnull=True).order_by("due_at", "id"),
        "outbox": lambda: scoping.outbox_of(owner, organisation_id).order_by("-created_at", "-id"),
    }[name]()


INDEXES = {
    "clients": "client_by_name",
    "invoices": "invoice_newest_first",
    "follow-ups": "follow_up_due_first",
    "outbox": "outbox_newest_first",
}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_page_walks_the_lists_index_without_sorting(name, seeded, owner):
    model = _reach(owner, name).model
    seeded(name, 20_000)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {model._meta.db_table}")
    page = _reach(owner, name)[:51]
    sql, params = page.query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        # ANALYZE's row estimate outlives the test's rollback: measure the emptied table again, so that the plans
        # of the tests after this one are not made for 20,000 rows that are gone.
        model.objects.all().delete()
        cursor.execute(f"ANALYZE {model._meta.db_table}")

    assert INDEXES[name] in plan, plan
    assert "Sort" not in plan.split(INDEXES[name])[0], plan  # no sort of every row above the walk
