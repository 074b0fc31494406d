"""Invoicing on a client's behalf: the client (a training institute) is the seller, its customers are the buyers.
Set up through the pages, drafted, finalised by an owner, valid in every e-invoice format, visible to the client's user —
and out of reach for everyone else."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from vadesk.accounts.models import Membership
from vadesk.clients.models import Client
from vadesk.comms.models import OutboxMessage
from vadesk.conftest import login, make_person
from vadesk.einvoice.tests import official
from vadesk.invoicing import export, reminders
from vadesk.invoicing.einvoices import einvoice_bytes, formats_of
from vadesk.invoicing.models import Buyer, Invoice, SellerProfile
from vadesk.invoicing.pdf.render import render_pdf
from vadesk.invoicing.services import (
    behalf_draft_create,
    behalf_seller_save,
    buyer_save,
    invoice_finalise,
    invoice_line_save,
    invoice_problems,
)

pytestmark = pytest.mark.django_db

SELLER_POST = {
    "client-name": "Opleidingsinstituut Acme B.V.",
    "client-street": "Damrak 1",
    "client-postal_code": "1012 LG",
    "client-city": "Amsterdam",
    "client-country": "NL",
    "client-vat_id": "NL003660564B54",
    "client-coc_number": "33014286",
    "seller-iban": "NL18RABO0123459876",
    "seller-bic": "",
    "seller-tax_number": "",
    "seller-number_format": "ACME-{year}-{seq:03d}",
    "seller-payment_days": "30",
    "seller-contact_name": "Cees Acme",
    "seller-email": "facturen@acme.example",
    "seller-phone": "+31 20 555 0101",
    "seller-logo_svg": "",
}
BUYER_POST = {
    "name": "Gemeente Utrecht",
    "is_business": "on",
    "street": "Stadsplateau 1",
    "postal_code": "3521 AZ",
    "city": "Utrecht",
    "country": "NL",
    "vat_id": "",
    "registration_id": "",
    "buyer_reference": "PO-4711",
    "endpoint_scheme": "0190",
    "endpoint_id": "00000001001299992000",
    "language": "nl",
    "email": "facturen@utrecht.example",
}


@pytest.fixture
def behalf(seller, assistant, acme):
    """Acme set up as a seller with two buyers: a Dutch public body (OIN) and a German company (reverse charge)."""
    profile = behalf_seller_save(
        by=assistant,
        client=acme,
        client_fields={k[7:]: v for k, v in SELLER_POST.items() if k.startswith("client-")},
        profile_fields={
            "iban": "NL18RABO0123459876",
            "number_format": "ACME-{year}-{seq:03d}",
            "payment_days": 30,
            "email": "facturen@acme.example",
            "contact_name": "Cees Acme",
            "phone": "+31 20 555 0101",
        },
    )
    fields = {k: v for k, v in BUYER_POST.items() if k != "is_business"}
    buyer_save(by=assistant, seller=profile, is_business=True, **fields)
    buyer_save(
        by=assistant,
        seller=profile,
        name="Weiterbildung Müller GmbH",
        is_business=True,
        street="Königsallee 1",
        postal_code="40212",
        city="Düsseldorf",
        country="DE",
        vat_id="DE136695976",
        language="de",
        email="rechnung@mueller.example",
    )
    return profile


def _final(behalf, owner, assistant, buyer_name, lines=(("Training Excel voor gevorderden", "12", "395.00"),)):
    buyer = behalf.buyers.get(name=buyer_name)
    draft = behalf_draft_create(
        by=assistant, buyer=buyer, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31)
    )
    for description, quantity, price in lines:
        invoice_line_save(
            by=assistant,
            invoice=draft,
            description=description,
            quantity=Decimal(quantity),
            unit="C62",
            unit_price=Decimal(price),
        )
    return invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))


def test_staff_set_the_client_up_add_a_buyer_and_draft_through_the_pages(client, seller, assistant, acme):
    login(client, assistant)
    assert client.get(reverse("invoicing:behalf", args=[acme.pk])).status_code == 200
    response = client.post(reverse("invoicing:behalf", args=[acme.pk]), SELLER_POST)
    assert response.status_code == 302
    profile = SellerProfile.objects.get(on_behalf_of=acme)
    acme.refresh_from_db()
    assert (
        acme.vat_id == "NL003660564B54"
        and profile.iban == "NL18RABO0123459876"
        and profile.number_format == "ACME-{year}-{seq:03d}"
    )
    client.post(reverse("invoicing:behalf_buyer_new", args=[acme.pk]), BUYER_POST)
    buyer = Buyer.objects.get(seller=profile)
    assert buyer.endpoint_scheme == "0190"
    client.post(
        reverse("invoicing:behalf_draft_new", args=[acme.pk]),
        {"buyer": buyer.pk, "period_start": "2026-10-01", "period_end": "2026-10-31"},
    )
    draft = Invoice.objects.get(buyer=buyer)
    assert draft.seller == profile and draft.client == acme and draft.buyer_reference == "PO-4711"
    page = client.get(reverse("invoicing:behalf", args=[acme.pk])).content.decode()
    assert "Gemeente Utrecht" in page and f"#{draft.pk}" in page


def test_bad_seller_data_is_refused_with_a_message_and_nothing_saved(client, seller, assistant, acme):
    login(client, assistant)
    response = client.post(
        reverse("invoicing:behalf", args=[acme.pk]),
        {**SELLER_POST, "seller-iban": "NL00BANK0000000000", "seller-number_format": "{foo}"},
    )
    assert response.status_code == 200 and not SellerProfile.objects.filter(on_behalf_of=acme).exists()
    body = response.content.decode()
    assert "IBAN" in body and "{seq}" in body
    acme.refresh_from_db()
    assert acme.vat_id == ""


def test_an_owner_finalises_in_the_clients_name_with_its_own_sequence(behalf, owner, assistant, acme, org):
    invoice = _final(behalf, owner, assistant, "Gemeente Utrecht")
    assert invoice.number == "ACME-2026-001" and invoice.finalised_by == owner
    assert (
        invoice.seller_snapshot["name"] == "Opleidingsinstituut Acme B.V."
        and invoice.seller_snapshot["iban"] == "NL18RABO0123459876"
    )
    assert invoice.buyer_snapshot["name"] == "Gemeente Utrecht" and invoice.due_date == date(2026, 12, 2)
    second = _final(behalf, owner, assistant, "Weiterbildung Müller GmbH")
    assert second.number == "ACME-2026-002" and second.vat_case == "reverse_charge" and second.language == "de"
    # The organisation's own sequence is untouched, its accountant export and bank matching leave these out.
    assert not Invoice.objects.filter(seller__on_behalf_of__isnull=True, status="final").exists()
    assert export.documents_in(org, date(2026, 1, 1), date(2026, 12, 31)).count() == 0


def test_an_assistant_cannot_finalise_in_the_clients_name(client, behalf, assistant):
    draft = behalf_draft_create(
        by=assistant, buyer=behalf.buyers.first(), period_start=date(2026, 10, 1), period_end=date(2026, 10, 31)
    )
    invoice_line_save(
        by=assistant, invoice=draft, description="Training", quantity=Decimal(1), unit="C62", unit_price=Decimal("100")
    )
    login(client, assistant)
    assert client.post(reverse("invoicing:finalise", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert not draft.is_final


def test_every_format_with_the_client_as_seller_passes_the_official_rules(behalf, owner, assistant):
    public = _final(
        behalf,
        owner,
        assistant,
        "Gemeente Utrecht",
        lines=[("Training Excel — dag 1 & 2", "12", "395.00"), ("Cursusmateriaal", "12", "24.95")],
    )
    reverse_charge = _final(
        behalf, owner, assistant, "Weiterbildung Müller GmbH", lines=[("Workshop Zeitmanagement", "1", "1450")]
    )
    for invoice in (public, reverse_charge):
        for fmt in ("ubl", "cii", "xrechnung-ubl", "xrechnung-cii"):
            xml, _name, _type = einvoice_bytes(invoice, fmt)
            assert official.errors(xml) == [], (invoice.number, fmt)
            assert (
                b"Opleidingsinstituut Acme B.V." in xml
                and b"NL18RABO0123459876" in xml
                and b"Assist &amp; Co" not in xml
            )
    ubl, _name, _type = einvoice_bytes(public, "ubl")
    assert (
        b'<cbc:EndpointID schemeID="0190">00000001001299992000</cbc:EndpointID>' in ubl
    )  # the buyer's own Peppol address
    pdf, _name, _type = einvoice_bytes(reverse_charge, "facturx")
    assert official.errors(PdfReader(BytesIO(pdf)).attachments["factur-x.xml"][0]) == []


def test_the_pdf_names_the_client_as_seller(behalf, owner, assistant):
    text = "\n".join(
        page.extract_text()
        for page in PdfReader(BytesIO(render_pdf(_final(behalf, owner, assistant, "Gemeente Utrecht")))).pages
    )
    assert "Opleidingsinstituut Acme B.V." in text and "Gemeente Utrecht" in text and "ACME-2026-001" in text
    assert "NL18 RABO 0123 4598 76" in text and "NL91" not in text  # paid into the client's account, not the VA's


def test_the_clients_user_sees_and_downloads_them_in_the_portal(client, behalf, owner, assistant, acme_user):
    invoice = _final(behalf, owner, assistant, "Gemeente Utrecht")
    login(client, acme_user)
    body = client.get(reverse("invoicing:portal_list")).content.decode()
    assert invoice.number in body and "Gemeente Utrecht" in body and owner.full_name in body
    for fmt in ("pdf", "ubl", "xrechnung-cii", "facturx"):
        assert client.get(reverse("invoicing:portal_download", args=[invoice.pk, fmt])).status_code == 200


def test_no_reminders_go_out_for_invoices_paid_into_the_clients_account(behalf, owner, assistant, org, mailoutbox):
    _final(behalf, owner, assistant, "Gemeente Utrecht")
    assert reminders.reminders_send(organisation=org, today=date(2027, 3, 1)) == [] and mailoutbox == []
    assert not OutboxMessage.objects.exists()


@pytest.fixture
def strangers(org, other_org, outsider, colleague):
    """The other organisation's owner, an unassigned colleague, and the user of another client of the same organisation."""
    other = Client.objects.create(organisation=org, name="Andere Klant B.V.")
    user = make_person("user@andere.example", "Andere Gebruiker")
    Membership.objects.create(person=user, organisation=org, role=Membership.Role.CLIENT, client=other)
    return outsider, colleague, user


def test_outsiders_reach_none_of_the_pages(client, behalf, owner, assistant, acme, strangers):
    invoice = _final(behalf, owner, assistant, "Gemeente Utrecht")
    buyer = behalf.buyers.first()
    gets = [
        reverse("invoicing:behalf", args=[acme.pk]),
        reverse("invoicing:behalf_buyer_new", args=[acme.pk]),
        reverse("invoicing:behalf_buyer", args=[acme.pk, buyer.pk]),
        reverse("invoicing:client_billing", args=[acme.pk]),
        reverse("invoicing:detail", args=[invoice.pk]),
        reverse("invoicing:pdf", args=[invoice.pk]),
        reverse("invoicing:einvoice", args=[invoice.pk, "ubl"]),
    ]
    posts = [
        (reverse("invoicing:behalf", args=[acme.pk]), SELLER_POST),
        (reverse("invoicing:behalf_buyer_new", args=[acme.pk]), BUYER_POST),
        (reverse("invoicing:behalf_buyer", args=[acme.pk, buyer.pk]), {**BUYER_POST, "name": "Hacked"}),
        (
            reverse("invoicing:behalf_draft_new", args=[acme.pk]),
            {"buyer": buyer.pk, "period_start": "2026-10-01", "period_end": "2026-10-31"},
        ),
        (
            reverse("invoicing:client_billing", args=[acme.pk]),
            {"grouping": "task", "einvoice_format": "ubl", "payment_days": "1"},
        ),
        (
            reverse("invoicing:edit", args=[invoice.pk]),
            {"note": "x", "language": "en", "period_start": "2026-10-01", "period_end": "2026-10-02"},
        ),
    ]
    _outsider, _colleague, user = strangers
    for person in strangers:
        login(client, person)
        expected = (302, 403) if person is user else (404,)  # a client user is sent to the portal
        for url in gets:
            assert client.get(url).status_code in expected, (person, url)
        for url, data in posts:
            assert client.post(url, data).status_code in expected, (person, url)
    login(client, user)
    assert client.get(reverse("invoicing:portal_download", args=[invoice.pk, "pdf"])).status_code == 404
    assert invoice.number not in client.get(reverse("invoicing:portal_list")).content.decode()
    assert Buyer.objects.filter(seller=behalf).count() == 2 and not Buyer.objects.filter(name="Hacked").exists()
    assert (Invoice.objects.count() == 1 and not hasattr(acme, "billing")) or acme.billing.payment_days is None
    assert SellerProfile.objects.get(on_behalf_of=acme).number_format == "ACME-{year}-{seq:03d}"


def test_a_buyer_of_one_client_cannot_be_used_for_another(client, behalf, seller, owner, org):
    other = Client.objects.create(
        organisation=org, name="Tweede B.V.", street="Markt 1", postal_code="3511 AA", city="Utrecht"
    )
    login(client, owner)
    client.post(reverse("invoicing:behalf", args=[other.pk]), {**SELLER_POST, "client-name": "Tweede B.V."})
    response = client.post(
        reverse("invoicing:behalf_draft_new", args=[other.pk]),
        {"buyer": behalf.buyers.first().pk, "period_start": "2026-10-01", "period_end": "2026-10-31"},
    )
    assert response.status_code == 302 and not Invoice.objects.exists()
    assert client.get(reverse("invoicing:behalf_buyer", args=[other.pk, behalf.buyers.first().pk])).status_code == 404


# Peppol: the buyer's electronic address (BT-49) must be present — PEPPOL-EN16931-R010.


def test_finalising_is_blocked_without_any_electronic_address_for_the_buyer(behalf, owner, assistant):
    bare = buyer_save(
        by=assistant,
        seller=behalf,
        name="Jan Jansen",
        is_business=False,
        street="Dorpsstraat 1",
        postal_code="1234 AB",
        city="Ergens",
        country="NL",
        language="nl",
    )
    draft = behalf_draft_create(by=assistant, buyer=bare, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31))
    invoice_line_save(
        by=assistant, invoice=draft, description="Cursus", quantity=Decimal(1), unit="C62", unit_price=Decimal("250")
    )
    assert any("R010" in p for p in invoice_problems(draft))
    with pytest.raises(Exception, match="R010"):
        invoice_finalise(by=owner, invoice=draft)
    draft.refresh_from_db()
    assert not draft.is_final and draft.number == ""
    # With an e-mail address, EN 16931's EAS code "EM" carries it in CII and XRechnung; Peppol's EAS list has no EM
    # (PEPPOL-EN16931-CL008), so there is no Peppol UBL for this buyer.
    buyer_save(by=assistant, seller=behalf, buyer=bare, email="jan@example.nl")
    draft.refresh_from_db()
    invoice = invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))
    assert "ubl" not in formats_of(invoice)
    with pytest.raises(ValidationError, match="Peppol"):
        einvoice_bytes(invoice, "ubl")
    xml, _name, _type = einvoice_bytes(invoice, "xrechnung-ubl")
    assert b'<cbc:EndpointID schemeID="EM">jan@example.nl</cbc:EndpointID>' in xml and official.errors(xml) == []


def test_own_clients_without_vat_id_or_email_are_blocked_too(seller, owner, billable_acme):
    from vadesk.invoicing.services import invoice_draft_create

    billable_acme.email = billable_acme.coc_number = ""
    billable_acme.save()
    draft = invoice_draft_create(
        by=owner, client=billable_acme, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), from_work=False
    )
    invoice_line_save(
        by=owner, invoice=draft, description="Reis", quantity=Decimal(1), unit="C62", unit_price=Decimal("40")
    )
    assert any("R010" in p for p in invoice_problems(draft))
