"""The index an owner's outbox counts read, and the rule the fill of 0007 made true, kept true by the database.

Apart from 0007: PostgreSQL cannot alter a table whose rows the same transaction updated while their deferred
foreign-key checks are pending."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("comms", "0007_outbox_by_organisation")]

    operations = [
        migrations.AddIndex(
            model_name="outboxmessage",
            index=models.Index(fields=["organisation", "state", "not_before"], name="outbox_organisation_state"),
        ),
        migrations.AddConstraint(
            model_name="outboxmessage",
            constraint=models.CheckConstraint(
                condition=models.Q(("client__isnull", True), ("organisation__isnull", False), _connector="OR"),
                name="outbox_client_has_organisation",
            ),
        ),
    ]
