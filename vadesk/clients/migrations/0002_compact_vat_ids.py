"""VAT ids saved before the client form compacted them (NL 1234.56.782.B01), stored compact: NL123456782B01."""

from django.db import migrations
from stdnum.eu import vat
from stdnum.exceptions import ValidationError


def compact(apps, schema_editor):
    Client = apps.get_model("clients", "Client")
    for client in Client.objects.exclude(vat_id="").only("vat_id"):
        try:
            compacted = vat.compact(client.vat_id)
        except ValidationError:
            compacted = client.vat_id.strip()
        if compacted != client.vat_id:
            Client.objects.filter(pk=client.pk).update(vat_id=compacted)


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]

    operations = [migrations.RunPython(compact, migrations.RunPython.noop)]
