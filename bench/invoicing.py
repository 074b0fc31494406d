"""Invoicing throughput: 1,000 invoices × 10 lines — finalise, render the PDF, write UBL and CII (ms per invoice);
and the monthly run for 1,000 clients, as the old single-transaction request and as the job (`run`).

Run: env -u DATABASE_URL .venv/bin/python bench/invoicing.py [COUNT]   (a throwaway SQLite database in a temp dir;
set DATABASE_URL to measure PostgreSQL — it then uses a test database named bench_invoicing).
     env -u DATABASE_URL .venv/bin/python bench/invoicing.py run [CLIENTS]
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


def main(count: int, what: str = "finalise") -> None:
    setup_test_environment()
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        (month_run if what == "run" else run)(count)
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


def month_run(count: int) -> None:
    """The monthly run for `count` clients with 3 entries each: before (one transaction around every client's
    draft, as the request did) and after (the job: one transaction per client), each on fresh data."""
    from django.db import transaction

    from vadesk.invoicing.jobs import invoice_month_run_job
    from vadesk.invoicing.models import Invoice, InvoiceLine, InvoiceLineEntry
    from vadesk.invoicing.services import invoice_month_draft, month_run_clients
    from vadesk.jobs.models import JobRun
    from vadesk.timesheets.models import TimeEntry

    org, owner = _practice(count)
    month = date(2026, 10, 1)

    def fresh() -> None:
        InvoiceLineEntry.objects.all().delete()
        InvoiceLine.objects.all().delete()
        Invoice.objects.all().delete()
        TimeEntry.objects.update(invoiced_at=None, invoice_reference="")

    print(f"monthly run, {count} clients × 3 entries, on {connection.vendor}")
    queries = Counter()
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        with transaction.atomic():  # the old request: every client's draft in one transaction
            for client in month_run_clients(organisation=org):
                invoice_month_draft(by=owner, client=client, month=month)
        before = time.perf_counter() - started
    drafts = Invoice.objects.count()
    print(f"  before (one request, one transaction): {before:7.1f} s, {queries.count} queries, {drafts} drafts;")
    print(f"    the write lock held {before:.1f} s")

    fresh()
    longest = 0.0
    real = invoice_month_draft

    def timed(**kwargs):  # the longest of the job's transactions: how long it holds the write lock at most
        nonlocal longest
        begun = time.perf_counter()
        try:
            return real(**kwargs)
        finally:
            longest = max(longest, time.perf_counter() - begun)

    import vadesk.invoicing.jobs as jobs

    jobs.invoice_month_draft = timed  # type: ignore[assignment]
    run = JobRun.objects.create(organisation=org, kind="bench", title="bench", started_by=owner)
    queries = Counter()
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        invoice_month_run_job.call(run_id=run.pk, organisation_id=org.pk, month=month.isoformat())
        after = time.perf_counter() - started
    run.refresh_from_db()
    print(
        f"  after (the job):                       {after:7.1f} s, {queries.count} queries, {Invoice.objects.count()} drafts;"
    )
    print(
        f"    longest transaction {longest * 1000:.0f} ms, run {run.state} {run.done}/{run.total}, {len(run.messages)} message(s)"
    )


class Counter:
    """Counts every query (CaptureQueriesContext keeps only the last 9,000)."""

    count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _practice(count: int):
    from vadesk.accounts.models import Membership, Organisation, Person
    from vadesk.clients.models import Client
    from vadesk.engagements.models import Engagement
    from vadesk.invoicing.services import seller_profile_of
    from vadesk.timesheets.models import TimeEntry

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
    seller_profile_of(org)
    clients = Client.objects.bulk_create(
        Client(organisation=org, name=f"Client {n:04d} B.V.", country="NL", street="Damrak 1", city="Amsterdam")
        for n in range(count)
    )
    engagements = Engagement.objects.bulk_create(
        Engagement(
            client=c, name="Support", kind=Engagement.Kind.HOURLY, starts_on=date(2026, 1, 1), hourly_rate=Decimal(55)
        )
        for c in clients
    )
    TimeEntry.objects.bulk_create(
        TimeEntry(engagement=e, person=owner, work_date=date(2026, 10, day), worked_minutes=60, billed_minutes=60)
        for e in engagements
        for day in (6, 13, 20)
    )
    return org, owner


if __name__ == "__main__":
    if "DATABASE_URL" in os.environ:
        os.environ.setdefault("VADESK_TEST_DB_NAME", "bench_invoicing")
    args = sys.argv[1:]
    what = args.pop(0) if args and args[0] == "run" else "finalise"
    main(int(args[0]) if args else 1000, what)
