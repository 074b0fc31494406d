"""The accountant's ZIP as a job: written into the storage backend piece by piece, downloaded from the run's page."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from vadesk.conftest import login
from vadesk.invoicing import export
from vadesk.invoicing.services import invoice_draft_create, invoice_finalise, invoice_line_save
from vadesk.invoicing.tests.conftest import PERIOD
from vadesk.jobs.models import JobRun

pytestmark = pytest.mark.django_db
BODY = {"start": "2026-11-01", "end": "2026-11-30", "as": "zip"}


@pytest.fixture
def invoices(seller, owner, billable_acme):
    made = []
    for n in range(3):
        draft = invoice_draft_create(
            by=owner, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False
        )
        invoice_line_save(
            by=owner, invoice=draft, description=f"Werk {n}", quantity=Decimal(1), unit="HUR", unit_price=Decimal(50)
        )
        made.append(invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2 + n)))
    return made


def test_the_export_runs_as_a_job_and_its_page_offers_the_zip(
    client, owner, invoices, django_capture_on_commit_callbacks
):
    login(client, owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("invoicing:export"), BODY)
    run = JobRun.objects.get(pk=response.url.split("/")[-2])
    assert run.state == JobRun.State.DONE and (run.done, run.total) == (3, 3)
    assert default_storage.exists(run.result_name) and run.result_name.startswith(f"runs/{run.organisation_id}/")
    page = client.get(reverse("jobs:run", args=[run.pk])).content.decode()
    assert "Download invoices-2026-11-01-2026-11-30.zip" in page and "3 document(s) exported" in page
    download = client.get(reverse("jobs:run_download", args=[run.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert {f"pdf/{i.filename_stem}.pdf" for i in invoices} <= set(archive.namelist())
    assert "invoices-2026-11-01-2026-11-30.csv" in archive.namelist()


def test_the_zip_is_written_into_a_file_not_built_in_memory(
    client, owner, invoices, org, monkeypatch, django_capture_on_commit_callbacks
):
    """export_zip_to writes each document into the file as it goes; the job never builds the ZIP in memory."""
    sizes: list[int] = []
    out = io.BytesIO()
    count = export.export_zip_to(
        org, date(2026, 11, 1), date(2026, 11, 30), out, on_document=lambda: sizes.append(out.tell())
    )
    assert count == 3 and 0 < sizes[0] < sizes[1] < sizes[2]

    monkeypatch.setattr(export, "export_zip", lambda *a: pytest.fail("the job built the ZIP in memory"))
    login(client, owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("invoicing:export"), BODY)
    assert JobRun.objects.get().state == JobRun.State.DONE


def test_a_get_link_does_not_start_an_export(client, owner, invoices, django_capture_on_commit_callbacks):
    login(client, owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(reverse("invoicing:export"), BODY).status_code == 405
    assert not JobRun.objects.exists()


def test_another_organisations_owner_gets_neither_the_page_nor_the_file(
    client, owner, outsider, invoices, django_capture_on_commit_callbacks
):
    login(client, owner)
    with django_capture_on_commit_callbacks(execute=True):
        run_url = client.post(reverse("invoicing:export"), BODY).url
    run = JobRun.objects.get()
    login(client, outsider)
    assert client.get(run_url).status_code == 404
    assert client.get(reverse("jobs:run_download", args=[run.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("invoicing:export"), BODY)
    theirs = JobRun.objects.exclude(pk=run.pk).get()
    assert theirs.organisation_id != run.organisation_id and theirs.total == 0  # their own, empty books
