"""The invoice lists: money in the reader's notation with the currency, credit notes negative, overdue marked."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from vadesk.invoicing.services import credit_note_create, invoice_draft_create, invoice_finalise, invoice_line_save
from vadesk.invoicing.tests.conftest import PERIOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(owner, seller, billable_acme):
    draft = invoice_draft_create(
        by=owner, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False
    )
    invoice_line_save(
        by=owner, invoice=draft, description="Support", quantity=Decimal("20"), unit="HUR", unit_price=Decimal("55")
    )
    invoice = invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))
    line = invoice.lines.get()
    note = credit_note_create(by=owner, invoice=invoice, quantities={line.pk: Decimal("2")})
    if not note.is_final:
        note = invoice_finalise(by=owner, invoice=note, issue_date=date(2026, 11, 3))
    return invoice, note


@time_machine.travel("2026-12-01 10:00 +01:00")
def test_the_staff_list_formats_money_shows_credit_notes_negative_and_marks_overdue(client, owner, issued):
    owner.language = "nl"
    owner.save(update_fields=["language"])
    client.force_login(owner)
    html = client.get("/invoices/").content.decode()
    assert "€\xa01.331,00" in html  # 20 h × 55 + 21 % VAT
    assert "€\xa0-133,10" in html or "-€\xa0133,10" in html or "€\xa0−133,10" in html
    assert 'data-testid="overdue-mark"' in html  # due 16 Nov, unpaid on 1 Dec
    assert "1331.00" not in html


@time_machine.travel("2026-11-05 10:00 +01:00")
def test_an_invoice_not_yet_due_is_open(client, owner, issued):
    client.force_login(owner)
    assert 'data-testid="overdue-mark"' not in client.get("/invoices/").content.decode()


@time_machine.travel("2026-12-01 10:00 +01:00")
def test_the_portal_shows_a_credit_note_as_money_back(client, acme_user, issued):
    client.force_login(acme_user)
    html = client.get("/portal/invoices/").content.decode()
    assert "1.331,00" in html and "133,10" in html
    assert "-133,10" in html or "−133,10" in html
    assert "Te laat" in html  # acme_user reads Dutch


def test_drafting_a_month_without_work_makes_no_empty_draft(client, owner, seller, billable_acme):
    from vadesk.invoicing.models import Invoice

    client.force_login(owner)
    response = client.post("/invoices/new/", {"client": billable_acme.pk, "month": "2026-11"}, follow=True)
    assert not Invoice.objects.exists()
    assert "nothing to invoice for Acme B.V." in response.content.decode()


def test_an_empty_draft_for_free_lines_is_made_when_asked(client, owner, seller, billable_acme):
    from vadesk.invoicing.models import Invoice

    client.force_login(owner)
    response = client.post("/invoices/new/", {"client": billable_acme.pk, "month": "2026-11", "empty": "1"})
    draft = Invoice.objects.get()
    assert response["Location"] == f"/invoices/{draft.pk}/" and not draft.lines.exists()


def test_drafting_a_month_with_work_proposes_its_lines(client, owner, seller, october_hours):
    from vadesk.invoicing.models import Invoice

    client.force_login(owner)
    client.post("/invoices/new/", {"client": october_hours[0].engagement.client_id, "month": "2026-10"})
    assert Invoice.objects.get().lines.exists()


def _final_invoices(seller, client, count: int, first: int = 0) -> None:
    from vadesk.invoicing.models import Invoice

    Invoice.objects.bulk_create(
        Invoice(
            organisation_id=seller.organisation_id,
            seller=seller,
            client=client,
            status=Invoice.Status.FINAL,
            number=f"P-{n:04d}",
            issue_date=date(2026, 1, 1) + timedelta(days=n % 300),
            due_date=date(2026, 1, 15) + timedelta(days=n % 300),
            period_start=PERIOD[0],
            period_end=PERIOD[1],
            gross_total=Decimal("100.00"),
        )
        for n in range(first, first + count)
    )


def _list_counting(client, path: str) -> tuple[int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries.captured_queries), response.content.decode()


def test_the_staff_list_shows_a_page_of_fifty_in_the_same_queries_however_many_there_are(client, owner, seller, acme):
    client.force_login(owner)
    _final_invoices(seller, acme, 3)
    few, _html = _list_counting(client, "/invoices/")
    _final_invoices(seller, acme, 297, first=3)
    many, html = _list_counting(client, "/invoices/")

    assert many == few, (few, many)
    assert html.count('href="/invoices/', html.index('data-testid="invoice-table"'), html.index("</table>")) == 50
    assert 'data-testid="invoice-pager"' in html and "1 / 6 · 300" in html
    last, last_html = _list_counting(client, "/invoices/?page=6&status=final")
    assert last == many
    table = last_html[last_html.index('data-testid="invoice-table"') : last_html.index("</table>")]
    assert table.count('href="/invoices/') == 50 and "P-0000" in table  # the oldest last
    assert 'href="?page=5&amp;status=final"' in last_html


def test_the_side_panels_list_a_bounded_number_of_clients_and_find_the_others(client, owner, seller, org, acme):
    from vadesk.clients.models import Client
    from vadesk.invoicing.views import CLIENTS_SHOWN

    Client.objects.bulk_create(Client(organisation=org, name=f"Client {n:03d}", country="NL") for n in range(60))
    client.force_login(owner)
    few_queries, _html = _list_counting(client, "/invoices/")
    Client.objects.bulk_create(Client(organisation=org, name=f"Later {n:03d}", country="NL") for n in range(200))
    queries, html = _list_counting(client, "/invoices/")

    assert queries == few_queries
    panel = html[html.index('data-testid="behalf-clients"') :].split("</ul>")[0]
    assert panel.count("<li>") == CLIENTS_SHOWN and "Acme B.V." in panel and "Later" not in panel
    choices = html[html.index('name="client"') :].split("</select>")[0]
    assert choices.count("<option value=") - choices.count('<option value=""') == CLIENTS_SHOWN
    assert 'data-testid="more-clients"' in html

    found = client.get("/invoices/", {"client_q": "later 19"}).content.decode()
    panel = found[found.index('data-testid="behalf-clients"') :].split("</ul>")[0]
    assert panel.count("<li>") == 10 and "Later 190" in panel and "Acme" not in panel
    assert 'data-testid="more-clients"' not in found
    # The draft form still takes any client in reach, not only those shown.
    response = client.post("/invoices/new/", {"client": Client.objects.get(name="Later 042").pk, "month": "2026-11"})
    assert response.status_code == 302


def test_the_client_search_shows_no_other_organisations_client(client, owner, seller, other_client):
    client.force_login(owner)
    html = client.get("/invoices/", {"client_q": other_client.name}).content.decode()
    panels = html[html.index('data-testid="client-finder"') :]
    assert panels.count(other_client.name) == 1  # the search box's own value, no client
    assert "No active client matches." in html


def test_a_drafts_lines_share_one_remove_form_that_removes_the_line_asked(client, owner, seller, billable_acme):
    from django.urls import reverse

    draft = invoice_draft_create(
        by=owner, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False
    )
    for n in range(3):
        invoice_line_save(
            by=owner, invoice=draft, description=f"Line {n}", quantity=Decimal("1"), unit="C62", unit_price=Decimal("5")
        )
    first, *others = list(draft.lines.order_by("id"))
    client.force_login(owner)
    html = client.get(f"/invoices/{draft.pk}/").content.decode()

    delete = reverse("invoicing:line_delete", args=[draft.pk, first.pk])
    assert f'form="line-delete" formaction="{delete}"' in html and 'id="line-delete"' in html
    assert f'href="{reverse("invoicing:line_edit", args=[draft.pk, first.pk])}"' in html
    assert html.count('name="csrfmiddlewaretoken"') < 3 + 10  # the page's own forms, not one per line
    client.post(delete)
    assert list(draft.lines.order_by("id")) == others
