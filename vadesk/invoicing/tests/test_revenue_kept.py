"""The kept revenue per month always equals the final documents it stands for: after invoices and credit notes are
finalised, never for documents on a client's behalf, after a rebuild and after the migration's fill; only owners
read it, and the dashboard's chart is read from it."""

import importlib
from collections import Counter
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from vadesk.engagements.balance import month_start
from vadesk.invoicing.models import Invoice, RevenueMonth
from vadesk.invoicing.revenue import revenue_rebuild
from vadesk.invoicing.scoping import revenue_months_for
from vadesk.invoicing.services import credit_note_create, invoice_draft_create, invoice_finalise, invoice_line_save
from vadesk.invoicing.tests.conftest import PERIOD
from vadesk.invoicing.tests.test_behalf import _final, behalf  # noqa: F401 - the fixture, for on-behalf documents
from vadesk.reports.overview import overview


def counted(organisation) -> dict[date, Decimal]:
    """The rule counted document by document: invoices' net less credit notes', the agency's own only."""
    totals: Counter[date] = Counter()
    for invoice in Invoice.objects.filter(organisation=organisation, status="final", buyer__isnull=True):
        sign = -1 if invoice.kind == Invoice.Kind.CREDIT_NOTE else 1
        totals[month_start(invoice.issue_date)] += sign * abs(invoice.net_total)
    return {month: net for month, net in totals.items() if net}


def kept(organisation) -> dict[date, Decimal]:
    rows = RevenueMonth.objects.filter(organisation=organisation).values_list("month", "net_cents")
    return {month: Decimal(cents) / 100 for month, cents in rows}


def free_invoice(owner, acme, amount: str, issued: date) -> Invoice:
    draft = invoice_draft_create(by=owner, client=acme, period_start=PERIOD[0], period_end=PERIOD[1])
    invoice_line_save(by=owner, invoice=draft, description="Event", quantity=Decimal("1"), unit_price=Decimal(amount))
    return invoice_finalise(by=owner, invoice=draft, issue_date=issued)


@pytest.fixture
def documents(owner, seller, billable_acme, october_hours):
    """October's hours invoiced in November, an event invoiced in November too, and the hours credited in
    December."""
    hours = invoice_finalise(
        by=owner,
        invoice=invoice_draft_create(by=owner, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1]),
        issue_date=date(2026, 11, 2),
    )
    event = free_invoice(owner, billable_acme, "1234.56", date(2026, 11, 30))
    credit = invoice_finalise(
        by=owner, invoice=credit_note_create(by=owner, invoice=hours), issue_date=date(2026, 12, 1)
    )
    return hours, event, credit


def test_finalising_adds_each_document_to_its_month(org, documents):
    hours, event, credit = documents
    assert (
        kept(org)
        == counted(org)
        == {date(2026, 11, 1): hours.net_total + event.net_total, date(2026, 12, 1): -abs(credit.net_total)}
    )


def test_documents_on_a_clients_behalf_are_the_clients_revenue(org, behalf, owner, assistant):
    on_behalf = _final(behalf, owner, assistant, "Weiterbildung Müller GmbH")
    assert on_behalf.is_final and on_behalf.buyer_id is not None
    assert kept(org) == counted(org) == {}


def test_the_rebuild_repairs_the_months_of_the_organisations_given(org, other_org, documents):
    RevenueMonth.objects.filter(organisation=org).update(net_cents=1)
    RevenueMonth.objects.create(organisation=org, month=date(2020, 1, 1), net_cents=99)  # a stray month
    elsewhere = RevenueMonth.objects.create(organisation=other_org, month=date(2026, 11, 1), net_cents=7)

    revenue_rebuild([org.pk])
    assert kept(org) == counted(org)
    assert RevenueMonth.objects.get(pk=elsewhere.pk).net_cents == 7  # another organisation's rows are left alone

    revenue_rebuild()
    assert not RevenueMonth.objects.filter(organisation=other_org).exists()  # it has no final documents


def test_the_migration_counts_the_documents_there_were(org, documents):
    """On the historical models of the migration's state, not today's."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    migration = importlib.import_module("vadesk.invoicing.migrations.0009_revenue_kept")
    historical = MigrationLoader(connection).project_state(("invoicing", "0009_revenue_kept")).apps
    RevenueMonth.objects.all().delete()
    migration.keep_revenue(historical, None)
    assert kept(org) == counted(org)


def test_only_owners_read_the_kept_revenue(org, owner, assistant, outsider, documents):
    assert revenue_months_for(owner, org.pk).count() == 2
    assert not revenue_months_for(assistant, org.pk).exists()
    assert not revenue_months_for(outsider, org.pk).exists()


def test_the_dashboard_charts_the_kept_months_and_this_month_up_to_today(org, owner, billable_acme, documents):
    hours, event, credit = documents
    RevenueMonth.objects.create(organisation=org, month=date(2026, 3, 1), net_cents=4200)  # read, not recounted
    free_invoice(owner, billable_acme, "10.00", date(2026, 12, 20))  # dated ahead: not revenue on the 15th
    figures = overview(owner, org, now=timezone.make_aware(datetime(2026, 12, 15, 10)))
    chart = dict(figures.revenue_per_month)
    assert len(chart) == 12 and min(chart) == date(2026, 1, 1)
    assert chart[date(2026, 3, 1)] == Decimal("42.00")
    assert chart[date(2026, 11, 1)] == hours.net_total + event.net_total
    assert chart[date(2026, 12, 1)] == -abs(credit.net_total)
    later = dict(overview(owner, org, now=timezone.make_aware(datetime(2026, 12, 21, 10))).revenue_per_month)
    assert later[date(2026, 12, 1)] == Decimal("10.00") - abs(credit.net_total)
    # Seen from before November, none of it is revenue yet: those months are not among the twelve.
    earlier = overview(owner, org, now=timezone.make_aware(datetime(2026, 10, 20, 10)))
    assert dict(earlier.revenue_per_month)[date(2026, 3, 1)] == Decimal("42.00")
    assert sum(amount for month, amount in earlier.revenue_per_month if month >= date(2026, 10, 1)) == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rebuild_during_a_finalisation_counts_it(org, owner, seller, billable_acme, monkeypatch):
    """The finalisation has added to its month and not yet committed when the rebuild starts: the rebuild waits
    for it (its table lock) and counts it, instead of reading without it and writing its month over."""
    import threading
    import time

    from django.db import connection, connections

    from vadesk.invoicing.services.finalising import invoice_finalised

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent writers; SQLite serialises them")
    importlib.import_module("vadesk.invoicing.migrations.0002_vat_rates").seed(apps, None)  # flushed by the test
    free_invoice(owner, billable_acme, "50.00", date(2026, 11, 1))  # November's row exists: the finaliser updates it
    draft = invoice_draft_create(by=owner, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1])
    invoice_line_save(by=owner, invoice=draft, description="Event", quantity=Decimal("1"), unit_price=Decimal("100"))
    added, go = threading.Event(), threading.Event()

    def pause(**_event):  # inside the finalising transaction, after the month was added
        added.set()
        go.wait(10)

    monkeypatch.setattr(invoice_finalised, "_listeners", [*invoice_finalised._listeners, pause])
    errors: list[BaseException] = []

    def run(work):
        try:
            work()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    finaliser = threading.Thread(
        target=run, args=(lambda: invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2)),)
    )
    finaliser.start()
    assert added.wait(10)
    rebuild = threading.Thread(target=run, args=(lambda: revenue_rebuild([org.pk]),))
    rebuild.start()
    time.sleep(0.5)  # the rebuild reaches its lock (or, without one, reads and deletes before the commit)
    go.set()
    finaliser.join(10)
    rebuild.join(10)
    assert errors == []
    assert kept(org) == counted(org) == {date(2026, 11, 1): Decimal("150.00")}
