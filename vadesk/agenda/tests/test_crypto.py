"""CalDAV passwords are encrypted at rest (Fernet), with a key from VADESK_ENCRYPTION_KEY or else SECRET_KEY."""

import base64
import importlib
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.db import connection
from django.test import override_settings

from vadesk.agenda import crypto
from vadesk.agenda.models import Calendar
from vadesk.agenda.parties import client_party


def _raw(calendar) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM agenda_calendar WHERE id = %s", [calendar.pk])
        return cursor.fetchone()[0]


def _key(secret: str) -> Fernet:
    # Written out here again, so a change to the derivation (which would lock out stored passwords) fails this test.
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"vadesk", info=b"vadesk stored secrets v1").derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


@pytest.fixture
def calendar(acme):
    return Calendar.objects.create(
        party=client_party(acme),
        name="Work",
        source=Calendar.Source.CALDAV,
        url="http://127.0.0.1:9/",
        username="anna",
        password="correct horse battery staple",
    )


@override_settings(SECRET_KEY="test-secret-key-for-the-agenda-crypto-test-0123456789")
def test_the_password_is_stored_encrypted_with_a_key_from_secret_key(calendar, monkeypatch):
    monkeypatch.delenv(crypto.ENV, raising=False)
    calendar.save()
    raw = _raw(calendar)
    assert raw.startswith("fernet:") and "correct horse" not in raw
    assert (
        _key("test-secret-key-for-the-agenda-crypto-test-0123456789").decrypt(raw[7:].encode())
        == b"correct horse battery staple"
    )
    assert Calendar.objects.get(pk=calendar.pk).password == "correct horse battery staple"
    # Fernet uses a fresh IV each time: two saves of one password differ.
    calendar.save()
    assert _raw(calendar) != raw


def test_vadesk_encryption_key_takes_precedence(calendar, monkeypatch, settings):
    monkeypatch.setenv(crypto.ENV, "a-separate-key-kept-outside-the-settings")
    calendar.save()
    raw = _raw(calendar)
    assert _key("a-separate-key-kept-outside-the-settings").decrypt(raw[7:].encode()) == b"correct horse battery staple"
    assert Calendar.objects.get(pk=calendar.pk).password == "correct horse battery staple"
    # With another key the value cannot be read: it comes back empty (to be entered again), never as garbage.
    monkeypatch.setenv(crypto.ENV, "some-other-key")
    assert Calendar.objects.get(pk=calendar.pk).password == ""
    monkeypatch.setenv(crypto.ENV, "a-separate-key-kept-outside-the-settings")
    tampered = raw[:-6] + ("A" if raw[-6] != "A" else "B") + raw[-5:]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE agenda_calendar SET password = %s WHERE id = %s", [tampered, calendar.pk])
    assert Calendar.objects.get(pk=calendar.pk).password == ""


def test_the_migration_encrypts_plain_passwords_and_leaves_encrypted_ones(calendar, acme):
    other = Calendar.objects.create(
        party=client_party(acme),
        name="Other",
        source=Calendar.Source.CALDAV,
        url="http://127.0.0.1:9/",
        password="s3cret",
    )
    already = _raw(other)
    empty = Calendar.objects.create(party=client_party(acme), name="None", source=Calendar.Source.LOCAL)
    with connection.cursor() as cursor:  # as a password was stored before this change
        cursor.execute("UPDATE agenda_calendar SET password = %s WHERE id = %s", ["plain old password", calendar.pk])
    assert Calendar.objects.get(pk=calendar.pk).password == "plain old password"  # still readable before the migration
    migration = importlib.import_module("vadesk.agenda.migrations.0004_encrypt_caldav_passwords")
    # The migration's functions use only the schema editor's connection; SQLite refuses a real editor inside a test transaction.
    editor = SimpleNamespace(connection=connection)
    migration.encrypt_existing(apps, editor)
    assert (
        _raw(calendar).startswith("fernet:") and Calendar.objects.get(pk=calendar.pk).password == "plain old password"
    )
    assert _raw(other) == already and _raw(empty) == ""
    migration.decrypt_existing(apps, editor)
    assert _raw(calendar) == "plain old password" and _raw(other) == "s3cret"


def test_caldav_sync_still_logs_in_with_the_decrypted_password(synced_calendar, dav_calendar):
    from vadesk.agenda.caldav_sync import calendar_sync

    assert _raw(synced_calendar).startswith("fernet:")
    dav_calendar.save_event(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTAMP:20260301T000000Z\r\n"
        "DTSTART:20260317T090000Z\r\nDTEND:20260317T100000Z\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert calendar_sync(calendar=Calendar.objects.get(pk=synced_calendar.pk)).pulled == 1


def test_a_password_over_200_characters_is_refused(acme, assistant):
    from django.core.exceptions import ValidationError

    from vadesk.agenda.services import calendar_create

    with pytest.raises(ValidationError, match="at most 200"):
        calendar_create(
            by=assistant,
            party=client_party(acme),
            name="x",
            source="caldav",
            url="http://127.0.0.1:9/",
            password="x" * 201,
        )
    assert not Calendar.objects.filter(name="x").exists()
