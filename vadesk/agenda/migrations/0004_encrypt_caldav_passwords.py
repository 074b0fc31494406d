"""CalDAV passwords encrypted at rest: the column becomes an EncryptedTextField and existing values are encrypted."""

from django.db import migrations

import vadesk.agenda.crypto


def encrypt_existing(apps, schema_editor):
    """Rewrite every stored password that is still plain text. Idempotent: encrypted values are left alone."""
    from vadesk.agenda.crypto import PREFIX, encrypt

    connection = schema_editor.connection
    table = connection.ops.quote_name("agenda_calendar")
    with connection.cursor() as cursor:
        # Raw SQL on purpose: the model field would decrypt on read and hide which rows are still plain.
        cursor.execute(f"SELECT id, password FROM {table} WHERE password <> ''")
        plain = [(pk, value) for pk, value in cursor.fetchall() if not value.startswith(PREFIX)]
        for pk, value in plain:
            cursor.execute(f"UPDATE {table} SET password = %s WHERE id = %s", [encrypt(value), pk])


def decrypt_existing(apps, schema_editor):
    from vadesk.agenda.crypto import PREFIX, decrypt

    connection = schema_editor.connection
    table = connection.ops.quote_name("agenda_calendar")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, password FROM {table} WHERE password <> ''")
        for pk, value in cursor.fetchall():
            if value.startswith(PREFIX):
                # The old column held at most 200 characters.
                cursor.execute(f"UPDATE {table} SET password = %s WHERE id = %s", [decrypt(value)[:200], pk])


class Migration(migrations.Migration):

    dependencies = [
        ("agenda", "0003_calendar_sync_failures"),
    ]

    operations = [
        migrations.AlterField(
            model_name="calendar",
            name="password",
            field=vadesk.agenda.crypto.EncryptedTextField(blank=True, verbose_name="password"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
