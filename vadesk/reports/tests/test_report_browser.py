"""Issue 11.4 in Chromium: a client reads a monthly report of several engagements on a phone; its charts fit."""

from datetime import date

import pytest

from vadesk.clients.models import Contact
from vadesk.reports.monthly import report_build, report_send
from vadesk.reports.tests.test_report_command import october  # noqa: F401  (acme's October 2026)
from vadesk.web.tests.test_browser import ARTIFACTS, log_in, page  # noqa: F401  (Chromium and its sign-in)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_report_of_three_engagements_fits_a_phone(page, live_server, acme, acme_user, october):
    Contact.objects.create(client=acme, name="Cees Acme", email="ceo@acme.example", is_primary=True)
    report = report_build(client=acme, month=date(2026, 10, 1))
    report_send(report=report)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, acme_user.email)
    page.goto(f"{live_server.url}/portal/reports/{report.pk}/")
    assert page.locator("[data-testid=report-engagement]").count() == 3
    assert page.locator("[data-testid=report-burn-down] svg polyline").count() == 3
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('svg')].map(s => s.getBoundingClientRect().right))"
    )
    assert widest <= 390 and page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sideways
    page.screenshot(path=str(ARTIFACTS / "portal-report-phone.png"), full_page=True)
