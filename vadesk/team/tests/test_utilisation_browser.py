"""Real Chromium: the owner opens the utilisation page from the team calendar, on a desk and on a phone."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from vadesk.clients.models import Assignment
from vadesk.engagements.models import Engagement
from vadesk.team.services import work_pattern_set
from vadesk.timesheets.services import time_entry_log
from vadesk.web.tests.test_browser import ARTIFACTS, log_in, page  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
FULL_WEEK = {d: ["09:00", "17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}


@pytest.mark.parametrize(("language", "title"), [("nl", "Bezetting en capaciteit"), ("de", "Auslastung und Kapazität")])
def test_the_owner_reads_utilisation_on_a_phone(
    page, live_server, org, owner, assistant, acme, bundle, time_machine, language, title
):
    time_machine.move_to(datetime(2026, 11, 18, 9, tzinfo=UTC), tick=True)
    owner.language = language
    owner.save()
    for person in (owner, assistant):
        work_pattern_set(by=owner, organisation=org, person=person, valid_from=date(2026, 1, 1), days=FULL_WEEK)
    Assignment.objects.create(client=acme, person=owner, role="backup", position=1)
    Engagement.objects.create(
        client=acme,
        name="Retainer",
        kind=Engagement.Kind.RETAINER,
        starts_on=date(2026, 1, 1),
        monthly_hours=Decimal("40"),
        monthly_price=Decimal("2000.00"),
        excess_rate=Decimal("55.00"),
    )
    for day in (9, 10, 11, 16, 17):
        time_entry_log(by=assistant, engagement=bundle, work_date=date(2026, 11, day), minutes=120)

    log_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/team/calendar/")
    page.click(f"a.btn:has-text('{title}')")
    page.wait_for_selector("[data-testid=utilisation-team] svg")
    page.screenshot(path=str(ARTIFACTS / f"utilisation-{language}.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone ({width}px)"
    page.screenshot(path=str(ARTIFACTS / f"utilisation-{language}-phone-top.png"))
    page.locator("[data-testid=utilisation-person] summary").first.click()
    page.screenshot(path=str(ARTIFACTS / f"utilisation-{language}-phone.png"), full_page=True)
