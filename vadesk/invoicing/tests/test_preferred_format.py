"""The client's e-invoice format preference (billing settings) has an effect: offered first on the invoice page and in
the portal, and attached as XML next to the PDF in payment reminders."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from vadesk.conftest import login
from vadesk.invoicing.einvoices import FORMATS, formats_in_order
from vadesk.invoicing.reminders import reminders_send
from vadesk.invoicing.services import client_billing_save
from vadesk.invoicing.tests.test_pages import final  # noqa: F401 - fixture
from vadesk.invoicing.tests.test_reminders import deliver, overdue, smtp  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_formats_in_order_puts_the_preference_first_and_adds_it_when_missing():
    assert formats_in_order(FORMATS, None) == list(FORMATS)
    assert formats_in_order(FORMATS, "xrechnung-ubl") == ["xrechnung-ubl", "ubl", "cii", "xrechnung-cii", "facturx"]
    assert formats_in_order(("ubl", "facturx"), "xrechnung-ubl") == ["xrechnung-ubl", "ubl", "facturx"]


def _testids(html: str, prefix: str) -> list[str]:
    return re.findall(rf'data-testid="{prefix}-([a-z-]+)"', html)


def test_the_invoice_page_offers_the_preferred_format_first(client, owner, final, billable_acme):
    login(client, owner)
    page = client.get(reverse("invoicing:detail", args=[final.pk])).content.decode()
    # [0] is the PDF; the default preference is Factur-X
    assert _testids(page, "download")[1:] == ["facturx", "ubl", "cii", "xrechnung-ubl", "xrechnung-cii"]
    client_billing_save(by=owner, client=billable_acme, einvoice_format="xrechnung-ubl")
    page = client.get(reverse("invoicing:detail", args=[final.pk])).content.decode()
    assert _testids(page, "download")[1:] == ["xrechnung-ubl", "ubl", "cii", "xrechnung-cii", "facturx"]
    assert re.search(r'class="btn btn-small btn-primary"[^>]*data-testid="download-xrechnung-ubl"', page)


def test_the_portal_offers_the_preferred_format_first(client, acme_user, owner, final, billable_acme):
    login(client, acme_user)
    assert _testids(client.get(reverse("invoicing:portal_list")).content.decode(), "portal-format") == [
        "facturx",
        "ubl",
    ]  # default: Factur-X
    client_billing_save(by=owner, client=billable_acme, einvoice_format="xrechnung-ubl")
    page = client.get(reverse("invoicing:portal_list")).content.decode()
    assert _testids(page, "portal-format") == ["xrechnung-ubl", "ubl", "facturx"]
    download = client.get(reverse("invoicing:portal_download", args=[final.pk, "xrechnung-ubl"]))
    assert download.status_code == 200 and b"urn:xeinkauf.de:kosit:xrechnung" in download.content


def _attachments(message):
    return {part.get_filename(): part for part in message.walk() if part.get_filename()}


def test_a_reminder_attaches_the_preferred_xml_next_to_the_pdf(smtp, overdue, org, owner, billable_acme):
    client_billing_save(by=owner, client=billable_acme, einvoice_format="ubl")
    assert len(reminders_send(organisation=org, today=overdue.due_date + timedelta(days=10))) == 1
    deliver()
    [(_to, message)] = smtp.messages
    attachments = _attachments(message)
    assert set(attachments) == {f"{overdue.number}.pdf", f"{overdue.number}-ubl.xml"}
    xml = attachments[f"{overdue.number}-ubl.xml"].get_payload(decode=True)
    assert b"<Invoice" in xml and overdue.number.encode() in xml
    assert attachments[f"{overdue.number}.pdf"].get_payload(decode=True).startswith(b"%PDF")


def test_without_an_xml_preference_a_reminder_carries_only_the_pdf(smtp, overdue, org):
    assert len(reminders_send(organisation=org, today=overdue.due_date + timedelta(days=10))) == 1
    deliver()
    [(_to, message)] = smtp.messages
    assert set(_attachments(message)) == {f"{overdue.number}.pdf"}
