# Placeholder for the t13-search branch's migration of the same name (replaced at merge).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tasks", "0007_task_closed_by_client_on_every_database")]
    operations = []
