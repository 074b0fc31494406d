"""Eight finalisations at once on SQLite (one database FILE, a connection each) get consecutive numbers, no gaps.

PostgreSQL serialises them with a row lock (test_numbering_concurrency.py); SQLite with the project's
IMMEDIATE transactions, each writer queueing at BEGIN.
"""

import importlib
import threading
from datetime import date
from decimal import Decimal

from django.apps import apps

from vadesk.accounts.models import Membership, Organisation, Person
from vadesk.clients.models import Client
from vadesk.conftest import make_person, on_own_connection
from vadesk.invoicing.models import Invoice
from vadesk.invoicing.services import invoice_draft_create, invoice_finalise, invoice_line_save, seller_profile_of
from vadesk.invoicing.tests.conftest import PERIOD

DRAFTS = 8


def seed() -> tuple[list[int], list[int]]:
    """Eight drafts of one line for acme, and two owners to finalise them."""
    importlib.import_module("vadesk.invoicing.migrations.0002_vat_rates").seed(apps, None)
    org = Organisation.objects.create(
        name="Assist & Co", country="NL", vat_id="NL123456782B01", iban="NL91ABNA0417164300"
    )
    org.street, org.postal_code, org.city, org.coc_number = "Keizersgracht 123", "1015 CJ", "Amsterdam", "12345678"
    org.save()
    profile = seller_profile_of(org)
    profile.email, profile.phone, profile.contact_name = "facturen@assist.example", "+31 20 123 4567", "Olga Owner"
    profile.save()
    acme = Client.objects.create(
        organisation=org,
        name="Acme B.V.",
        country="NL",
        street="Damrak 1",
        postal_code="1012 LG",
        city="Amsterdam",
        email="ap@acme.example",
    )
    owners = []
    for email in ("olga@assist.example", "otto2@assist.example"):
        person = make_person(email, email.split("@")[0].title())
        Membership.objects.create(person=person, organisation=org, role=Membership.Role.OWNER)
        owners.append(person)
    drafts = []
    for i in range(DRAFTS):
        draft = invoice_draft_create(
            by=owners[0], client=acme, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False
        )
        invoice_line_save(
            by=owners[0], invoice=draft, description=f"Work {i}", quantity=Decimal(1), unit="C62", unit_price=100
        )
        drafts.append(draft.pk)
    return drafts, [p.pk for p in owners]


def test_concurrent_finalising_on_sqlite_gives_consecutive_numbers_without_gaps(sqlite_file):
    seeding, seeded = on_own_connection(sqlite_file, seed)
    seeding.start()
    seeding.join()
    assert "error" not in seeded, seeded
    drafts, owners = seeded["value"]
    barrier = threading.Barrier(DRAFTS)

    def finalise(draft_pk: int, owner_pk: int):
        def work() -> str:
            invoice, by = Invoice.objects.get(pk=draft_pk), Person.objects.get(pk=owner_pk)
            barrier.wait(timeout=20)
            return invoice_finalise(by=by, invoice=invoice, issue_date=date(2026, 11, 1)).number

        return work

    workers = [on_own_connection(sqlite_file, finalise(pk, owners[i % 2])) for i, pk in enumerate(drafts)]
    for thread, _ in workers:
        thread.start()
    for thread, _ in workers:
        thread.join(timeout=120)

    assert [result["error"] for _, result in workers if "error" in result] == []
    assert sorted(result["value"] for _, result in workers) == [f"2026-{n:04d}" for n in range(1, DRAFTS + 1)]
