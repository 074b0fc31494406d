"""The VAT rates of the countries vadesk invoices from, as dated rows (history included, so old dates price right)."""

from datetime import date
from decimal import Decimal

from django.db import migrations

RATES = [
    # Netherlands: 21 % since 1 Oct 2012, low rate 9 % since 1 Jan 2019 (6 % before).
    ("NL", "standard", "21", date(2012, 10, 1)),
    ("NL", "reduced", "6", date(2001, 1, 1)),
    ("NL", "reduced", "9", date(2019, 1, 1)),
    ("NL", "zero", "0", date(1969, 1, 1)),
    # Germany: 19/7 %, with the temporary 16/5 % from 1 Jul to 31 Dec 2020.
    ("DE", "standard", "19", date(2007, 1, 1)),
    ("DE", "standard", "16", date(2020, 7, 1)),
    ("DE", "standard", "19", date(2021, 1, 1)),
    ("DE", "reduced", "7", date(1983, 7, 1)),
    ("DE", "reduced", "5", date(2020, 7, 1)),
    ("DE", "reduced", "7", date(2021, 1, 1)),
    ("DE", "zero", "0", date(1968, 1, 1)),
    # Belgium: 21/12/6/0 %.
    ("BE", "standard", "21", date(1996, 1, 1)),
    ("BE", "intermediate", "12", date(1992, 4, 1)),
    ("BE", "reduced", "6", date(1971, 1, 1)),
    ("BE", "zero", "0", date(1971, 1, 1)),
    # Austria: 20/10/0 %.
    ("AT", "standard", "20", date(1984, 1, 1)),
    ("AT", "reduced", "10", date(1984, 1, 1)),
    ("AT", "zero", "0", date(1973, 1, 1)),
]


def seed(apps, schema_editor):
    VatRate = apps.get_model("invoicing", "VatRate")
    for country, kind, rate, valid_from in RATES:
        VatRate.objects.get_or_create(country=country, kind=kind, valid_from=valid_from, defaults={"rate": Decimal(rate)})


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
