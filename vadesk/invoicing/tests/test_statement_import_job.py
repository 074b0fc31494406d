"""Bank statement import as a job: the request stores the file; bad lines are named by line number, nothing half-written."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vadesk.conftest import login
from vadesk.invoicing import camt
from vadesk.invoicing.models import BankStatement, Payment, StatementLine
from vadesk.invoicing.services import invoice_draft_create, invoice_finalise, invoice_line_save
from vadesk.invoicing.tests.camt_sample import statement
from vadesk.invoicing.tests.conftest import PERIOD
from vadesk.jobs.models import JobRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(seller, owner, billable_acme):
    draft = invoice_draft_create(
        by=owner, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False
    )
    invoice_line_save(
        by=owner, invoice=draft, description="Work", quantity=Decimal(1), unit="C62", unit_price=Decimal(100)
    )
    return invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))  # 121.00


def upload(client, data: bytes, capture) -> JobRun:
    with capture(execute=True):
        response = client.post(reverse("invoicing:bank"), {"file": SimpleUploadedFile("nov.xml", data)})
    assert response.status_code == 302 and response.url.startswith("/jobs/runs/")
    return JobRun.objects.get(pk=response.url.split("/")[-2])


def test_the_upload_is_imported_by_a_job_and_a_second_import_adds_nothing(
    client, owner, invoice, django_capture_on_commit_callbacks
):
    data = statement(
        [
            {"ref": "A1", "amount": "121.00", "text": f"Factuur {invoice.number}"},
            {"ref": "A2", "amount": "50.00", "text": "Birthday present"},
        ]
    )
    login(client, owner)
    run = upload(client, data, django_capture_on_commit_callbacks)
    assert run.state == JobRun.State.DONE and (run.done, run.total) == (2, 2) and run.input_name
    assert Payment.objects.get().invoice == invoice and StatementLine.objects.count() == 2
    page = client.get(reverse("jobs:run", args=[run.pk])).content.decode()
    assert "Bank statement nov.xml" in page and "1 payment(s) booked, 0 to review, 1 without an invoice." in page
    assert upload(client, data, django_capture_on_commit_callbacks).state == JobRun.State.DONE
    assert StatementLine.objects.count() == 2 and Payment.objects.count() == 1


def test_bad_lines_are_named_by_line_number_and_nothing_is_written(
    client, owner, invoice, django_capture_on_commit_callbacks
):
    data = statement(
        [
            {"ref": "A1", "amount": "121.00", "text": f"Factuur {invoice.number}"},  # a good line: not written either
            {"ref": "A2", "amount": "1e30", "text": "too much"},
            {"ref": "A3", "amount": "10.00", "text": "no such day", "day": "2026-02-30"},
            {"ref": "A4", "amount": "-5.00", "text": "a negative credit"},
        ]
    )
    login(client, owner)
    run = upload(client, data, django_capture_on_commit_callbacks)
    reasons = [m["params"]["reason"] for m in run.messages if m["level"] == "error"]
    assert reasons == [
        "entry 2 (line 22) has an amount vadesk cannot book: 1e30",
        "entry 3 (line 36) has no booking date or an impossible one: “2026-02-30”",
        "entry 4 (line 50) has an amount vadesk cannot book: -5.00",
    ]
    assert data.decode().splitlines()[21].strip() == "<Ntry>"  # line 22 is where the second entry begins
    assert not BankStatement.objects.exists() and not StatementLine.objects.exists() and not Payment.objects.exists()
    assert "Finished with 3 problems." in client.get(reverse("jobs:run", args=[run.pk])).content.decode()


def test_the_parser_lists_every_bad_entry(invoice):
    bad = [{"ref": f"B{n}", "amount": "", "text": "x"} for n in range(3)]
    with pytest.raises(camt.StatementError) as caught:
        camt.parse(statement(bad))
    assert [p.split(")")[0] for p in caught.value.problems] == [
        "entry 1 (line 8",
        "entry 2 (line 22",
        "entry 3 (line 36",
    ]


def test_a_file_that_is_no_statement_is_reported(client, owner, invoice, django_capture_on_commit_callbacks):
    login(client, owner)
    run = upload(client, b"<html>hello</html>", django_capture_on_commit_callbacks)
    assert run.messages[0]["params"] == {"reason": "not a camt.053 statement"}
    assert not BankStatement.objects.exists()


def test_only_an_owner_uploads_and_sees_the_run(
    client, owner, assistant, outsider, invoice, django_capture_on_commit_callbacks
):
    data = statement([{"ref": "A1", "amount": "121.00", "text": invoice.number}])
    login(client, assistant)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("invoicing:bank"), {"file": SimpleUploadedFile("s.xml", data)}).status_code == 403
    assert not JobRun.objects.exists()
    login(client, owner)
    run = upload(client, data, django_capture_on_commit_callbacks)
    for who in (assistant, outsider):
        login(client, who)
        assert client.get(reverse("jobs:run", args=[run.pk])).status_code == 404
