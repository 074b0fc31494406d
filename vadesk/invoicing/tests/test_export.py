import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from vadesk.conftest import login
from vadesk.einvoice.tests import official
from vadesk.invoicing.export import export_csv, export_zip
from vadesk.invoicing.services import credit_note_create, invoice_draft_create, invoice_finalise, invoice_line_save
from vadesk.invoicing.tests.conftest import PERIOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def period_documents(seller, owner, billable_acme):
    draft = invoice_draft_create(
        by=owner, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False
    )
    invoice_line_save(
        by=owner, invoice=draft, description="Werk", quantity=Decimal(2), unit="HUR", unit_price=Decimal(50)
    )
    invoice = invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))
    credit = invoice_finalise(
        by=owner, invoice=credit_note_create(by=owner, invoice=invoice), issue_date=date(2026, 11, 3)
    )
    return invoice, credit


def test_the_csv_lists_invoices_and_credit_notes_with_signs(period_documents, org):
    rows = list(
        csv.DictReader(
            io.StringIO(export_csv(org, date(2026, 11, 1), date(2026, 11, 30)).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert [(r["number"], r["gross"], r["credits"]) for r in rows] == [
        ("2026-0001", "121.00", ""),
        ("2026-0002", "-121.00", "2026-0001"),
    ]
    assert export_csv(org, date(2026, 12, 1), date(2026, 12, 31)).count(b"\n") == 1  # header only


def test_the_zip_holds_pdfs_and_valid_xml(period_documents, org):
    archive = zipfile.ZipFile(io.BytesIO(export_zip(org, date(2026, 11, 1), date(2026, 11, 30))))
    names = set(archive.namelist())
    assert {"pdf/2026-0001.pdf", "pdf/2026-0002.pdf", "ubl/2026-0002-ubl.xml", "cii/2026-0001-cii.xml"} <= names
    assert official.errors(archive.read("ubl/2026-0002-ubl.xml")) == []


def test_only_owners_export_their_own(client, owner, outsider, period_documents, django_capture_on_commit_callbacks):
    login(client, outsider)
    response = client.get(reverse("invoicing:export"), {"start": "2026-11-01", "end": "2026-11-30"})
    assert b"2026-0001" not in response.content
    login(client, owner)
    with django_capture_on_commit_callbacks(execute=True):  # the ZIP is a job (test_export_job.py)
        response = client.post(reverse("invoicing:export"), {"start": "2026-11-01", "end": "2026-11-30", "as": "zip"})
    response = client.get(reverse("jobs:run_download", args=[response.url.split("/")[-2]]))
    assert response["Content-Type"] == "application/zip"
