"""Real Chromium at phone width: a client signs in with the e-mailed link; the owner reads the ratings."""

import re
from datetime import UTC, datetime

import pytest

from vadesk.comms.models import OutboxMessage
from vadesk.reports.models import Rating
from vadesk.tasks.models import Task
from vadesk.web.tests.test_browser import ARTIFACTS, log_in, page  # noqa: F401  (the Chromium page fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def fits_a_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} scrolls sideways on a phone ({width}px)"


def test_a_client_signs_in_with_the_link_on_a_phone(page, live_server, acme_user):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.click("a[href='/portal/sign-in/']")
    fits_a_phone(page)
    page.fill("input[name=email]", acme_user.email)
    page.click("button[type=submit]")
    page.wait_for_selector(".msg")
    assert acme_user.email in page.inner_text("main")
    link = re.search(r"http://\S+/portal/sign-in/\S+/", OutboxMessage.objects.get().body_text).group(0)
    page.goto(link)
    fits_a_phone(page)
    page.screenshot(path=str(ARTIFACTS / "portal-signin-link-phone.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/portal/")
    fits_a_phone(page)
    page.goto(link)  # the same link again: refused, in the client's language
    assert "al gebruikt" in page.inner_text("main")


def test_the_owner_reads_the_ratings_on_a_phone(page, live_server, owner, acme, acme_user, assistant):
    for n, score in enumerate((5, 2, 4)):
        task = Task.objects.create(client=acme, title=f"Klus {n}", status="done")
        task.assignees.set([assistant])
        rating = Rating.objects.create(client=acme, task=task, by=acme_user, score=score)
        Rating.objects.filter(pk=rating.pk).update(created_at=datetime.now(UTC))
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/today/")
    page.goto(f"{live_server.url}/dashboard/")
    assert "Acme B.V." in page.inner_text("[data-testid=ratings-clients]")
    fits_a_phone(page)
    page.locator("#ratings").screenshot(path=str(ARTIFACTS / "dashboard-ratings-phone.png"))
