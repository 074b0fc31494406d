"""What vadesk could not read never vanishes silently where the calendar is used (issue 10, problem 1).

A refused or capped series is left out of the free/busy, and named: on the client's agenda page, on the
proposals page ("…those times may be busy") and on stderr of `vadesk slots`. Imports parse and expand
before they write, so that no write lock is held while iCalendar is read.
"""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from vadesk.agenda import importing, materialise
from vadesk.agenda.importing import calendar_import_ics
from vadesk.agenda.materialise import calendar_materialise
from vadesk.agenda.models import Event
from vadesk.agenda.tests.test_hostile_recurrence import NOW, event, vcalendar
from vadesk.conftest import login

NEVER = event("never@x", "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30", summary="Leap day drinks")
WEEKLY = event("weekly@x", "FREQ=WEEKLY;BYDAY=TU", summary="Stand-up")
# Stored objects were checked when they came in; what their expansion can still leave out is a capped series.
DENSE = event("dense@x", "FREQ=SECONDLY;COUNT=6000", start="20260310T100000Z", summary="Every second")


@pytest.fixture(autouse=True)
def _march_2026(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.mark.django_db
def test_every_expansion_names_the_series_it_left_out(acme_calendar):
    """Not only uploads: a calendar kept in vadesk or synced over CalDAV is re-expanded by the upkeep too."""
    Event.objects.create(calendar=acme_calendar, uid="dense@x", ics=vcalendar(DENSE).decode(), summary="Every")
    Event.objects.create(calendar=acme_calendar, uid="weekly@x", ics=vcalendar(WEEKLY).decode(), summary="Stand-up")

    calendar_materialise(calendar=acme_calendar)

    acme_calendar.refresh_from_db()
    assert [p.split(":")[0] for p in acme_calendar.unread_series] == ["Every second"]
    assert acme_calendar.occurrences.filter(summary="Stand-up").exists()


@pytest.mark.django_db
def test_a_readable_calendar_names_nothing(acme_calendar):
    Event.objects.create(calendar=acme_calendar, uid="weekly@x", ics=vcalendar(WEEKLY).decode(), summary="Stand-up")
    acme_calendar.unread_series = ["old: left out"]
    acme_calendar.save()

    calendar_materialise(calendar=acme_calendar)

    acme_calendar.refresh_from_db()
    assert acme_calendar.unread_series == []


@pytest.mark.django_db
def test_the_proposals_say_which_calendar_may_hide_busy_times(client, acme, assistant, upload_calendar):
    calendar_import_ics(calendar=upload_calendar, data=vcalendar(NEVER, WEEKLY))
    login(client, assistant)

    page = client.get(reverse("agenda_find", args=[acme.pk]), {"duration": 60, "from": "2026-03-16", "days": 5})

    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="unread-calendar"') == 1
    assert f"{upload_calendar.party.name}'s calendar “Imported” holds events vadesk could not read" in html
    assert "Leap day drinks" in html


@pytest.mark.django_db
def test_no_warning_when_every_calendar_was_read(client, acme, assistant, upload_calendar):
    calendar_import_ics(calendar=upload_calendar, data=vcalendar(WEEKLY))
    login(client, assistant)

    page = client.get(reverse("agenda_find", args=[acme.pk]), {"duration": 60, "from": "2026-03-16", "days": 5})

    assert 'data-testid="unread-calendar"' not in page.content.decode()


@pytest.mark.django_db
def test_the_agenda_page_names_a_series_left_out_of_a_synced_calendar(client, acme, assistant, acme_calendar):
    Event.objects.create(calendar=acme_calendar, uid="dense@x", ics=vcalendar(DENSE).decode(), summary="Every")
    calendar_materialise(calendar=acme_calendar)
    login(client, assistant)

    html = client.get(reverse("agenda_week", args=[acme.pk]), {"on": "2026-03-16"}).content.decode()

    assert 'data-testid="unread-series"' in html
    assert "Every second: more than" in html


def test_vadesk_slots_warns_on_stderr_naming_the_series(tmp_path):
    (tmp_path / "noor.ics").write_bytes(vcalendar(NEVER, WEEKLY))
    participant = {"tz": "UTC", "working_hours": {"mon": [["09:00", "17:00"]]}, "calendars": ["noor.ics"]}
    case = {
        "window": ["2026-03-16T00:00:00Z", "2026-03-17T00:00:00Z"],
        "duration_minutes": 60,
        "step_minutes": 60,
        "participants": [{"name": "noor", **participant}, {"name": "noor-again", **participant}],
    }
    (tmp_path / "case.json").write_text(json.dumps(case))
    out, err = io.StringIO(), io.StringIO()

    call_command("slots", str(tmp_path / "case.json"), stdout=out, stderr=err)

    assert json.loads(out.getvalue())  # stdout is still the JSON list of starts
    warnings = err.getvalue().strip().splitlines()
    assert len(warnings) == 1  # once, though two participants share the calendar
    assert warnings[0].startswith("warning: noor.ics: left out Leap day drinks:")
    assert warnings[0].endswith("those times may be busy.")


@pytest.mark.django_db(transaction=True)
def test_an_import_holds_no_transaction_while_it_parses_and_expands(upload_calendar, monkeypatch):
    """No transaction, no write lock: on SQLite one long import would otherwise stop every other writer."""
    seen = []

    def watching(function):
        def call(*args, **kwargs):
            seen.append((function.__name__, connection.in_atomic_block))
            return function(*args, **kwargs)

        return call

    monkeypatch.setattr(importing.ical, "parse_ics", watching(importing.ical.parse_ics))
    monkeypatch.setattr(importing, "_describe", watching(importing._describe))
    monkeypatch.setattr(materialise.ical, "expand", watching(materialise.ical.expand))

    calendar_import_ics(calendar=upload_calendar, data=vcalendar(NEVER, WEEKLY))

    assert {name for name, _ in seen} == {"parse_ics", "_describe", "expand"}
    assert [name for name, in_transaction in seen if in_transaction] == []
    assert upload_calendar.occurrences.filter(summary="Stand-up").exists()
