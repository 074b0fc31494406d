"""Bank-statement import: a CAMT.053 of 500 credits against 2,000 open invoices (target: under 2 s).

Run: env -u DATABASE_URL .venv/bin/python bench/statements.py [LINES] [INVOICES]   (a throwaway SQLite database in
a temp dir; set DATABASE_URL to measure PostgreSQL — it then uses a test database named bench_statements;
BENCH_QUERIES=1 also prints each query of the import with its time).
Of the credits, 3 in 5 name an invoice and pay exactly what is due (booked), 1 in 5 names one but pays another amount
(review), 1 in 5 names none (unmatched). Every third invoice is part paid, every fifth has a final credit note.
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
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ENTRY = """<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-11-10</Dt></BookgDt><AcctSvcrRef>{ref}</AcctSvcrRef><NtryDtls><TxDtls>
<RltdPties><Dbtr><Nm>{name}</Nm></Dbtr><DbtrAcct><Id><IBAN>NL02RABO0123456789</IBAN></Id></DbtrAcct></RltdPties>
<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""


def main(lines: int, invoices: int) -> None:
    setup_test_environment()
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(lines, invoices)
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


def statement_xml(entries: list[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        "<BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId></GrpHdr><Stmt><Id>BENCH-1</Id>"
        "<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>"
        + "".join(entries)
        + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def run(line_count: int, invoice_count: int) -> None:
    from vadesk.accounts.models import Membership, Organisation, Person
    from vadesk.clients.models import Client
    from vadesk.invoicing.models import Invoice, Payment, StatementLine
    from vadesk.invoicing.services import seller_profile_of, statement_import

    org = Organisation.objects.create(name="Bench B.V.", iban="NL91ABNA0417164300", vat_id="NL123456782B01")
    owner = Person.objects.create_user("bench@example.com", "x" * 12, full_name="Bench Owner")
    Membership.objects.create(person=owner, organisation=org, role="owner")
    seller = seller_profile_of(org)
    clients = Client.objects.bulk_create(Client(organisation=org, name=f"Client {n:03d} B.V.") for n in range(100))
    common = {"organisation": org, "seller": seller, "status": Invoice.Status.FINAL, "issue_date": date(2026, 11, 2)}
    period = {"period_start": date(2026, 10, 1), "period_end": date(2026, 10, 31)}
    made = Invoice.objects.bulk_create(
        Invoice(**common, **period, client=clients[n % 100], number=f"2026-{n:05d}", gross_total=Decimal(100 + n) / 4)
        for n in range(invoice_count)
    )
    Payment.objects.bulk_create(
        Payment(invoice=i, amount=Decimal("10.00"), paid_on=date(2026, 11, 5)) for i in made[::3]
    )
    Invoice.objects.bulk_create(
        Invoice(
            **common,
            **period,
            client=i.client,
            kind=Invoice.Kind.CREDIT_NOTE,
            credit_of=i,
            number=f"C{i.number}",
            gross_total=Decimal("5.00"),
        )
        for i in made[::5]
    )
    due = {i.pk: i.gross_total - (10 if n % 3 == 0 else 0) - (5 if n % 5 == 0 else 0) for n, i in enumerate(made)}
    entries = []
    for n in range(line_count):
        invoice = made[(n * 7) % invoice_count]
        kind = n % 5
        amount, text = (
            (due[invoice.pk], f"Factuur {invoice.number}")
            if kind < 3
            else (due[invoice.pk] - 1, f"inv {invoice.number}")
            if kind == 3
            else (Decimal("12.34"), "Dank voor de hulp")
        )
        entries.append(ENTRY.format(amount=f"{amount:.2f}", ref=f"B{n}", name=invoice.client.name, text=text))
    data = statement_xml(entries)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        statement_import(by=owner, organisation=org, data=data)
        first = time.perf_counter() - started
    query_count = len(queries.captured_queries)
    if os.environ.get("BENCH_QUERIES"):
        for q in queries.captured_queries:
            print(f"  {q['time']:>6} s  {q['sql'][:90]}")
    started = time.perf_counter()
    statement_import(by=owner, organisation=org, data=data)
    again = time.perf_counter() - started
    statuses = {s: StatementLine.objects.filter(status=s).count() for s in StatementLine.Status.values}
    print(f"{line_count} statement lines × {invoice_count} open invoices on {connection.vendor}")
    print(f"  import      {first:6.3f} s  ({query_count} queries)")
    print(f"  re-import   {again:6.3f} s  (adds nothing: {StatementLine.objects.count()} lines)")
    print(f"  lines       {statuses}")
    print(f"  paid        {Invoice.objects.filter(paid_at__isnull=False).count()} invoices")


if __name__ == "__main__":
    if "DATABASE_URL" in os.environ:
        os.environ.setdefault("VADESK_TEST_DB_NAME", "bench_statements")
    args = [int(a) for a in sys.argv[1:3]]
    main(*(args + [500, 2000][len(args) :]))
