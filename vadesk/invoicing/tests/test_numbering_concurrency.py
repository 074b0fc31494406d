"""Two owners finalising at the same moment get consecutive numbers, on PostgreSQL with real row locks; the month's
kept revenue counts every one of them, also with a rebuild of it running at the same moment."""

import importlib
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection, connections

from vadesk.accounts.models import Membership
from vadesk.conftest import make_person
from vadesk.invoicing.models import Invoice, RevenueMonth
from vadesk.invoicing.revenue import revenue_rebuild
from vadesk.invoicing.services import invoice_draft_create, invoice_finalise, invoice_line_save
from vadesk.invoicing.tests.conftest import PERIOD


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_finalising_gives_consecutive_numbers_without_gaps(seller, owner, billable_acme, org):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    # A transactional test starts from a flushed database: put back the VAT rates the data migration seeds.
    importlib.import_module("vadesk.invoicing.migrations.0002_vat_rates").seed(apps, None)
    second_owner = make_person("otto2@assist.example", "Second Owner")
    Membership.objects.create(person=second_owner, organisation=org, role=Membership.Role.OWNER)
    drafts = []
    for i in range(8):
        draft = invoice_draft_create(
            by=owner, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False
        )
        invoice_line_save(
            by=owner, invoice=draft, description=f"Work {i}", quantity=Decimal(1), unit="C62", unit_price=Decimal(100)
        )
        drafts.append(draft)
    barrier = threading.Barrier(len(drafts) + 1)
    errors: list[BaseException] = []

    def rebuild():
        try:
            barrier.wait()
            revenue_rebuild([org.pk])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def finalise(draft, by):
        try:
            barrier.wait()
            invoice_finalise(by=by, invoice=draft, issue_date=date(2026, 11, 1))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=finalise, args=(d, owner if i % 2 else second_owner)) for i, d in enumerate(drafts)
    ]
    threads.insert(len(threads) // 2, threading.Thread(target=rebuild))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Invoice.objects.final().values_list("number", flat=True))
    assert numbers == [f"2026-{n:04d}" for n in range(1, 9)]
    assert list(RevenueMonth.objects.values_list("organisation", "month", "net_cents")) == [
        (org.pk, date(2026, 11, 1), 8 * 100_00)
    ]
