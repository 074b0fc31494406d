"""Search's substring match on dossier facts through a trigram index (PostgreSQL only)."""

from django.db import migrations

from vadesk.lib.trigram import AddTrigramIndex


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0004_keyset_indexes"),
    ]

    operations = [
        AddTrigramIndex(model_name="dossierfact", field="text", name="dossierfact_text_trigram"),
    ]
