"""Real Chromium: find a time for three participants and book it."""

from datetime import UTC, datetime

import pytest

from vadesk.agenda.models import Calendar, Event, Occurrence
from vadesk.agenda.parties import client_party
from vadesk.web.tests.test_browser import ARTIFACTS, log_in, page  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

JAN = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//jan//EN\r
BEGIN:VEVENT\r
UID:jan-1\r
DTSTAMP:20260301T000000Z\r
DTSTART:20260317T090000Z\r
DTEND:20260317T093000Z\r
SUMMARY:Jan busy\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_an_assistant_finds_a_time_for_three_and_books_it(page, live_server, assistant, acme, time_machine, tmp_path):  # noqa: F811
    time_machine.move_to(datetime(2026, 3, 10, 8, tzinfo=UTC), tick=True)
    party = client_party(acme)
    party.working_hours = {"tue": [["10:00", "13:00"]]}
    party.preferred_hours = {"tue": [["11:00", "13:00"]]}
    party.save()
    Calendar.objects.create(party=party, name="Work")
    (tmp_path / "jan.ics").write_bytes(JAN)

    log_in(page, live_server, assistant.email)
    page.wait_for_url(f"{live_server.url}/today/")
    page.goto(f"{live_server.url}/agenda/clients/{acme.pk}/find/")
    page.click("text=Add an outside party")
    form = page.locator("[data-testid=party-form]")
    form.locator("input[name=name]").fill("Jan de Vries")
    form.locator("input[name=email]").fill("jan@supplier.example")
    form.locator("input[name=time_zone]").fill("Europe/London")
    form.locator("input[name=file]").set_input_files(str(tmp_path / "jan.ics"))
    form.locator("button").click()
    page.wait_for_selector("text=Imported 1 events.")

    find = page.locator("[data-testid=find-form]")
    assert find.locator("input[name=party]").count() == 3  # the client, the assistant, Jan
    find.locator("input[name=from]").fill("2026-03-16")
    find.locator("input[name=days]").fill("7")
    find.locator("button").click()
    page.wait_for_selector("[data-testid=proposal]")
    first = page.locator("[data-testid=proposal]").first
    # Client's preferred hours (11:00–13:00 CET) first; Jan is busy until 09:30Z = 10:30 CET.
    assert "Tuesday 17 March · 11:00–12:00" in first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "agenda-find-a-time.png"), full_page=True)
    first.locator("summary").click()
    first.locator("input[name=summary]").fill("Supplier intake")
    first.locator("textarea[name=attendees]").fill("jan@supplier.example")
    first.locator("button.btn-primary").click()
    page.wait_for_selector("text=Booked; the invitations are on their way.")
    page.screenshot(path=str(ARTIFACTS / "agenda-week-booked.png"), full_page=True)
    assert "Supplier intake" in page.inner_text("[data-day='2026-03-17']")
    event = Event.objects.get(summary="Supplier intake")
    assert Occurrence.objects.get(event=event).start == datetime(2026, 3, 17, 10, tzinfo=UTC)
