"""The pages: drafting, finalising, downloads, the portal — and every one refuses those out of reach."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from vadesk.conftest import login
from vadesk.invoicing.models import Invoice
from vadesk.invoicing.services import invoice_draft_create, invoice_finalise, invoice_line_save
from vadesk.invoicing.tests.conftest import PERIOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def final(seller, owner, assistant, october_hours, billable_acme):
    return invoice_finalise(
        by=owner,
        invoice=invoice_draft_create(by=assistant, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1]),
        issue_date=date(2026, 11, 2),
    )


@pytest.fixture
def draft(seller, owner, billable_acme):
    draft = invoice_draft_create(
        by=owner, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False
    )
    invoice_line_save(
        by=owner, invoice=draft, description="Travel", quantity=Decimal(1), unit="C62", unit_price=Decimal("40")
    )
    return draft


def test_an_assistant_drafts_from_the_work_and_an_owner_finalises(
    client, seller, assistant, owner, october_hours, billable_acme
):
    login(client, assistant)
    response = client.post(reverse("invoicing:draft_new"), {"client": billable_acme.pk, "month": "2026-10"})
    invoice = Invoice.objects.get()
    assert response.url == reverse("invoicing:detail", args=[invoice.pk]) and invoice.lines.count() == 1
    assert client.post(reverse("invoicing:finalise", args=[invoice.pk])).status_code == 403
    login(client, owner)
    client.post(reverse("invoicing:finalise", args=[invoice.pk]))
    invoice.refresh_from_db()
    assert invoice.is_final and invoice.number.endswith("-0001")
    page = client.get(reverse("invoicing:detail", args=[invoice.pk]))
    assert invoice.number in page.content.decode()


def test_the_draft_page_names_what_blocks_finalising(client, owner, draft, org):
    org.iban = ""
    org.save()
    login(client, owner)
    body = client.get(reverse("invoicing:detail", args=[draft.pk])).content.decode()
    assert "no IBAN" in body and "disabled" in body
    client.post(reverse("invoicing:finalise", args=[draft.pk]))
    draft.refresh_from_db()
    assert not draft.is_final


def test_the_monthly_run_drafts_every_client_once(
    client, owner, seller, october_hours, django_capture_on_commit_callbacks
):
    login(client, owner)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):  # the run is a job, enqueued on commit
            response = client.post(reverse("invoicing:run"), {"month": "2026-10"})
        assert response.status_code == 302 and response.url.startswith("/jobs/runs/")
    assert Invoice.objects.count() == 1


def test_downloads_of_a_final_invoice(client, owner, final):
    login(client, owner)
    assert client.get(reverse("invoicing:pdf", args=[final.pk])).content.startswith(b"%PDF")
    for fmt in ("ubl", "cii", "xrechnung-ubl", "xrechnung-cii"):
        response = client.get(reverse("invoicing:einvoice", args=[final.pk, fmt]))
        assert response.status_code == 200 and final.number.encode() in response.content


@pytest.mark.parametrize(
    "name, args",
    [
        ("invoicing:detail", lambda i: [i.pk]),
        ("invoicing:pdf", lambda i: [i.pk]),
        ("invoicing:einvoice", lambda i: [i.pk, "ubl"]),
    ],
)
def test_outsiders_get_404_for_every_invoice_page(client, final, outsider, colleague, acme_user, name, args):
    for person in (outsider, colleague):
        login(client, person)
        assert client.get(reverse(name, args=args(final))).status_code == 404
    login(client, acme_user)
    assert client.get(reverse(name, args=args(final))).status_code in (302, 403)  # a client user is sent to the portal


@pytest.mark.parametrize(
    "name",
    ["invoicing:line_add", "invoicing:finalise", "invoicing:discard", "invoicing:credit", "invoicing:payment_add"],
)
def test_outsiders_cannot_post_to_an_invoice(client, draft, outsider, colleague, name):
    for person in (outsider, colleague):
        login(client, person)
        assert client.post(
            reverse(name, args=[draft.pk]),
            {
                "description": "x",
                "quantity": 1,
                "unit": "C62",
                "unit_price": 1,
                "rate_kind": "standard",
                "amount": 1,
                "paid_on": "2026-11-01",
            },
        ).status_code in (403, 404)
    draft.refresh_from_db()
    assert draft.lines.count() == 1 and Invoice.objects.count() == 1


def test_owner_only_pages_refuse_assistants(client, assistant, seller):
    login(client, assistant)
    for name in ("invoicing:bank", "invoicing:settings", "invoicing:export"):
        assert client.get(reverse(name)).status_code == 403


def test_the_list_shows_only_the_own_organisation(client, outsider, final):
    login(client, outsider)
    assert final.number not in client.get(reverse("invoicing:list")).content.decode()


def test_the_portal_shows_a_client_user_only_their_own_final_invoices(
    client, acme_user, final, draft, other_org, outsider
):
    from vadesk.accounts.models import Membership
    from vadesk.clients.models import Client
    from vadesk.conftest import make_person

    login(client, acme_user)
    body = client.get(reverse("invoicing:portal_list")).content.decode()
    assert final.number in body and f"#{draft.pk}" not in body
    assert client.get(reverse("invoicing:portal_download", args=[final.pk, "pdf"])).content.startswith(b"%PDF")
    assert client.get(reverse("invoicing:portal_download", args=[draft.pk, "pdf"])).status_code == 404
    neighbour = Client.objects.create(organisation=final.organisation, name="Globex", country="NL")
    neighbour_user = make_person("g@globex.example", "Gerda")
    Membership.objects.create(
        person=neighbour_user, organisation=final.organisation, role=Membership.Role.CLIENT, client=neighbour
    )
    login(client, neighbour_user)
    assert client.get(reverse("invoicing:portal_download", args=[final.pk, "pdf"])).status_code == 404
    assert final.number not in client.get(reverse("invoicing:portal_list")).content.decode()
