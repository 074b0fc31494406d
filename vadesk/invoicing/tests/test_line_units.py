"""A line's unit reads with its quantity, in the reader's language: "1 maand", "2 maanden", "1,5 Stunden"."""

from decimal import Decimal

import pytest
from django.utils import translation

from vadesk.invoicing.models import InvoiceLine


@pytest.mark.parametrize(
    ("language", "unit", "quantity", "reads"),
    [
        ("nl", "MON", "1", "maand"),
        ("nl", "MON", "2", "maanden"),
        ("nl", "C62", "1", "stuk"),
        ("nl", "C62", "3", "stuks"),
        ("de", "HUR", "1", "Stunde"),
        ("de", "HUR", "1.5", "Stunden"),
        ("de", "MON", "1", "Monat"),
        ("en", "HUR", "1", "hour"),
        ("en", "C62", "2", "pieces"),
        ("en", "HUR", "0.25", "hours"),
    ],
)
def test_the_unit_agrees_with_the_quantity(language, unit, quantity, reads):
    with translation.override(language):
        assert InvoiceLine(unit=unit, quantity=Decimal(quantity)).unit_text == reads
