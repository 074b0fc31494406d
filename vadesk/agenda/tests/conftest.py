from pathlib import Path

import pytest

from vadesk.agenda.models import Calendar
from vadesk.agenda.parties import client_party
from vadesk.lib.net import allowed_parse

ICS = Path(__file__).parent / "ics"


@pytest.fixture
def acme_calendar(acme) -> Calendar:
    return Calendar.objects.create(party=client_party(acme), name="Work", source=Calendar.Source.LOCAL)


@pytest.fixture
def upload_calendar(acme) -> Calendar:
    return Calendar.objects.create(party=client_party(acme), name="Imported", source=Calendar.Source.UPLOAD)


@pytest.fixture(scope="session")
def radicale(tmp_path_factory):
    from vadesk.agenda.tests.radicale_server import Radicale

    server = Radicale(tmp_path_factory.mktemp("radicale"))
    yield server
    server.stop()


@pytest.fixture
def dav_calendar(radicale, request):
    """A fresh collection on the server, seen through the caldav library as a second client would."""
    import uuid

    import caldav

    client = caldav.DAVClient(url=radicale.url, username="anna", password="x")
    return client.principal().make_calendar(name=f"test-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def synced_calendar(acme, dav_calendar) -> Calendar:
    return Calendar.objects.create(
        party=client_party(acme),
        name="Work (CalDAV)",
        source=Calendar.Source.CALDAV,
        url=str(dav_calendar.url),
        username="anna",
        password="x",
    )


@pytest.fixture(autouse=True)
def _loopback_fetches_allowed(settings):
    """The agenda's tests fetch from servers they start on loopback: allow those as a self-hoster would."""
    settings.FETCH_ALLOWED = allowed_parse("127.0.0.1,::1,localhost")


@pytest.fixture(autouse=True)
def _file_storage(settings, tmp_path):
    """Uploads that runs store and the files they make go into the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
