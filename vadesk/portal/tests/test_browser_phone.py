"""Real Chromium at phone width (390 × 844): every portal page a client opens fits the screen, with a month of work,
a waiting question, a sent report and invoices issued in the client's name on it (issue 11.6: "every portal page
works well at phone width")."""

import pytest
from django.urls import reverse

from vadesk.invoicing.tests.conftest import seller  # noqa: F401  (fixtures of the practice below)
from vadesk.invoicing.tests.test_behalf import behalf  # noqa: F401
from vadesk.portal.tests.test_browser_signin_link import fits_a_phone
from vadesk.portal.tests.test_outsider_fields import practice  # noqa: F401
from vadesk.portal.tests.test_privacy_portal import portal_pages
from vadesk.reports.models import MonthlyReport
from vadesk.web.tests.test_browser import ARTIFACTS, log_in, page  # noqa: F401  (the Chromium page fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OVERFLOWING = "cards => cards.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.innerText.slice(0, 40))"


def test_every_portal_page_fits_a_phone(page, live_server, acme_user, practice):
    pages = {name: url for name, url in portal_pages(practice["task"]).items() if url and not url.endswith(".csv")}
    pages["portal:hours by category"] = reverse("portal:hours") + "?group=category"
    pages["portal:report"] = reverse("portal:report", args=[MonthlyReport.objects.latest("pk").pk])
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, acme_user.email)
    page.wait_for_url(f"{live_server.url}/portal/")
    for name, url in pages.items():
        page.goto(live_server.url + url)
        assert page.locator("main").is_visible(), name
        fits_a_phone(page)
        assert page.eval_on_selector_all(".card", OVERFLOWING) == [], name
        shot = name.replace(":", "-").replace(" ", "-")
        page.screenshot(path=str(ARTIFACTS / f"phone-{shot}.png"), full_page=True)
