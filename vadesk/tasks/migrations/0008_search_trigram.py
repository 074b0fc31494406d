"""Search's substring match on task titles and comment bodies through a trigram index (PostgreSQL only)."""

from django.db import migrations

from vadesk.lib.trigram import AddTrigramIndex


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0007_task_closed_by_client_on_every_database"),
    ]

    operations = [
        AddTrigramIndex(model_name="task", field="title", name="task_title_trigram"),
        AddTrigramIndex(model_name="comment", field="body", name="comment_body_trigram"),
    ]
