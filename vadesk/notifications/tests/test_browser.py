"""Real Chromium against a live server: a client's portal reply reaches the assistant's badge and today page."""

import pytest

from vadesk.tasks.models import Status
from vadesk.tasks.services import task_transition
from vadesk.web.tests.test_browser import ARTIFACTS, log_in, page  # noqa: F401  (the Chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_portal_reply_reaches_the_assistants_badge_and_today_page(page, live_server, acme_user, assistant, task):
    task_transition(by=assistant, task=task, to=Status.WAITING)

    log_in(page, live_server, acme_user.email)
    page.wait_for_url(f"{live_server.url}/portal/")
    page.goto(f"{live_server.url}/portal/tasks/{task.pk}/")
    page.fill("textarea[name=body]", "Dinsdag om tien uur past ons goed.")
    page.click("form.stack button")
    page.wait_for_selector("text=Dinsdag om tien uur past ons goed.")
    page.context.clear_cookies()

    log_in(page, live_server, assistant.email)
    page.wait_for_url(f"{live_server.url}/today/")
    assert page.inner_text("[data-testid=notification-badge] .badge") == "1"
    block = page.inner_text("[data-testid=needs-you]")
    assert "Acme B.V." in block and "Plan board meeting" in block and "Dinsdag om tien uur" in block
    page.screenshot(path=str(ARTIFACTS / "notifications-today.png"), full_page=True)

    page.click("[data-testid=needs-you] button[name=go]")
    page.wait_for_url(f"{live_server.url}/tasks/{task.pk}/")
    assert "In progress" in page.inner_text("body")  # the reply moved the task back from waiting for client
    assert page.query_selector("[data-testid=notification-badge] .badge") is None
