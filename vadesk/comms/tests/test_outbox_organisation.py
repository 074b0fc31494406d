"""A client's outbox message is filed under the client's organisation, so an owner's outbox is read by
organisation alone: the same messages the old rule (the organisation's own, or any of its clients') found."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from vadesk.clients.models import Client
from vadesk.comms.models import OutboxMessage
from vadesk.comms.outbox import outbox_enqueue
from vadesk.comms.scoping import outbox_of


def enqueue(**fields) -> OutboxMessage:
    with transaction.atomic():
        return outbox_enqueue(kind="update", recipient="ceo@acme.example", subject="Hello", body_text="…", **fields)


def test_a_clients_message_without_an_organisation_is_filed_under_the_clients(org, acme):
    message = enqueue(organisation_id=None, client_id=acme.pk)
    assert message.organisation_id == org.pk


def test_the_database_refuses_a_clients_message_without_an_organisation(acme):
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(
            client=acme, kind="update", recipient="x@acme.example", message_id="<x@y>", not_before=timezone.now()
        )


def test_an_owner_sees_what_the_old_rule_showed_and_an_assistant_only_their_clients(
    org, other_org, acme, other_client, owner, assistant, outsider
):
    unassigned = Client.objects.create(organisation=org, name="Nobody's", country="NL")
    mine = enqueue(organisation_id=org.pk, client_id=acme.pk)
    theirs = enqueue(organisation_id=None, client_id=unassigned.pk)
    practice = enqueue(organisation_id=org.pk)  # the practice's own mail: no client
    elsewhere = enqueue(organisation_id=other_org.pk, client_id=other_client.pk)
    reset = enqueue(organisation_id=None)  # a password reset: no organisation's business

    old_rule = OutboxMessage.objects.filter(Q(organisation=org) | Q(client__organisation=org))
    assert set(outbox_of(owner, org.pk)) == set(old_rule) == {mine, theirs, practice}
    assert set(outbox_of(assistant, org.pk)) == {mine}
    assert set(outbox_of(outsider, other_org.pk)) == {elsewhere}
    assert reset not in set(outbox_of(owner, org.pk)) | set(outbox_of(outsider, other_org.pk))


@pytest.mark.postgres
def test_the_migration_files_the_old_messages_under_their_clients_organisation(org, acme, other_org):
    """Before 0008 a client's message could lack its organisation: the fill of 0007 files it (on PostgreSQL, where
    the test can lift the constraint inside its own transaction, which is rolled back after it)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("lifting a check constraint inside a transaction needs PostgreSQL (SQLite rebuilds the table)")
    migration = importlib.import_module("vadesk.comms.migrations.0007_outbox_by_organisation")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE comms_outboxmessage DROP CONSTRAINT outbox_client_has_organisation")
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                kind="update",
                recipient="a@acme.example",
                message_id="<a@t>",
                not_before=timezone.now(),
                organisation=org,
            ),
            OutboxMessage(
                kind="update", recipient="b@acme.example", message_id="<b@t>", not_before=timezone.now(), client=acme
            ),
            OutboxMessage(kind="account", recipient="c@acme.example", message_id="<c@t>", not_before=timezone.now()),
            OutboxMessage(
                kind="update",
                recipient="d@acme.example",
                message_id="<d@t>",
                not_before=timezone.now(),
                organisation=other_org,
            ),
        ]
    )
    migration.file_under_the_clients_organisation(apps, None)
    assert dict(OutboxMessage.objects.values_list("message_id", "organisation_id")) == {
        "<a@t>": org.pk,
        "<b@t>": org.pk,
        "<c@t>": None,
        "<d@t>": other_org.pk,
    }
