"""Triage explains why a mail waits in the reader's language, though the note is stored in English."""

import pytest
from django.urls import reverse

from vadesk.comms.models import InboundMessage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language, expected",
    [("nl", "Onbekende afzender."), ("de", "Unbekannter Absender."), ("en", "Unknown sender.")],
)
def test_the_reason_is_in_the_owners_language(client, owner, org, language, expected):
    InboundMessage.objects.create(
        key="<a@b>", organisation=org, sender="prospect@example.com", raw=b"", outcome="triage", note="Unknown sender."
    )
    InboundMessage.objects.create(
        key="<c@d>",
        organisation=org,
        sender="x@example.com",
        raw=b"",
        outcome="triage",
        note="Could not be filed: Boom",
    )
    owner.language = language
    owner.save(update_fields=["language"])
    client.force_login(owner)
    page = client.get(reverse("comms:triage")).content.decode()
    assert expected in page
    assert "Could not be filed: Boom" in page  # a note with details is shown as it was written
