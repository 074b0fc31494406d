from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vadesk.invoicing.models import Invoice, NumberSequence
from vadesk.invoicing.services import credit_note_create, invoice_draft_create, invoice_finalise, invoice_line_save
from vadesk.invoicing.tests.conftest import PERIOD
from vadesk.timesheets.models import TimeEntry

pytestmark = pytest.mark.django_db


def test_it_drafts_hours_rounded_per_engagement_and_finalises_with_the_next_number(
    seller, owner, assistant, october_hours, billable_acme
):
    draft = invoice_draft_create(by=assistant, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1])
    [line] = draft.lines.all()
    assert line.quantity == Decimal("4.0000")  # 4 × 50 min, rounded up to 60 per entry by the 15-minute increment
    invoice = invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))
    assert invoice.number == "2026-0001"
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal("220.00"),
        Decimal("46.20"),
        Decimal("266.20"),
    )
    assert invoice.due_date == date(2026, 11, 16)
    assert invoice.buyer_snapshot["name"] == "Acme B.V." and invoice.seller_snapshot["vat_id"] == "NL123456782B01"
    assert set(TimeEntry.objects.values_list("invoice_reference", flat=True)) == {"2026-0001"}


def test_the_snapshot_does_not_follow_later_changes(seller, owner, assistant, october_hours, billable_acme):
    invoice = invoice_finalise(
        by=owner,
        invoice=invoice_draft_create(by=assistant, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1]),
    )
    billable_acme.name = "Acme Holding B.V."
    billable_acme.save()
    invoice.refresh_from_db()
    assert invoice.buyer_snapshot["name"] == "Acme B.V."


def test_an_assistant_cannot_finalise(seller, assistant, october_hours, billable_acme):
    draft = invoice_draft_create(by=assistant, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1])
    with pytest.raises(PermissionDenied):
        invoice_finalise(by=assistant, invoice=draft)


def test_an_outsider_cannot_draft_for_another_organisations_client(seller, outsider, colleague, billable_acme):
    for person in (outsider, colleague):
        with pytest.raises(PermissionDenied):
            invoice_draft_create(by=person, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1])


def test_a_final_invoice_cannot_be_edited(seller, owner, assistant, october_hours, billable_acme):
    invoice = invoice_finalise(
        by=owner,
        invoice=invoice_draft_create(by=assistant, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1]),
    )
    with pytest.raises(ValidationError, match="credit note"):
        invoice_line_save(
            by=owner, invoice=invoice, description="Extra", quantity=Decimal(1), unit="C62", unit_price=Decimal(10)
        )


@pytest.mark.parametrize(
    "breakage, message",
    [
        (lambda org, acme: setattr(org, "iban", ""), "no IBAN"),
        (lambda org, acme: setattr(org, "vat_id", ""), "no VAT id"),
        (lambda org, acme: setattr(org, "vat_id", "NL123456789B99"), "is not valid"),
        (lambda org, acme: (setattr(acme, "country", "DE"), setattr(acme, "vat_id", "")), "reverse charge needs"),
        (lambda org, acme: setattr(acme, "street", ""), "client's address"),
    ],
)
def test_it_refuses_an_incomplete_invoice_and_uses_no_number(
    seller, owner, assistant, october_hours, billable_acme, org, breakage, message
):
    breakage(org, billable_acme)
    org.save()
    billable_acme.save()
    draft = invoice_draft_create(by=assistant, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1])
    with pytest.raises(ValidationError, match=message):
        invoice_finalise(by=owner, invoice=draft)
    assert not NumberSequence.objects.filter(last__gt=0).exists()
    assert not TimeEntry.objects.filter(invoiced_at__isnull=False).exists()


def test_an_empty_period_and_a_negative_total_are_refused(seller, owner, billable_acme):
    draft = invoice_draft_create(by=owner, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1])
    with pytest.raises(ValidationError, match="nothing on this invoice"):
        invoice_finalise(by=owner, invoice=draft)
    with pytest.raises(ValidationError, match="cannot be negative"):
        invoice_line_save(
            by=owner, invoice=draft, description="Discount", quantity=Decimal(1), unit="C62", unit_price=Decimal("-10")
        )


def test_a_crash_after_taking_the_number_leaves_no_gap(
    seller, owner, assistant, october_hours, billable_acme, monkeypatch
):
    draft = invoice_draft_create(by=assistant, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1])

    def die(**kwargs):
        raise RuntimeError("process died")

    monkeypatch.setattr("vadesk.invoicing.services.finalising.time_entries_lock", die)
    with pytest.raises(RuntimeError):
        invoice_finalise(by=owner, invoice=draft)
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.number == ""
    assert not NumberSequence.objects.filter(last__gt=0).exists()  # the taken number rolled back with everything else
    assert not TimeEntry.objects.filter(invoiced_at__isnull=False).exists()
    monkeypatch.undo()
    assert invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2)).number == "2026-0001"


def test_a_credit_note_references_the_original_and_cannot_credit_more(
    seller, owner, assistant, october_hours, billable_acme
):
    invoice = invoice_finalise(
        by=owner,
        invoice=invoice_draft_create(by=assistant, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1]),
        issue_date=date(2026, 11, 2),
    )
    line = invoice.lines.get()
    partial = invoice_finalise(
        by=owner,
        invoice=credit_note_create(by=owner, invoice=invoice, quantities={line.pk: Decimal("1.5")}),
        issue_date=date(2026, 11, 3),
    )
    assert partial.number == "2026-0002" and partial.credit_of == invoice and partial.gross_total == Decimal("99.83")
    rest = credit_note_create(by=owner, invoice=invoice, quantities={line.pk: Decimal("3")})
    with pytest.raises(ValidationError, match="credited more than was invoiced"):
        invoice_finalise(by=owner, invoice=rest)
    assert Invoice.objects.final().count() == 2
