"""Sending an invoice from vadesk: one outbox mail to the client's invoice address, in the invoice's language, with
the PDF and the client's e-invoice format; recorded on the invoice; refused for drafts and for anyone out of reach."""

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from vadesk.api.tests.conftest import api_as  # noqa: F401 - fixture
from vadesk.comms.models import OutboxMessage
from vadesk.comms.tests.delivery import SmtpWatch, deliver, received
from vadesk.comms.tests.servers import SmtpServer
from vadesk.conftest import login
from vadesk.invoicing.models import ClientBilling, Invoice, InvoiceDispatch
from vadesk.invoicing.pdf.render import render_pdf
from vadesk.invoicing.services import credit_note_create, invoice_draft_create, invoice_finalise
from vadesk.invoicing.services.sending import invoice_send
from vadesk.invoicing.tests.conftest import PERIOD
from vadesk.invoicing.tests.test_behalf import _final, behalf  # noqa: F401 - fixture


@pytest.fixture
def billing(billable_acme):
    billing, _created = ClientBilling.objects.update_or_create(
        client=billable_acme, defaults={"invoice_email": "facturen@acme.example", "einvoice_format": "ubl"}
    )
    return billing


@pytest.fixture
def draft(seller, assistant, october_hours, billable_acme):
    return invoice_draft_create(by=assistant, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1])


@pytest.fixture
def final(draft, owner, billing):
    return invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))


@pytest.fixture
def smtp_server(monkeypatch):
    with SmtpServer() as server:
        monkeypatch.setattr(settings, "SMTP_HOST", "127.0.0.1")
        monkeypatch.setattr(settings, "SMTP_PORT", server.port)
        yield server


def outbox_state() -> tuple[int, int]:
    return OutboxMessage.objects.count(), InvoiceDispatch.objects.count()


@pytest.mark.django_db
def test_it_queues_one_mail_to_the_invoice_address_in_the_invoices_language_with_pdf_and_xml(final, assistant):
    dispatch = invoice_send(by=assistant, invoice=final, message="Zie bijlage.")

    row = OutboxMessage.objects.get()
    assert (row.kind, row.recipient, row.client_id) == ("payment", "facturen@acme.example", final.client_id)
    assert row.subject == f"Factuur {final.number} van Assist & Co"
    assert row.body_text.startswith("Geachte Acme B.V.,") and "Zie bijlage." in row.body_text
    assert row.reply_to == "facturen@assist.example"  # the seller's address: the client's answer reaches the agency
    assert list(row.attachments.values_list("filename", "content_type")) == [
        (f"{final.number}.pdf", "application/pdf"),
        (f"{final.number}-ubl.xml", "application/xml"),
    ]
    assert (dispatch.invoice, dispatch.recipient, dispatch.sent_by, dispatch.message) == (
        final,
        "facturen@acme.example",
        assistant,
        row,
    )


@pytest.mark.django_db
def test_a_german_invoice_goes_in_german(final, owner):
    Invoice.objects.filter(pk=final.pk).update(language="de")
    final.refresh_from_db()
    invoice_send(by=owner, invoice=final)
    assert OutboxMessage.objects.get().subject == f"Rechnung {final.number} von Assist & Co"


@pytest.mark.django_db
def test_a_typed_recipient_wins_and_a_credit_note_can_be_sent(final, owner):
    note = invoice_finalise(by=owner, invoice=credit_note_create(by=owner, invoice=final))
    invoice_send(by=owner, invoice=note, to="boekhouding@acme.example")
    row = OutboxMessage.objects.get()
    assert row.recipient == "boekhouding@acme.example" and row.subject.startswith(f"Creditnota {note.number}")


@pytest.mark.django_db
def test_a_draft_is_refused(draft, owner, billing):
    with pytest.raises(ValidationError, match="Only a final invoice can be sent"):
        invoice_send(by=owner, invoice=draft)
    assert outbox_state() == (0, 0)


@pytest.mark.django_db
def test_a_missing_invoice_address_is_refused_naming_what_to_fill_in(draft, owner, billing, billable_acme):
    billing.invoice_email = ""
    billing.save()
    billable_acme.email = ""
    billable_acme.save()
    final = invoice_finalise(by=owner, invoice=draft)
    with pytest.raises(ValidationError, match="Acme B.V. has no invoice e-mail. Fill in the invoice e-mail"):
        invoice_send(by=owner, invoice=final)
    with translation.override("nl"), pytest.raises(ValidationError, match="heeft geen factuur-e-mailadres"):
        invoice_send(by=owner, invoice=final)
    assert outbox_state() == (0, 0)


@pytest.mark.django_db
def test_outsiders_cannot_send(final, outsider, colleague, acme_user):
    for person in (outsider, colleague, acme_user):
        with pytest.raises(PermissionDenied):
            invoice_send(by=person, invoice=final)
    assert outbox_state() == (0, 0)


@pytest.mark.django_db
def test_sending_again_needs_the_last_sending_named_so_a_double_click_sends_one_mail(final, owner):
    first = invoice_send(by=owner, invoice=final)
    with pytest.raises(ValidationError, match="already sent"):
        invoice_send(by=owner, invoice=final)  # the second click of a double click
    again = invoice_send(by=owner, invoice=final, resend_after=first.pk)
    with pytest.raises(ValidationError, match="already sent"):
        invoice_send(by=owner, invoice=final, resend_after=first.pk)  # a double click on "send again"
    assert outbox_state() == (2, 2) and again.pk != first.pk


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_it_after_commit_with_both_attachments(final, owner, smtp_server, monkeypatch):
    watch = SmtpWatch(monkeypatch)
    rendered_in_a_transaction = []

    def render(invoice):
        rendered_in_a_transaction.append(connection.in_atomic_block)
        return render_pdf(invoice)

    monkeypatch.setattr("vadesk.invoicing.services.sending.render_pdf", render)
    invoice_send(by=owner, invoice=final)
    assert rendered_in_a_transaction == [False]  # the heavy work is done before the row lock is taken
    assert watch.connections == [] and received(smtp_server) == []  # queued, nothing spoken yet

    assert deliver()["sent"] == 1
    assert watch.connections and watch.inside_a_transaction == 0
    [mail] = received(smtp_server)
    assert (
        str(mail["To"]) == "facturen@acme.example" and str(mail["Subject"]) == f"Factuur {final.number} van Assist & Co"
    )
    attachments = {part.get_filename(): part for part in mail.iter_attachments()}
    assert attachments[f"{final.number}.pdf"].get_content().startswith(b"%PDF")
    assert b"<Invoice" in attachments[f"{final.number}-ubl.xml"].get_content()


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 12, 2, 9, 30, tzinfo=UTC))
def test_the_page_sends_and_shows_the_sending_and_the_list_marks_it(client, final, owner):
    login(client, owner)
    page = client.get(reverse("invoicing:detail", args=[final.pk])).content.decode()
    assert 'value="facturen@acme.example"' in page and "Not sent yet." in page

    response = client.post(reverse("invoicing:send", args=[final.pk]), {"to": "facturen@acme.example", "message": ""})
    assert response.status_code == 302 and OutboxMessage.objects.count() == 1
    page = client.get(reverse("invoicing:detail", args=[final.pk])).content.decode()
    assert "Sent to facturen@acme.example on 2 Dec 2026 by Olga" in page
    assert 'data-testid="confirm-resend"' in page
    assert 'data-testid="sent-mark"' in client.get(reverse("invoicing:list")).content.decode()

    # Sending again without ticking the confirmation sends nothing.
    client.post(reverse("invoicing:send", args=[final.pk]), {"to": "facturen@acme.example"})
    assert OutboxMessage.objects.count() == 1
    last = InvoiceDispatch.objects.get()
    client.post(
        reverse("invoicing:send", args=[final.pk]),
        {"to": "facturen@acme.example", "resend_after": last.pk, "confirm": "on"},
    )
    assert OutboxMessage.objects.count() == 2


@pytest.mark.django_db
def test_outsiders_cannot_send_via_the_page(client, final, outsider, colleague, acme_user):
    for person in (outsider, colleague):
        login(client, person)
        assert client.post(reverse("invoicing:send", args=[final.pk]), {"to": "x@evil.example"}).status_code == 404
    login(client, acme_user)  # a client user is sent to the portal, where there is no sending
    response = client.post(reverse("invoicing:send", args=[final.pk]), {"to": "x@evil.example"})
    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert outbox_state() == (0, 0)


@pytest.mark.django_db
def test_outsiders_cannot_send_via_the_api(api_as, final, outsider, colleague, acme_user, assistant):
    for person in (outsider, colleague):
        assert api_as(person).post(f"/invoices/{final.pk}/send", {}).status_code == 404
    assert api_as(acme_user).post(f"/invoices/{final.pk}/send", {}).status_code == 403  # sees it, may not send it
    assert outbox_state() == (0, 0)

    response = api_as(assistant).post(f"/invoices/{final.pk}/send", {"message": "Bijgaand"})
    assert response.status_code == 201, response.json()
    assert response.json()["recipient"] == "facturen@acme.example"
    assert outbox_state() == (1, 1)


@pytest.mark.django_db
def test_the_api_refuses_a_draft_with_a_clear_message(api_as, draft, owner, billing):
    response = api_as(owner).post(f"/invoices/{draft.pk}/send", {})
    assert response.status_code == 422 and "Only a final invoice can be sent" in str(response.json())
    assert outbox_state() == (0, 0)


@pytest.mark.django_db
def test_an_on_behalf_invoice_goes_to_its_buyer_in_the_buyers_language_from_the_clients_address(
    behalf, owner, assistant
):
    invoice = _final(behalf, owner, assistant, "Weiterbildung Müller GmbH")
    invoice_send(by=assistant, invoice=invoice)
    row = OutboxMessage.objects.get()
    assert row.recipient == "rechnung@mueller.example" and row.reply_to == "facturen@acme.example"
    assert row.subject == f"Rechnung {invoice.number} von Opleidingsinstituut Acme B.V."
    # We do not know the buyer's e-invoice preference: the PDF goes alone.
    assert list(row.attachments.values_list("filename", flat=True)) == [f"{invoice.number}.pdf"]


@pytest.mark.django_db
def test_a_client_preferring_facturx_gets_one_pdf_with_the_xml_inside(final, owner, billing):
    billing.einvoice_format = "facturx"
    billing.save()
    invoice_send(by=owner, invoice=final)
    [attachment] = OutboxMessage.objects.get().attachments.all()
    assert (attachment.filename, attachment.content_type) == (f"{final.number}-facturx.pdf", "application/pdf")
    assert "factur-x.xml" in PdfReader(BytesIO(bytes(attachment.content))).attachments


@pytest.mark.django_db
def test_the_page_names_what_to_fill_in_when_there_is_no_invoice_address(client, draft, owner, billing, billable_acme):
    billing.invoice_email = ""
    billing.save()
    billable_acme.email = ""
    billable_acme.save()
    final = invoice_finalise(by=owner, invoice=draft)
    login(client, owner)
    response = client.post(reverse("invoicing:send", args=[final.pk]), {"to": ""}, follow=True)
    assert "Acme B.V. has no invoice e-mail. Fill in the invoice e-mail" in response.content.decode()
    assert outbox_state() == (0, 0)
