"""Search's substring match on invoice numbers through a trigram index (PostgreSQL only)."""

from django.db import migrations

from vadesk.lib.trigram import AddTrigramIndex


class Migration(migrations.Migration):
    dependencies = [
        ("invoicing", "0006_keyset_indexes"),
    ]

    operations = [
        AddTrigramIndex(model_name="invoice", field="number", name="invoice_number_trigram"),
    ]
