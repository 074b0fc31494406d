"""The REST API for invoicing on a client's behalf: same services and rules as the pages, 422 per field, 404 for outsiders."""

import pytest

from vadesk.accounts.models import Membership
from vadesk.api.tests.conftest import api_as  # noqa: F401 - fixture
from vadesk.clients.models import Client
from vadesk.conftest import make_person
from vadesk.invoicing.models import Buyer, Invoice, SellerProfile
from vadesk.invoicing.services import behalf_seller_save, buyer_save
from vadesk.invoicing.tests.test_behalf import behalf  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

SELLER = {
    "name": "Opleidingsinstituut Acme B.V.",
    "street": "Damrak 1",
    "postal_code": "1012 LG",
    "city": "Amsterdam",
    "country": "NL",
    "vat_id": "NL003660564B54",
    "coc_number": "33014286",
    "iban": "NL18RABO0123459876",
    "number_format": "ACME-{year}-{seq:03d}",
    "payment_days": 30,
    "contact_name": "Cees Acme",
    "email": "facturen@acme.example",
    "phone": "+31 20 555 0101",
}
BUYER = {
    "name": "Gemeente Utrecht",
    "street": "Stadsplateau 1",
    "postal_code": "3521 AZ",
    "city": "Utrecht",
    "country": "NL",
    "buyer_reference": "PO-4711",
    "endpoint_scheme": "0190",
    "endpoint_id": "00000001001299992000",
    "language": "nl",
    "email": "facturen@utrecht.example",
}
LINE = {"description": "Training Excel voor gevorderden", "quantity": "12", "unit": "C62", "unit_price": "395.00"}


def test_an_assistant_sets_up_the_seller_adds_a_buyer_drafts_and_an_owner_finalises(
    api_as, seller, assistant, owner, acme
):
    api = api_as(assistant)
    assert api.get(f"/clients/{acme.pk}/seller").status_code == 404  # not set up yet
    saved = api.patch(f"/clients/{acme.pk}/seller", SELLER)
    assert saved.status_code == 200, saved.content
    assert saved.json()["iban"] == "NL18RABO0123459876" and saved.json()["name"] == "Opleidingsinstituut Acme B.V."
    assert api.get(f"/clients/{acme.pk}/seller").json()["number_format"] == "ACME-{year}-{seq:03d}"

    buyer = api.post(f"/clients/{acme.pk}/buyers", BUYER)
    assert buyer.status_code == 201, buyer.content
    changed = api.patch(f"/clients/{acme.pk}/buyers/{buyer.json()['id']}", {"buyer_reference": "PO-4712"})
    assert (
        changed.status_code == 200
        and changed.json()["buyer_reference"] == "PO-4712"
        and changed.json()["city"] == "Utrecht"
    )
    assert [b["name"] for b in api.get(f"/clients/{acme.pk}/buyers").json()] == ["Gemeente Utrecht"]

    draft = api.post(
        f"/clients/{acme.pk}/behalf-invoices",
        {"buyer_id": buyer.json()["id"], "period_start": "2026-10-01", "period_end": "2026-10-31", "lines": [LINE]},
    )
    assert draft.status_code == 201, draft.content
    invoice_id = draft.json()["id"]
    assert draft.json()["status"] == "draft" and [line["net_amount"] for line in draft.json()["lines"]] == ["4740.00"]

    assert api.post(f"/invoices/{invoice_id}/finalise", {}).status_code == 403  # only owners finalise
    final = api_as(owner).post(f"/invoices/{invoice_id}/finalise", {"issue_date": "2026-11-02"})
    assert final.status_code == 200, final.content
    assert final.json()["number"] == "ACME-2026-001" and final.json()["gross_total"] == "5735.40"
    invoice = Invoice.objects.get(pk=invoice_id)
    assert (
        invoice.on_behalf
        and invoice.seller_snapshot["name"] == "Opleidingsinstituut Acme B.V."
        and invoice.buyer_snapshot["name"] == "Gemeente Utrecht"
    )
    assert api_as(owner).get(f"/invoices/{invoice_id}/pdf").content.startswith(b"%PDF")


def test_setting_up_a_seller_without_the_required_data_answers_422_per_field_and_writes_nothing(
    api_as, seller, assistant, acme
):
    response = api_as(assistant).patch(f"/clients/{acme.pk}/seller", {"name": "Acme", "iban": "NL00BANK0000000000"})
    assert response.status_code == 422
    assert {"street", "postal_code", "city", "email", "phone"} <= set(response.json()["errors"])
    assert not SellerProfile.objects.filter(on_behalf_of=acme).exists()
    invalid = api_as(assistant).patch(
        f"/clients/{acme.pk}/seller", {**SELLER, "iban": "NL00BANK0000000000", "vat_id": "NL123"}
    )
    assert invalid.status_code == 422 and {"iban", "vat_id"} <= set(invalid.json()["errors"])
    assert not SellerProfile.objects.filter(on_behalf_of=acme).exists()
    acme.refresh_from_db()
    assert acme.name != "Acme" and acme.street == ""


def test_bad_buyers_and_drafts_answer_422_with_field_errors(api_as, behalf, assistant, acme):
    api = api_as(assistant)
    missing = api.post(f"/clients/{acme.pk}/buyers", {"name": "X"})
    assert missing.status_code == 422 and {"street", "postal_code", "city"} <= set(missing.json()["errors"])
    bad_vat = api.post(f"/clients/{acme.pk}/buyers", {**BUYER, "vat_id": "DE000"})
    assert bad_vat.status_code == 422 and "vat_id" in bad_vat.json()["errors"]
    assert behalf.buyers.count() == 2
    buyer = behalf.buyers.first()
    backwards = api.post(
        f"/clients/{acme.pk}/behalf-invoices",
        {"buyer_id": buyer.pk, "period_start": "2026-10-31", "period_end": "2026-10-01"},
    )
    assert backwards.status_code == 422 and "period_end" in backwards.json()["errors"]
    # One bad line: no draft at all, not a draft with half its lines.
    half = api.post(
        f"/clients/{acme.pk}/behalf-invoices",
        {
            "buyer_id": buyer.pk,
            "period_start": "2026-10-01",
            "period_end": "2026-10-31",
            "lines": [LINE, {**LINE, "unit_price": "-1"}],
        },
    )
    assert (
        half.status_code == 422 and "lines" in half.json()["errors"] and "unit_price" in half.json()["detail"][0]["loc"]
    )
    # The service refuses the second line (blank description) after the draft and first line were written: all rolled back.
    blank = api.post(
        f"/clients/{acme.pk}/behalf-invoices",
        {
            "buyer_id": buyer.pk,
            "period_start": "2026-10-01",
            "period_end": "2026-10-31",
            "lines": [LINE, {**LINE, "description": "   "}],
        },
    )
    assert blank.status_code == 422 and "description" in blank.json()["errors"]
    assert not Invoice.objects.exists()


def _calls(acme_pk, buyer_pk):
    body = {"buyer_id": buyer_pk, "period_start": "2026-10-01", "period_end": "2026-10-31", "lines": [LINE]}
    return [
        ("get", f"/clients/{acme_pk}/seller", None),
        ("patch", f"/clients/{acme_pk}/seller", {"iban": "DE89370400440532013000"}),
        ("get", f"/clients/{acme_pk}/buyers", None),
        ("post", f"/clients/{acme_pk}/buyers", BUYER),
        ("patch", f"/clients/{acme_pk}/buyers/{buyer_pk}", {"name": "Hacked"}),
        ("post", f"/clients/{acme_pk}/behalf-invoices", body),
    ]


@pytest.fixture
def beta(org):
    return Client.objects.create(
        organisation=org, name="Beta B.V.", street="Weg 1", postal_code="1000 AA", city="Amsterdam"
    )


@pytest.mark.parametrize("who", ["outsider", "colleague", "beta_user", "acme_user"])
def test_outsiders_get_404_on_every_behalf_endpoint_and_nothing_is_written(
    api_as, behalf, acme, beta, org, who, request
):
    """Another organisation's owner, an unassigned colleague, another client's user, and even the client's own user
    (the portal shows its issued invoices; preparing them is staff work)."""
    if who == "beta_user":
        person = make_person("ceo@beta.example", "Bea Beta")
        Membership.objects.create(person=person, organisation=org, role=Membership.Role.CLIENT, client=beta)
    else:
        person = request.getfixturevalue(who)
    buyer = behalf.buyers.order_by("pk").first()
    before = (
        SellerProfile.objects.get(pk=behalf.pk).iban,
        list(Buyer.objects.values_list("name", flat=True).order_by("pk")),
    )
    for method, path, body in _calls(acme.pk, buyer.pk):
        api = api_as(person)
        response = api.get(path) if method == "get" else getattr(api, method)(path, body)
        assert response.status_code == 404, (who, method, path, response.content)
    assert (
        SellerProfile.objects.get(pk=behalf.pk).iban,
        list(Buyer.objects.values_list("name", flat=True).order_by("pk")),
    ) == before
    assert not Invoice.objects.exists()


def test_a_buyer_of_another_client_is_out_of_reach(api_as, behalf, acme, beta, owner):
    """An owner who serves both clients still cannot reach one client's buyer through the other client's path."""
    other = behalf_seller_save(
        by=owner,
        client=beta,
        client_fields={},
        profile_fields={"iban": "NL18RABO0123459876", "email": "a@b.example", "phone": "1"},
    )
    foreign = buyer_save(by=owner, seller=other, name="Foreign", street="S 1", postal_code="1", city="C", country="NL")
    api = api_as(owner)
    assert api.patch(f"/clients/{acme.pk}/buyers/{foreign.pk}", {"name": "Moved"}).status_code == 404
    assert (
        api.post(
            f"/clients/{acme.pk}/behalf-invoices",
            {"buyer_id": foreign.pk, "period_start": "2026-10-01", "period_end": "2026-10-31"},
        ).status_code
        == 404
    )
    foreign.refresh_from_db()
    assert foreign.name == "Foreign" and not Invoice.objects.exists()
