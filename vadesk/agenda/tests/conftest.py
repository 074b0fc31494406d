from pathlib import Path

import pytest

from vadesk.agenda.models import Calendar
from vadesk.agenda.parties import client_party

ICS = Path(__file__).parent / "ics"


@pytest.fixture
def acme_calendar(acme) -> Calendar:
    return Calendar.objects.create(party=client_party(acme), name="Work", source=Calendar.Source.LOCAL)


@pytest.fixture
def upload_calendar(acme) -> Calendar:
    return Calendar.objects.create(party=client_party(acme), name="Imported", source=Calendar.Source.UPLOAD)
