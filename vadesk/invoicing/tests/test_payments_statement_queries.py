"""The bank-statement import reads open amounts once: its query count does not grow with lines or open invoices."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vadesk.accounts.models import Person
from vadesk.invoicing.models import Invoice, Payment, StatementLine
from vadesk.invoicing.services import statement_import
from vadesk.invoicing.tests.camt_sample import statement

pytestmark = pytest.mark.django_db


def open_invoices(seller, client, first: int, count: int) -> list[Invoice]:
    """Final, unpaid invoices numbered Q-<n>; every third has a part paid and every fifth a final credit note."""
    made = Invoice.objects.bulk_create(
        Invoice(
            organisation_id=seller.organisation_id,
            seller=seller,
            client=client,
            status=Invoice.Status.FINAL,
            number=f"Q-{n:04d}",
            issue_date=date(2026, 11, 2),
            due_date=date(2026, 11, 16),
            period_start=date(2026, 10, 1),
            period_end=date(2026, 10, 31),
            gross_total=Decimal(100 + n),
        )
        for n in range(first, first + count)
    )
    Payment.objects.bulk_create(
        Payment(invoice=i, amount=Decimal("10.00"), paid_on=date(2026, 11, 5)) for i in made[::3]
    )
    Invoice.objects.bulk_create(
        Invoice(
            organisation_id=seller.organisation_id,
            seller=seller,
            client=client,
            kind=Invoice.Kind.CREDIT_NOTE,
            credit_of=i,
            status=Invoice.Status.FINAL,
            number=f"C-{i.number}",
            issue_date=date(2026, 11, 3),
            period_start=date(2026, 10, 1),
            period_end=date(2026, 10, 31),
            gross_total=Decimal("5.00"),
        )
        for i in made[::5]
    )
    return made


def expected_open(position: int, invoice: Invoice) -> Decimal:
    return invoice.gross_total - (Decimal(10) if position % 3 == 0 else 0) - (Decimal(5) if position % 5 == 0 else 0)


def entries_for(invoices: list[Invoice], prefix: str) -> list[dict]:
    """Per invoice one credit: the exact open amount with its number, another amount with its number, or no number."""
    entries = []
    for position, invoice in enumerate(invoices):
        due = expected_open(position, invoice)
        kind = position % 3
        amount, text = [(due, f"Factuur {invoice.number}"), (due - 1, f"inv {invoice.number}"), (Decimal(7), "gift")][
            kind
        ]
        entries.append({"ref": f"{prefix}{position}", "amount": f"{amount:.2f}", "text": text})
    return entries


def import_counting(owner, org, entries: list[dict]) -> int:
    owner = Person.objects.get(pk=owner.pk)  # a fresh person, as each request has: nothing about its reach cached
    with CaptureQueriesContext(connection) as queries:
        statement_import(by=owner, organisation=org, data=statement(entries))
    return len(queries.captured_queries)


def test_the_import_reads_open_amounts_once_whatever_the_size(owner, org, seller, billable_acme):
    small = open_invoices(seller, billable_acme, 1, 5)
    small_count = import_counting(owner, org, entries_for(small, "S"))
    large = open_invoices(seller, billable_acme, 100, 40)
    large_count = import_counting(owner, org, entries_for(large, "L"))
    assert small_count == large_count, (small_count, large_count)
    assert large_count <= 10  # reach, savepoint, 7 reads and writes, release
    statuses = dict(
        StatementLine.objects.filter(bank_reference__startswith="L").values_list("bank_reference", "status")
    )
    assert statuses == {f"L{p}": ["matched", "review", "unmatched"][p % 3] for p in range(40)}
    assert Invoice.objects.filter(number__in=[i.number for i in large[::3]], paid_at=date(2026, 11, 10)).count() == 14
