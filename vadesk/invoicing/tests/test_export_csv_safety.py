"""Issue 10 item 5: the accountant CSV holds no formulas a spreadsheet would run, and its numbers stay numbers."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from vadesk.invoicing.export import csv_cell, export_csv
from vadesk.invoicing.services import credit_note_create, invoice_draft_create, invoice_finalise, invoice_line_save
from vadesk.invoicing.tests.conftest import PERIOD

pytestmark = pytest.mark.django_db
HYPERLINK = '=HYPERLINK("http://x")'


def _rows(org) -> list[dict[str, str]]:
    text = export_csv(org, date(2026, 11, 1), date(2026, 11, 30)).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_a_formula_in_a_client_name_is_neutralised_while_the_credit_notes_amounts_stay_numbers(
    seller, owner, billable_acme, org
):
    billable_acme.name = HYPERLINK
    billable_acme.save()
    draft = invoice_draft_create(
        by=owner, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False
    )
    invoice_line_save(
        by=owner, invoice=draft, description="Werk", quantity=Decimal(1), unit="HUR", unit_price=Decimal("12.50")
    )
    invoice = invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))
    invoice_finalise(by=owner, invoice=credit_note_create(by=owner, invoice=invoice), issue_date=date(2026, 11, 3))
    rows = _rows(org)
    assert [r["client"] for r in rows] == ["'" + HYPERLINK] * 2
    assert [(r["net"], r["vat"]) for r in rows] == [("12.50", "2.63"), ("-12.50", "-2.63")]
    assert rows[1]["gross"] == "-15.13"


@pytest.mark.parametrize("text", ["=1+1", "+31 20 123", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "-", "=", "--1"])
def test_text_a_spreadsheet_would_run_gets_a_quote(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-12.50", "+3", "-7", "12,50", "Acme B.V.", "", Decimal("-12.50"), date(2026, 1, 1)])
def test_numbers_and_plain_text_stay_as_they_are(value):
    assert csv_cell(value) == value
