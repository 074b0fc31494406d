from datetime import date
from decimal import Decimal

import pytest

from vadesk.api.tests.conftest import anonymous, api_as  # noqa: F401 - fixtures
from vadesk.invoicing.services import invoice_draft_create, invoice_finalise
from vadesk.invoicing.tests.conftest import PERIOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def final(seller, owner, assistant, october_hours, billable_acme):
    return invoice_finalise(
        by=owner,
        invoice=invoice_draft_create(by=assistant, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1]),
        issue_date=date(2026, 11, 2),
    )


def test_an_assistant_drafts_and_an_owner_finalises_through_the_api(
    api_as, assistant, owner, seller, october_hours, billable_acme
):
    created = api_as(assistant).post(
        "/invoices", {"client_id": billable_acme.pk, "period_start": "2026-10-01", "period_end": "2026-10-31"}
    )
    assert created.status_code == 201, created.content
    invoice_id = created.json()["id"]
    assert created.json()["lines"][0]["quantity"] == "4.0000"
    line = api_as(assistant).post(
        f"/invoices/{invoice_id}/lines",
        {"description": "Parking", "quantity": "1", "unit": "C62", "unit_price": "12.50"},
    )
    assert line.status_code == 201
    assert api_as(assistant).post(f"/invoices/{invoice_id}/finalise", {}).status_code == 403
    final = api_as(owner).post(f"/invoices/{invoice_id}/finalise", {"issue_date": "2026-11-02"})
    assert (
        final.status_code == 200 and final.json()["number"] == "2026-0001" and final.json()["gross_total"] == "281.33"
    )
    assert (
        api_as(owner)
        .post(f"/invoices/{invoice_id}/lines", {"description": "x", "quantity": "1", "unit_price": "1"})
        .status_code
        == 422
    )


def test_finalising_an_incomplete_invoice_answers_422_with_the_reasons(api_as, owner, seller, billable_acme, org):
    org.iban = ""
    org.save()
    draft = (
        api_as(owner)
        .post(
            "/invoices",
            {
                "client_id": billable_acme.pk,
                "period_start": "2026-10-01",
                "period_end": "2026-10-31",
                "from_work": False,
            },
        )
        .json()
    )
    response = api_as(owner).post(f"/invoices/{draft['id']}/finalise", {})
    assert response.status_code == 422
    assert any("IBAN" in m for m in response.json()["errors"]["__all__"]) and any(
        "nothing on this invoice" in m for m in response.json()["errors"]["__all__"]
    )


def test_downloads_and_a_credit_note(api_as, owner, final):
    assert api_as(owner).get(f"/invoices/{final.pk}/pdf").content.startswith(b"%PDF")
    assert b"CrossIndustryInvoice" in api_as(owner).get(f"/invoices/{final.pk}/einvoice/cii").content
    assert api_as(owner).get(f"/invoices/{final.pk}/einvoice/nonsense").status_code == 404
    line_id = final.lines.get().pk
    credit = api_as(owner).post(f"/invoices/{final.pk}/credit-note", {"quantities": {str(line_id): "1"}})
    assert (
        credit.status_code == 201
        and credit.json()["kind"] == "credit_note"
        and credit.json()["credit_of_id"] == final.pk
    )


def test_a_client_user_reads_only_their_own_final_invoices(api_as, acme_user, final, owner, billable_acme):
    draft = invoice_draft_create(
        by=owner, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False
    )
    listed = api_as(acme_user).get("/invoices").json()["items"]
    assert [i["id"] for i in listed] == [final.pk]
    assert api_as(acme_user).get(f"/invoices/{draft.pk}").status_code == 404
    assert api_as(acme_user).get(f"/invoices/{final.pk}/pdf").status_code == 200
    assert api_as(acme_user).post(f"/invoices/{final.pk}/credit-note", {}).status_code == 403
    assert (
        api_as(acme_user)
        .post("/invoices", {"client_id": billable_acme.pk, "period_start": "2026-10-01", "period_end": "2026-10-31"})
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/invoices/{id}"),
        ("get", "/invoices/{id}/pdf"),
        ("get", "/invoices/{id}/einvoice/ubl"),
        ("post", "/invoices/{id}/lines"),
        ("post", "/invoices/{id}/finalise"),
        ("post", "/invoices/{id}/credit-note"),
    ],
)
def test_outsiders_get_404_on_every_invoice_endpoint(api_as, final, outsider, colleague, method, path):
    for person in (outsider, colleague):
        api = api_as(person)
        body = {"description": "x", "quantity": "1", "unit_price": "1"} if path.endswith("lines") else {}
        response = api.get(path.format(id=final.pk)) if method == "get" else api.post(path.format(id=final.pk), body)
        assert response.status_code == 404, (person, path)
    assert api_as(outsider).get("/invoices").json()["items"] == []


def test_outsiders_cannot_draft_for_a_client_out_of_reach(api_as, outsider, colleague, billable_acme, seller):
    for person in (outsider, colleague):
        response = api_as(person).post(
            "/invoices", {"client_id": billable_acme.pk, "period_start": "2026-10-01", "period_end": "2026-10-31"}
        )
        assert response.status_code == 404
    assert Decimal("0") == Decimal(len(api_as(outsider).get("/invoices").json()["items"]))


def test_anonymous_is_refused(anonymous):
    assert anonymous.get("/invoices").status_code == 401
