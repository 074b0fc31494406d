"""The draft page edits note, language, buyer reference and delivery period; a client's billing settings apply to its drafts."""

from datetime import date

import pytest
from django.urls import reverse

from vadesk.conftest import login
from vadesk.einvoice.tests.official import errors
from vadesk.invoicing.einvoices import einvoice_bytes
from vadesk.invoicing.models import ClientBilling, Invoice
from vadesk.invoicing.services import invoice_draft_create, invoice_finalise, invoice_line_save
from vadesk.invoicing.tests.conftest import PERIOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(seller, assistant, billable_acme):
    from decimal import Decimal

    draft = invoice_draft_create(
        by=assistant, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False
    )
    invoice_line_save(
        by=assistant, invoice=draft, description="Reiskosten", quantity=Decimal(1), unit="C62", unit_price=Decimal("40")
    )
    return draft


def test_the_draft_page_edits_note_language_reference_and_period(client, draft, assistant, owner):
    login(client, assistant)
    client.post(
        reverse("invoicing:edit", args=[draft.pk]),
        {
            "note": "Bedankt voor de samenwerking.",
            "language": "de",
            "buyer_reference": "PO-99",
            "period_start": "2026-10-05",
            "period_end": "2026-10-20",
        },
    )
    draft.refresh_from_db()
    assert (draft.note, draft.language, draft.buyer_reference, draft.period_start, draft.period_end) == (
        "Bedankt voor de samenwerking.",
        "de",
        "PO-99",
        date(2026, 10, 5),
        date(2026, 10, 20),
    )
    final = invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))
    ubl, _name, _type = einvoice_bytes(final, "ubl")
    assert (
        b"<cbc:BuyerReference>PO-99</cbc:BuyerReference>" in ubl
        and b"<cbc:StartDate>2026-10-05</cbc:StartDate>" in ubl
        and errors(ubl) == []
    )
    assert b"Zahlen Sie" in ubl or b"Bitte" in ubl  # payment terms in the invoice's language


def test_a_period_ending_before_it_starts_is_refused_and_nothing_changes(client, draft, assistant):
    login(client, assistant)
    response = client.post(
        reverse("invoicing:edit", args=[draft.pk]),
        {"note": "x", "language": "nl", "period_start": "2026-10-20", "period_end": "2026-10-05"},
        follow=True,
    )
    assert "ends before it starts" in response.content.decode()
    draft.refresh_from_db()
    assert draft.note == "" and draft.period_start == PERIOD[0]


def test_a_final_invoice_is_not_edited(client, draft, owner):
    invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))
    login(client, owner)
    response = client.post(
        reverse("invoicing:edit", args=[draft.pk]),
        {"note": "later", "language": "nl", "period_start": "2026-10-01", "period_end": "2026-10-31"},
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.note == "" and "credit note" in response.content.decode()


def test_billing_settings_apply_to_the_next_draft(client, seller, assistant, owner, billable_acme):
    login(client, assistant)
    response = client.post(
        reverse("invoicing:client_billing", args=[billable_acme.pk]),
        {
            "buyer_reference": "04011000-1234512345-06",
            "invoice_email": "crediteuren@acme.example",
            "grouping": "summary",
            "einvoice_format": "xrechnung-ubl",
            "payment_days": "30",
        },
    )
    assert response.status_code == 302
    billing = ClientBilling.objects.get(client=billable_acme)
    assert (billing.grouping, billing.einvoice_format, billing.payment_days) == ("summary", "xrechnung-ubl", 30)
    client.post(reverse("invoicing:draft_new"), {"client": billable_acme.pk, "month": "2026-10", "empty": "1"})
    draft = Invoice.objects.get()
    assert draft.buyer_reference == "04011000-1234512345-06" and draft.hours_specification
    from decimal import Decimal

    invoice_line_save(
        by=assistant, invoice=draft, description="Reiskosten", quantity=Decimal(1), unit="C62", unit_price=Decimal("40")
    )
    final = invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))
    assert final.due_date == date(2026, 12, 2) and final.buyer_snapshot["email"] == "crediteuren@acme.example"


def test_bad_billing_settings_get_a_message(client, seller, assistant, billable_acme):
    login(client, assistant)
    response = client.post(
        reverse("invoicing:client_billing", args=[billable_acme.pk]),
        {"grouping": "weekly", "einvoice_format": "pdf", "payment_days": "-3"},
    )
    assert response.status_code == 200 and response.content.decode().count("has-error") == 3
    assert not ClientBilling.objects.filter(client=billable_acme, payment_days__isnull=False).exists()
