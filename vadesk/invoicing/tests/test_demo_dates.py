"""The demo loaded on awkward days (month ends, a leap day, both DST changes, the turn of the year): every invoice it
finalises is valid in every e-invoice format it is offered in, under the official rules. The Factur-X PDF embeds the
CII that the "cii" format is, so the CII check covers it."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.utils import timezone

from vadesk.demo.loader import demo_load
from vadesk.einvoice.tests import official
from vadesk.invoicing.einvoices import einvoice_bytes, formats_of
from vadesk.invoicing.models import Invoice

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

XML_FORMATS = ("ubl", "cii", "xrechnung-ubl", "xrechnung-cii")
MOMENTS = [
    datetime(2026, 1, 31, 22, 30, tzinfo=UTC),  # 23:30 in Amsterdam, the last evening of January
    datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # 03:30 CEST, an hour after the clocks went forward
    datetime(2026, 4, 30, 21, 59, tzinfo=UTC),  # 23:59 CEST, the last minute of April
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 02:30 CEST, the first pass of the hour that repeats
    datetime(2026, 11, 30, 23, 30, tzinfo=UTC),  # 00:30 on 1 December in Amsterdam, still 30 November in UTC
    datetime(2026, 12, 1, 8, tzinfo=UTC),
    datetime(2027, 1, 1, 0, 5, tzinfo=UTC),  # New Year's Day
    datetime(2028, 2, 29, 12, tzinfo=UTC),  # a leap day
]


@pytest.mark.parametrize("now", MOMENTS, ids=[m.isoformat() for m in MOMENTS])
def test_every_einvoice_of_the_demo_passes_the_official_rules(now):
    with time_machine.travel(now, tick=False):
        demo_load(now=now)
        finals = list(Invoice.objects.final().order_by("issue_date", "number"))
        assert finals
        for invoice in finals:
            assert invoice.issue_date <= timezone.localdate(now)  # nothing is dated in the future
            for fmt in formats_of(invoice, XML_FORMATS):
                xml, _name, _type = einvoice_bytes(invoice, fmt)
                assert official.errors(xml) == [], (now, invoice.number, fmt)
