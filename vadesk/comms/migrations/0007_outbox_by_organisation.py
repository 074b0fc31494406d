"""A client's outbox message always carries the client's organisation, so an owner's outbox is read by organisation
alone (one index range instead of a scan of every message joined to every client)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def file_under_the_clients_organisation(apps, schema_editor):
    OutboxMessage = apps.get_model("comms", "OutboxMessage")
    Client = apps.get_model("clients", "Client")
    OutboxMessage.objects.filter(organisation__isnull=True, client__isnull=False).update(
        organisation_id=Subquery(Client.objects.filter(pk=OuterRef("client_id")).values("organisation_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0005_search_trigram"),
        ("comms", "0006_keyset_indexes"),
    ]

    operations = [
        migrations.RunPython(file_under_the_clients_organisation, migrations.RunPython.noop),
    ]
