"""RFC 6578 §3.2: a server that no longer knows our sync token answers 403 `DAV:valid-sync-token`; the sync starts over.

Radicale forgets tokens older than `max_sync_token_age` (30 days by default), so a calendar left alone for a month meets this.
"""

from datetime import UTC, datetime

import pytest

from vadesk.agenda.caldav_sync import calendar_sync
from vadesk.agenda.models import Event
from vadesk.agenda.tests.test_caldav_sync import ics


@pytest.fixture(autouse=True)
def _march_2026(time_machine):
    time_machine.move_to(datetime(2026, 3, 10, tzinfo=UTC), tick=True)


def test_a_token_the_server_forgot_falls_back_to_a_full_listing(synced_calendar, dav_calendar):
    dav_calendar.save_event(ics(uid="first"))
    calendar_sync(calendar=synced_calendar)
    synced_calendar.refresh_from_db()
    synced_calendar.sync_token = "http://radicale.org/ns/sync/" + "0" * 64  # a token this server never issued
    synced_calendar.save(update_fields=["sync_token"])
    dav_calendar.save_event(ics(uid="second", summary="Physio"))

    report = calendar_sync(calendar=synced_calendar)

    assert sorted(Event.objects.filter(calendar=synced_calendar).values_list("uid", flat=True)) == ["first", "second"]
    assert report.pulled >= 1
    synced_calendar.refresh_from_db()
    assert synced_calendar.sync_token.startswith("http://radicale.org/ns/sync/")
    assert synced_calendar.sync_token != "http://radicale.org/ns/sync/" + "0" * 64
    assert not synced_calendar.last_error
