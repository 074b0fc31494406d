"""Engagements with their balance: read by the team and the client's users, written by owners only."""

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vadesk.engagements.balance import month_end, month_start
from vadesk.engagements.models import Engagement
from vadesk.timesheets.services import time_entry_log


def test_it_lists_a_clients_engagements_with_their_balances(api_as, assistant, bundle, retainer, other_client):
    today = timezone.localdate()
    time_entry_log(by=assistant, engagement=bundle, work_date=today, minutes=125)  # billed 135: 15-minute increments
    time_entry_log(by=assistant, engagement=retainer, work_date=today, minutes=61)  # billed 66: 6-minute increments

    response = api_as(assistant).get(f"/clients/{bundle.client_id}/engagements")

    assert response.status_code == 200
    by_name = {e["name"]: e for e in response.json()}
    assert set(by_name) == {"Strippenkaart 10 uur", "Retainer 20"}
    assert by_name["Strippenkaart 10 uur"]["balance"] == {
        "period_start": bundle.starts_on.isoformat(),
        "period_end": None,
        "allowance_minutes": 600,
        "rolled_over_minutes": 0,
        "used_minutes": 135,
        "remaining_minutes": 465,
        "excess_minutes": 0,
        "percent_used": 22,
        "level": "ok",
    }
    assert by_name["Retainer 20"]["balance"] == {
        "period_start": month_start(today).isoformat(),
        "period_end": month_end(today).isoformat(),
        "allowance_minutes": 1200,
        "rolled_over_minutes": 0,
        "used_minutes": 66,
        "remaining_minutes": 1134,
        "excess_minutes": 0,
        "percent_used": 5,
        "level": "ok",
    }
    assert by_name["Strippenkaart 10 uur"]["bundle_price"] == "550.00"
    assert by_name["Retainer 20"]["excess_rate"] == "55.00"


def test_the_list_reads_balances_in_a_fixed_number_of_queries(api_as, owner, acme):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"/clients/{acme.pk}/engagements").status_code == 200
        return len(queries)

    api = api_as(owner)
    start = timezone.localdate() - timedelta(days=1)
    Engagement.objects.create(client=acme, name="E0", kind="hourly", starts_on=start, hourly_rate=Decimal("50"))
    few = count_queries()
    for i in range(1, 8):
        Engagement.objects.create(client=acme, name=f"E{i}", kind="hourly", starts_on=start, hourly_rate=Decimal("50"))
    assert count_queries() == few


def test_a_retainer_balance_for_an_earlier_month(api_as, owner, assistant, retainer):
    last_month = month_start(timezone.localdate()) - timedelta(days=1)
    for _ in range(2):  # 25 hours in a 20-hour month
        time_entry_log(by=assistant, engagement=retainer, work_date=last_month, minutes=750)

    response = api_as(owner).get(f"/engagements/{retainer.pk}", {"on": last_month.isoformat()})

    assert response.status_code == 200
    balance = response.json()["balance"]
    assert (
        balance["period_start"],
        balance["used_minutes"],
        balance["excess_minutes"],
        balance["remaining_minutes"],
    ) == (
        month_start(last_month).isoformat(),
        1500,
        300,
        0,
    )
    assert (balance["percent_used"], balance["level"]) == (125, "exhausted")
    assert api_as(owner).get(f"/engagements/{retainer.pk}").json()["balance"]["used_minutes"] == 0


def test_hourly_work_has_no_allowance(api_as, owner, acme):
    hourly = Engagement.objects.create(
        client=acme, name="Ad hoc", kind="hourly", starts_on=timezone.localdate(), hourly_rate=Decimal("62.50")
    )
    body = api_as(owner).get(f"/engagements/{hourly.pk}").json()
    assert body["hourly_rate"] == "62.50"
    assert (
        body["balance"]["allowance_minutes"],
        body["balance"]["remaining_minutes"],
        body["balance"]["percent_used"],
    ) == (None, None, None)


def test_a_client_user_sees_their_engagements_and_balances(api_as, acme_user, bundle):
    response = api_as(acme_user).get(f"/clients/{bundle.client_id}/engagements")
    assert [e["balance"]["allowance_minutes"] for e in response.json()] == [600]
    assert api_as(acme_user).get(f"/engagements/{bundle.pk}").status_code == 200


def test_an_owner_creates_an_engagement(api_as, owner, acme):
    response = api_as(owner).post(
        f"/clients/{acme.pk}/engagements",
        {
            "name": "Strippenkaart 20",
            "kind": "bundle",
            "starts_on": "2026-01-01",
            "bundle_hours": "20",
            "bundle_price": 1000.5,
            "billing_increment_minutes": 6,
        },
    )
    assert response.status_code == 201, response.content
    engagement = Engagement.objects.get(name="Strippenkaart 20")
    assert (engagement.client, engagement.bundle_hours, engagement.bundle_price) == (
        acme,
        Decimal("20"),
        Decimal("1000.5"),
    )
    assert response.json()["balance"]["allowance_minutes"] == 1200


def test_an_assistant_may_not_create_an_engagement(api_as, assistant, acme):
    response = api_as(assistant).post(
        f"/clients/{acme.pk}/engagements",
        {"name": "Cheap", "kind": "hourly", "starts_on": "2026-01-01", "hourly_rate": "1"},
    )
    assert response.status_code == 403
    assert not Engagement.objects.exists()


def test_a_client_user_may_not_create_or_change_an_engagement(api_as, acme_user, acme, bundle):
    api = api_as(acme_user)
    assert (
        api.post(
            f"/clients/{acme.pk}/engagements",
            {"name": "Free", "kind": "hourly", "starts_on": "2026-01-01", "hourly_rate": "0"},
        ).status_code
        == 403
    )
    assert api.patch(f"/engagements/{bundle.pk}", {"bundle_hours": "100"}).status_code == 403
    bundle.refresh_from_db()
    assert bundle.bundle_hours == Decimal("10")
    assert Engagement.objects.count() == 1


def test_it_validates_the_terms_of_the_kind_with_field_errors_and_writes_nothing(api_as, owner, acme):
    response = api_as(owner).post(
        f"/clients/{acme.pk}/engagements",
        {
            "name": "Retainer",
            "kind": "retainer",
            "starts_on": "2026-02-01",
            "ends_on": "2026-01-01",
            "monthly_hours": "10",
            "rollover_policy": "capped",
            "billing_increment_minutes": 7,
        },
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {
        "monthly_price",
        "excess_rate",
        "rollover_cap_hours",
        "ends_on",
        "billing_increment_minutes",
    }
    assert response.json()["errors"]["ends_on"] == ["The end date lies before the start date."]
    assert not Engagement.objects.exists()


def test_it_refuses_money_that_does_not_fit_the_column(api_as, owner, acme):
    response = api_as(owner).post(
        f"/clients/{acme.pk}/engagements",
        {
            "name": "Pricey",
            "kind": "hourly",
            "starts_on": "2026-01-01",
            "hourly_rate": "12.345",
        },
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["hourly_rate"]
    assert not Engagement.objects.exists()


def test_validation_messages_follow_accept_language(api_as, owner, acme):
    response = api_as(owner, language="nl").post(
        f"/clients/{acme.pk}/engagements", {"name": "", "kind": "hourly", "starts_on": "2026-01-01", "hourly_rate": "5"}
    )
    assert response.status_code == 422
    assert response.json()["errors"]["name"] == ["Dit veld kan niet leeg zijn"]
    response = api_as(owner, language="de").post(
        f"/clients/{acme.pk}/engagements", {"name": "", "kind": "hourly", "starts_on": "2026-01-01", "hourly_rate": "5"}
    )
    assert response.json()["errors"]["name"] == ["Dieses Feld darf nicht leer sein."]


def test_an_owner_updates_an_engagement_and_it_is_validated_as_a_whole(api_as, owner, bundle):
    api = api_as(owner)
    response = api.patch(f"/engagements/{bundle.pk}", {"bundle_hours": "20", "name": "Strippenkaart 20 uur"})
    assert response.status_code == 200
    assert response.json()["balance"]["allowance_minutes"] == 1200
    response = api.patch(f"/engagements/{bundle.pk}", {"bundle_price": None, "name": "Broken"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"bundle_price": ["Required for this kind of engagement."]}
    bundle.refresh_from_db()
    assert (bundle.name, bundle.bundle_hours, bundle.bundle_price) == (
        "Strippenkaart 20 uur",
        Decimal("20.00"),
        Decimal("550.00"),
    )


def test_an_assistant_may_not_change_an_engagement(api_as, assistant, bundle):
    response = api_as(assistant).patch(f"/engagements/{bundle.pk}", {"bundle_hours": "100"})
    assert response.status_code == 403
    bundle.refresh_from_db()
    assert bundle.bundle_hours == Decimal("10")
