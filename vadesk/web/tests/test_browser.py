"""Real Chromium against a live server: an assistant times a task, a client asks for help."""

import os
from pathlib import Path

import pytest

from vadesk.conftest import PASSWORD

os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright's sync API runs an event loop in the test thread
playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def page():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing at /usr/bin/chromium: install Debian's chromium package (make test does).")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        browser.close()


def log_in(page, live_server, email):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_an_assistant_times_a_task_and_sees_the_bundle_drop(page, live_server, assistant, task, bundle, acme):
    log_in(page, live_server, assistant.email)
    page.wait_for_url(f"{live_server.url}/today/")
    page.goto(f"{live_server.url}/clients/{acme.pk}/")
    assert page.inner_text(f"[data-testid=remaining-{bundle.pk}]").startswith("10:00")

    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    page.click("[data-testid=start-timer]")
    page.wait_for_selector("[data-testid=stop-timer]")
    assert page.is_visible("[data-testid=topbar-stop]")  # the running timer follows the assistant across pages
    page.screenshot(path=str(ARTIFACTS / "task-timer-running.png"), full_page=True)
    page.click("[data-testid=stop-timer]")
    page.wait_for_selector("[data-testid=start-timer]")

    page.goto(f"{live_server.url}/clients/{acme.pk}/")
    # A few seconds of work bill one 15-minute increment.
    assert page.inner_text(f"[data-testid=remaining-{bundle.pk}]").startswith("9:45")
    page.screenshot(path=str(ARTIFACTS / "client-page.png"), full_page=True)


def test_a_client_user_submits_a_request_in_the_portal(page, live_server, acme_user, assistant):
    log_in(page, live_server, acme_user.email)
    page.wait_for_url(f"{live_server.url}/portal/")
    page.fill("[data-testid=request-form] input[name=title]", "Vergaderruimte boeken voor 12 personen")
    page.fill("[data-testid=request-form] textarea[name=description]", "Graag in Utrecht, met lunch.")
    page.click("[data-testid=request-form] button")
    page.wait_for_selector("text=Vergaderruimte boeken voor 12 personen")
    assert "Vergaderruimte boeken voor 12 personen" in page.inner_text(".task-rows")
    page.screenshot(path=str(ARTIFACTS / "portal.png"), full_page=True)


def test_the_phone_layout_keeps_the_navigation_reachable(page, live_server, assistant, task):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, assistant.email)
    page.wait_for_url(f"{live_server.url}/today/")
    assert page.is_visible("nav.mainnav >> text=Clients")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone ({width}px)"
    page.screenshot(path=str(ARTIFACTS / "today-phone.png"), full_page=True)
