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


def test_an_assistant_finds_a_time_for_three_and_books_it(page, live_server, assistant, acme, time_machine, tmp_path):
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
    page.wait_for_selector("text=Imported 1 events.")  # the import ran as a job; its page leads back
    page.click("a.btn:has-text('Back')")

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


def test_an_assistant_edits_an_outside_partys_availability_then_moves_the_meeting(
    page, live_server, assistant, acme, time_machine
):
    from vadesk.agenda.models import Party
    from vadesk.agenda.services import booking_create

    time_machine.move_to(datetime(2026, 3, 10, 8, tzinfo=UTC), tick=True)
    party = client_party(acme)
    party.working_hours = {"tue": [["10:00", "13:00"]], "wed": [["10:00", "13:00"]]}
    party.save()
    work = Calendar.objects.create(party=party, name="Work")
    jan = Party.objects.create(
        organisation=acme.organisation,
        client=acme,
        kind=Party.Kind.EXTERNAL,
        name="Jan de Vries",
        email="jan@supplier.example",
        time_zone="Europe/London",
    )
    event = booking_create(
        by=assistant,
        calendar=work,
        start=datetime(2026, 3, 17, 10, tzinfo=UTC),
        end=datetime(2026, 3, 17, 11, tzinfo=UTC),
        summary="Supplier intake",
        attendees=[("jan@supplier.example", "Jan")],
        send=False,
    )

    log_in(page, live_server, assistant.email)
    page.wait_for_url(f"{live_server.url}/today/")
    page.goto(f"{live_server.url}/agenda/clients/{acme.pk}/find/")
    page.locator(f"a[href='/agenda/parties/{jan.pk}/']").click()
    form = page.locator("[data-testid=party-edit]")
    form.locator("textarea[name=availability]").fill(
        "Wed 09:00-17:00\n2026-03-18T10:00/2026-03-18T12:00\nmaybe thursday"
    )
    form.locator("button").click()
    page.wait_for_selector("text=Line 3")
    page.screenshot(path=str(ARTIFACTS / "agenda-party-error.png"), full_page=True)
    assert page.locator("textarea[name=availability]").input_value().endswith("maybe thursday")  # nothing typed is lost
    page.locator("textarea[name=availability]").fill("Wed 09:00-17:00\n2026-03-18T10:00/2026-03-18T12:00")
    page.locator("[data-testid=party-edit] button").click()
    page.wait_for_selector("text=Saved.")
    page.screenshot(path=str(ARTIFACTS / "agenda-party.png"), full_page=True)

    page.goto(f"{live_server.url}/agenda/clients/{acme.pk}/?on=2026-03-16")
    page.locator("[data-day='2026-03-17'] [data-testid=move]").click()
    page.wait_for_selector("[data-testid=move-proposal]")
    page.screenshot(path=str(ARTIFACTS / "agenda-move.png"), full_page=True)
    proposals = page.locator("[data-testid=move-proposal]")
    # Jan only on Wednesday 18 March 10:00–12:00 London (= 11:00–13:00 Amsterdam), the client 10:00–13:00 Amsterdam.
    assert proposals.count() == 5 and "Wednesday 18 March · 11:00–12:00" in proposals.first.inner_text()
    proposals.first.locator("button").click()
    page.wait_for_selector("text=Moved; the attendees get the new time.")
    event.refresh_from_db()
    assert event.sequence == 1 and Occurrence.objects.get(event=event).start == datetime(2026, 3, 18, 10, tzinfo=UTC)
