"""Every edit form: open it, save what it shows without touching anything, and no column of any row changes.

The form is read from the page's HTML the way a browser would send it (see `unchanged.browser_values`), in each
UI language: a value a browser cannot keep (a localised number or date in an HTML5 input) counts as a change.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from vadesk.accounts.models import Organisation
from vadesk.clients.models import Client, Contact, DossierFact
from vadesk.comms.models import Preference
from vadesk.engagements.models import Engagement
from vadesk.invoicing.models import Buyer, ClientBilling, Invoice, InvoiceLine, SellerProfile
from vadesk.tasks.models import Task
from vadesk.timesheets.models import TimeEntry
from vadesk.web.tests.unchanged import browser_values, save_unchanged

TABLES = [
    Organisation,
    Client,
    Contact,
    DossierFact,
    Engagement,
    Task,
    Task.assignees.through,
    TimeEntry,
    Invoice,
    InvoiceLine,
    SellerProfile,
    ClientBilling,
    Buyer,
    Preference,
]

LANGUAGES = ["en", "nl", "de"]


@pytest.fixture(params=LANGUAGES)
def as_owner(request, client, owner):
    owner.language = request.param
    owner.save(update_fields=["language"])
    client.force_login(owner)
    return client


def assert_unchanged(before, after, response):
    assert response.status_code == 302, response.content.decode()[:3000]
    for table, rows in before.items():
        assert after[table] == rows, table


@pytest.fixture
def odd_retainer(acme, owner):
    """An engagement whose terms differ from every default: a start in the past, its own rate, a cap."""
    return Engagement.objects.create(
        client=acme,
        name="Retainer 12,5",
        kind=Engagement.Kind.RETAINER,
        status=Engagement.Status.ACTIVE,
        starts_on=date(2025, 3, 1),
        monthly_hours=Decimal("12.50"),
        monthly_price=Decimal("812.50"),
        excess_rate=Decimal("67.25"),
        hourly_rate=Decimal("61.75"),
        rollover_policy=Engagement.Rollover.CAPPED,
        rollover_cap_hours=Decimal("3.25"),
        billing_increment_minutes=6,
    )


def test_an_engagement(as_owner, acme, odd_retainer, org):
    org.default_hourly_rate = Decimal("58.00")
    org.save()
    url = f"/clients/{acme.pk}/engagements/{odd_retainer.pk}/"
    assert_unchanged(*save_unchanged(as_owner, url, containing="starts_on", models=TABLES))


def test_a_client(as_owner, acme):
    Client.objects.filter(pk=acme.pk).update(
        vat_id="NL123456782B01", email="info@acme.example", phone="+31 20 555 0100", city="Amsterdam"
    )
    assert_unchanged(*save_unchanged(as_owner, f"/clients/{acme.pk}/edit/", containing="vat_id", models=TABLES))


def test_a_contact(as_owner, acme):
    contact = Contact.objects.create(
        client=acme, name="Pieter de Vries", job_title="CFO", email="pieter@acme.example", phone="+31612345678"
    )
    url = f"/clients/{acme.pk}/contacts/{contact.pk}/"
    assert_unchanged(*save_unchanged(as_owner, url, containing="job_title", models=TABLES))


def test_a_dossier_fact(as_owner, acme, owner):
    fact = DossierFact.objects.create(
        client=acme, topic=DossierFact.Topic.SENSITIVITY, text="Pays late", noted_on=date(2025, 2, 3), author=owner
    )
    url = f"/clients/{acme.pk}/dossier/{fact.pk}/"
    assert_unchanged(*save_unchanged(as_owner, url, containing="topic", models=TABLES))


def test_a_task(as_owner, task, owner, acme):
    Task.objects.filter(pk=task.pk).update(due_at=timezone.now().replace(second=0, microsecond=0) + timedelta(days=3))
    assert_unchanged(*save_unchanged(as_owner, f"/tasks/{task.pk}/edit/", containing="title", models=TABLES))


def test_a_time_entry(as_owner, bundle, owner, acme):
    from vadesk.timesheets.services import time_entry_log

    entry = time_entry_log(
        by=owner, engagement=bundle, work_date=timezone.localdate() - timedelta(days=1), minutes=95, note="Mail"
    )
    url = f"/timesheet/{entry.pk}/"
    assert_unchanged(*save_unchanged(as_owner, url, containing="duration", models=TABLES))


@pytest.fixture
def draft(owner, acme, org):
    from vadesk.invoicing.services import invoice_draft_create, invoice_line_save

    acme.street, acme.postal_code, acme.city = "Damrak 1", "1012 LG", "Amsterdam"
    acme.save()
    invoice = invoice_draft_create(
        by=owner, client=acme, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), from_work=False
    )
    invoice_line_save(
        by=owner,
        invoice=invoice,
        description="Reiskosten",
        quantity=Decimal("84.5"),
        unit="C62",
        unit_price=Decimal("0.2300"),
        rate_kind="standard",
    )
    return invoice


def test_an_invoice_draft_line(as_owner, draft):
    line = draft.lines.get()
    url = f"/invoices/{draft.pk}/lines/{line.pk}/"
    assert_unchanged(*save_unchanged(as_owner, url, containing="unit_price", models=TABLES))


def test_an_invoice_draft(as_owner, draft):
    url = f"/invoices/{draft.pk}/"
    result = save_unchanged(as_owner, url, containing="buyer_reference", models=TABLES, post_to=f"{url}edit/")
    assert_unchanged(*result)


def test_the_invoice_settings(as_owner, org):
    assert_unchanged(*save_unchanged(as_owner, "/invoices/settings/", containing="number_format", models=TABLES))


def test_a_clients_billing_settings(as_owner, acme):
    url = f"/invoices/clients/{acme.pk}/billing/"
    assert_unchanged(*save_unchanged(as_owner, url, containing="grouping", models=TABLES))


def test_a_clients_seller_profile(as_owner, acme, owner):
    from vadesk.invoicing.services import behalf_seller_save

    behalf_seller_save(
        by=owner,
        client=acme,
        client_fields={
            "name": "Acme B.V.",
            "street": "Damrak 1",
            "postal_code": "1012 LG",
            "city": "Amsterdam",
            "country": "NL",
            "vat_id": "NL123456782B01",
            "coc_number": "33014286",
        },
        profile_fields={
            "iban": "NL18 RABO 0123 4598 76",
            "payment_days": 30,
            "email": "facturen@acme.example",
            "phone": "+31 20 555 0101",
        },
    )
    url = f"/invoices/behalf/{acme.pk}/"
    assert_unchanged(*save_unchanged(as_owner, url, containing="seller-iban", models=TABLES))


def test_the_organisation_details(as_owner, org):
    assert_unchanged(*save_unchanged(as_owner, "/organisation/settings/", containing="vat_id", models=TABLES))


def test_a_contacts_preferences(as_owner, acme):
    contact = Contact.objects.create(client=acme, name="Pieter de Vries", email="pieter@acme.example")
    url = f"/comms/contacts/{contact.pk}/preferences/"
    assert_unchanged(*save_unchanged(as_owner, url, containing="cadence", models=TABLES))


def test_the_reader_blanks_what_a_browser_cannot_keep():
    html = """<form method="post"><input type="number" name="q" value="0,5"><input type="date" name="d"
    value="01-12-2026"><input type="number" name="ok" value="0.5"><input type="date" name="iso" value="2026-12-01">
    <select name="s"><option value="a">A</option><option value="b">B</option></select>
    <input type="checkbox" name="c"><textarea name="t">
x</textarea></form>"""
    assert browser_values(html, containing="q") == {
        "q": [""],
        "d": [""],
        "ok": ["0.5"],
        "iso": ["2026-12-01"],
        "s": ["a"],
        "t": ["x"],
    }


def test_an_engagement_edit_changes_only_the_field_typed(as_owner, acme, odd_retainer):
    url = f"/clients/{acme.pk}/engagements/{odd_retainer.pk}/"
    page = as_owner.get(url)
    data = browser_values(page.content.decode(), containing="starts_on")
    data["name"] = ["Retainer 12,5 uur"]
    before = Engagement.objects.filter(pk=odd_retainer.pk).values().get()
    assert as_owner.post(url, data).status_code == 302
    after = Engagement.objects.filter(pk=odd_retainer.pk).values().get()
    assert {k for k in after if after[k] != before[k]} == {"name"}
