"""The organisation's own revenue per month of issue, kept (`RevenueMonth`): what the owner's dashboard charts.

A final document adds its net to its month once, in the transaction that makes it final (`revenue_add`, called by
`invoice_finalise`: the one place a document becomes final, and final documents never change). An invoice adds
its net, a credit note takes its net off; one issued on a client's behalf (with a buyer) is the client's revenue
and adds nothing. The add is one upsert (`net_cents = net_cents + n`), so two finalisations of the same month
both count. `revenue_rebuild` recomputes the months from the invoices, under a table lock on PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum
from django.db.models.functions import Abs

from vadesk.engagements.balance import month_start
from vadesk.invoicing.models import Invoice, InvoiceQuerySet, RevenueMonth

CENT = Decimal("0.01")


def revenue_of(invoice: Invoice) -> int:
    """What a final document adds to its month, in cents: its net, negative for a credit note, 0 on behalf."""
    if invoice.buyer_id is not None:
        return 0
    cents = int((abs(invoice.net_total) / CENT).to_integral_value())
    return -cents if invoice.kind == Invoice.Kind.CREDIT_NOTE else cents


def revenue_add(invoice: Invoice) -> None:
    """Add a document that has just become final to its month (inside the finalising transaction)."""
    if not connection.in_atomic_block:
        raise RuntimeError("revenue_add must run inside the transaction that makes the invoice final")
    cents = revenue_of(invoice)
    if cents == 0 or invoice.issue_date is None:
        return
    table = connection.ops.quote_name(RevenueMonth._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organisation_id, month, net_cents) VALUES (%s, %s, %s) "
            f"ON CONFLICT (organisation_id, month) DO UPDATE SET net_cents = {table}.net_cents + excluded.net_cents",
            [invoice.organisation_id, connection.ops.adapt_datefield_value(month_start(invoice.issue_date)), cents],
        )


def revenue_rebuild(organisation_ids: Iterable[int] | None = None) -> int:
    """Recompute the kept months (of all organisations, or of these) from the final invoices; returns the rows."""
    ids = None if organisation_ids is None else list(organisation_ids)
    documents = Invoice.objects.final().filter(buyer__isnull=True, issue_date__isnull=False)
    kept = RevenueMonth.objects.all()
    if ids is not None:
        documents, kept = documents.filter(organisation_id__in=ids), kept.filter(organisation_id__in=ids)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # a finalisation that has added waits here and is counted
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(RevenueMonth._meta.db_table)} IN EXCLUSIVE MODE")
        months: Counter[tuple[int, date]] = Counter()
        fields = ("organisation_id", "issue_date", "kind", "net_total", "buyer_id")
        for invoice in documents.only(*fields).iterator(5_000):
            issued = invoice.issue_date
            if issued is not None:  # always: the documents were filtered on it
                months[(invoice.organisation_id, month_start(issued))] += revenue_of(invoice)
        kept.delete()
        rows = [RevenueMonth(organisation_id=o, month=m, net_cents=n) for (o, m), n in months.items() if n]
        RevenueMonth.objects.bulk_create(rows, batch_size=5_000)
    return len(rows)


def month_so_far(invoices: InvoiceQuerySet, today: date) -> Decimal:
    """Today's month's revenue from its documents among `invoices` issued up to today (one dated later this month
    is not revenue yet): the kept month may already hold it. The rule of `revenue_of`, summed in the database."""
    documents = (
        invoices.final()
        .filter(issue_date__range=(month_start(today), today), buyer__isnull=True)
        .values_list("kind")
        .annotate(net=Sum(Abs("net_total")))
        .order_by()
    )
    total = Decimal("0.00")
    for kind, net in documents:
        total += (-1 if kind == Invoice.Kind.CREDIT_NOTE else 1) * (net or 0)
    return total


def as_money(cents: int) -> Decimal:
    return (Decimal(cents) * CENT).quantize(CENT)
