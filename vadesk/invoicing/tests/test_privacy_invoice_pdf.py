"""Privacy: an invoice (its PDF with the hours specification, its e-invoices) shows no internal comment, fact
or follow-up of the tasks it bills, whether the team downloads it or the client does in the portal."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from vadesk.conftest import leaked, login
from vadesk.invoicing.models import ClientBilling
from vadesk.invoicing.services import client_billing_of, invoice_draft_create, invoice_finalise
from vadesk.invoicing.tests.conftest import PERIOD, log

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(seller, owner, assistant, hourly, billable_acme, task, internal_notes):
    log(hourly, assistant, date(2026, 10, 5), 45, task=task)
    billing = client_billing_of(billable_acme)
    billing.grouping = ClientBilling.Grouping.SUMMARY  # with the hours specification, task by task
    billing.save()
    draft = invoice_draft_create(by=assistant, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1])
    return invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_the_invoice_pdf_the_client_downloads_names_the_task_but_nothing_internal(client, acme_user, invoice, task):
    login(client, acme_user)
    response = client.get(reverse("invoicing:portal_download", args=[invoice.pk, "pdf"]))
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content) if response.streaming else response.content)
    assert leaked(text) == []
    assert task.title in text  # positive control: the hours specification lists the task


@pytest.mark.parametrize("fmt", ["ubl", "cii"])
def test_the_e_invoices_carry_nothing_internal(client, acme_user, invoice, fmt):
    login(client, acme_user)
    response = client.get(reverse("invoicing:portal_download", args=[invoice.pk, fmt]))
    assert response.status_code == 200
    assert leaked(b"".join(response.streaming_content) if response.streaming else response.content) == []
