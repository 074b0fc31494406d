"""Invoicing throughput: 1,000 invoices × 10 lines — finalise, render the PDF, write UBL and CII (ms per invoice).

Run: env -u DATABASE_URL .venv/bin/python bench/invoicing.py [COUNT]   (a throwaway SQLite database in a temp dir;
set DATABASE_URL to measure PostgreSQL — it then uses a test database named bench_invoicing).
"""

import os
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("VADESK_DATA_DIR", tempfile.mkdtemp(prefix="vadesk-bench-"))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def main(count: int) -> None:
    setup_test_environment()
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(count)
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


def run(count: int) -> None:
    from vadesk.accounts.models import Membership, Organisation, Person
    from vadesk.clients.models import Client
    from vadesk.einvoice.cii import to_cii
    from vadesk.einvoice.ubl import to_ubl
    from vadesk.invoicing.documents import document_of
    from vadesk.invoicing.models import Invoice, InvoiceLine
    from vadesk.invoicing.pdf.render import render_pdf
    from vadesk.invoicing.services import invoice_finalise, seller_profile_of

    org = Organisation.objects.create(
        name="Bench B.V.",
        street="Keizersgracht 1",
        postal_code="1015 CJ",
        city="Amsterdam",
        vat_id="NL123456782B01",
        iban="NL91ABNA0417164300",
        coc_number="12345678",
    )
    owner = Person.objects.create_user("bench@example.com", "x" * 12, full_name="Bench Owner")
    Membership.objects.create(person=owner, organisation=org, role="owner")
    seller = seller_profile_of(org)
    client = Client.objects.create(
        organisation=org,
        name="Client GmbH",
        country="DE",
        vat_id="DE136695976",
        street="Hauptstr. 1",
        postal_code="10115",
        city="Berlin",
        email="ap@client.example",
    )
    drafts = []
    for _i in range(count):
        invoice = Invoice.objects.create(
            organisation=org,
            seller=seller,
            client=client,
            period_start=date(2026, 10, 1),
            period_end=date(2026, 10, 31),
            language="de",
        )
        InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(
                    invoice=invoice,
                    position=n,
                    description=f"Leistung {n}",
                    quantity=Decimal("1.25") * n,
                    unit="HUR",
                    unit_price=Decimal("55.00"),
                )
                for n in range(1, 11)
            ]
        )
        drafts.append(invoice)
    timings = {"finalise": 0.0, "pdf": 0.0, "ubl": 0.0, "cii": 0.0}
    render_pdf(drafts[0])  # warm the typst compiler and fonts once
    for draft in drafts:
        started = time.perf_counter()
        invoice = invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))
        timings["finalise"] += time.perf_counter() - started
        started = time.perf_counter()
        render_pdf(invoice)
        timings["pdf"] += time.perf_counter() - started
        started = time.perf_counter()
        doc = document_of(invoice)
        to_ubl(doc)
        timings["ubl"] += time.perf_counter() - started
        started = time.perf_counter()
        to_cii(document_of(invoice))
        timings["cii"] += time.perf_counter() - started
    print(f"{count} invoices × 10 lines on {connection.vendor}")
    for name, seconds in timings.items():
        print(f"  {name:9s} {seconds * 1000 / count:7.2f} ms per invoice")
    print(f"  {'total':9s} {sum(timings.values()) * 1000 / count:7.2f} ms per invoice")


if __name__ == "__main__":
    if "DATABASE_URL" in os.environ:
        os.environ.setdefault("VADESK_TEST_DB_NAME", "bench_invoicing")
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
