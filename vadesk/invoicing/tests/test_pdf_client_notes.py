"""The hours specification on an invoice PDF shows the note for the client, never the internal one."""

import subprocess
from datetime import date

from vadesk.invoicing.models import Invoice
from vadesk.invoicing.pdf.render import render_pdf
from vadesk.invoicing.services import invoice_draft_create
from vadesk.timesheets.models import TimeEntry


def test_the_hours_specification_prints_the_client_note_not_the_internal_one(
    seller, assistant, hourly, october_hours, tmp_path
):
    TimeEntry.objects.filter(pk=october_hours[0].pk).update(
        note="INTERN: klant is lastig", client_note="Agenda voor november geordend"
    )
    draft = invoice_draft_create(
        by=assistant, client=hourly.client, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31)
    )
    Invoice.objects.filter(pk=draft.pk).update(hours_specification=True)
    draft.refresh_from_db()
    path = tmp_path / "invoice.pdf"
    path.write_bytes(render_pdf(draft, pdf_a=False))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Agenda voor november geordend" in text
    assert "INTERN" not in text and "lastig" not in text
