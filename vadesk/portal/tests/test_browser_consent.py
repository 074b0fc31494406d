"""Real Chromium, issue 11's "done when": a client on their phone gets the 80 % question, allows 3 extra hours; the
assistant at their desk logs time past the bundle and it is accepted, one entry too many is refused in their
language; then the client opens the monthly report's PDF from the portal, and its first page is rendered and read.
In Dutch and in German."""

import subprocess

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vadesk.clients.models import Contact
from vadesk.comms.models import OutboxMessage
from vadesk.portal.tests.test_browser_signin_link import fits_a_phone
from vadesk.reports.monthly import report_build, report_send
from vadesk.timesheets.models import OverageConsent, TimeEntry
from vadesk.timesheets.services import time_entry_log
from vadesk.web.tests.test_browser import ARTIFACTS, log_in, page  # noqa: F401  (Chromium)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


def in_language(language: str, text: str, **values) -> str:
    with translation.override(language):
        return _(text) % values


def log_time(desk, live_server, task, duration: str) -> str:
    """The assistant's manual entry on the task page; returns what the time card says afterwards."""
    desk.goto(f"{live_server.url}/tasks/{task.pk}/")
    form = desk.locator("details.log-time")
    if not form.evaluate("d => d.open"):
        desk.click("details.log-time summary")
    form.locator("input[name=work_date]").fill(timezone.localdate().isoformat())
    form.locator("input[name=duration]").fill(duration)
    form.locator("input[name=client_note]").fill("Offertes vergeleken")
    form.locator("button").click()
    desk.wait_for_load_state()
    return desk.inner_text("main")


@pytest.mark.parametrize("language", ["nl", "de"])
def test_a_client_allows_3_extra_hours_on_the_phone_and_reads_the_report(
    page, live_server, language, acme, acme_user, assistant, bundle, task
):
    acme.preferred_language = language
    acme.save(update_fields=["preferred_language"])
    for person in (acme_user, assistant):
        person.language = language
        person.save(update_fields=["language"])
    Contact.objects.create(client=acme, name="Cees Acme", email="cees@acme.example", is_primary=True)
    # 8 of the bundle's 10 hours, logged through the service as every page and job does: the 80 % question.
    time_entry_log(by=assistant, engagement=bundle, task=task, work_date=timezone.localdate(), minutes=8 * 60)
    consent = OverageConsent.objects.get(threshold=80)
    assert OutboxMessage.objects.filter(contact__email="cees@acme.example", kind="question").exists()

    page.set_viewport_size(PHONE)
    log_in(page, live_server, acme_user.email)
    page.wait_for_url(f"{live_server.url}/portal/")
    card = page.locator(f"[data-testid=consent-{consent.pk}]")
    assert card.is_visible()
    fits_a_phone(page)
    page.screenshot(path=str(ARTIFACTS / f"portal-consent-phone-{language}.png"), full_page=True)
    card.locator("input[value=allow]").check()
    card.locator("input[name=extra_hours]").fill("3")
    card.locator("[data-testid=consent-send]").click()
    page.wait_for_selector(".msg")
    assert in_language(language, "Thank you, your team knows your answer.") in page.inner_text(".msg")
    assert page.locator(".card.consent").count() == 0
    with translation.override(language):
        month = date_format(timezone.localdate(), "F")
    answer = "You allowed %(extra)s extra hours in %(month)s: %(left)s left."
    shown = in_language(language, answer, extra="3:00", month=month, left="5:00")  # 10 + 3 hours, 8 used
    assert shown == page.inner_text(f"[data-testid=answer-{bundle.pk}]")
    fits_a_phone(page)
    page.screenshot(path=str(ARTIFACTS / f"portal-consent-answered-phone-{language}.png"), full_page=True)
    consent.refresh_from_db()
    assert (consent.answer, consent.extra_minutes, consent.answered_by) == ("allow", 180, acme_user)

    desk = page.context.browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    log_in(desk, live_server, assistant.email)
    desk.wait_for_url(f"{live_server.url}/today/")
    log_time(desk, live_server, task, "2:00")  # up to the bundle's 10 hours
    card_text = log_time(desk, live_server, task, "2:00")  # 2 hours past it: within the 3 allowed
    assert TimeEntry.objects.filter(engagement=bundle).count() == 3
    status = in_language(
        language,
        "The client allowed %(extra)s extra hours in %(month)s: %(left)s left.",
        extra="3:00",
        month=month,
        left="1:00",
    )
    assert status in card_text and status in desk.inner_text("[data-testid=consent-status]")
    desk.screenshot(path=str(ARTIFACTS / f"task-consent-status-{language}.png"), full_page=True)
    refused = log_time(desk, live_server, task, "1:15")  # one entry too many: 13:15 of 10 + 3 hours
    expected = in_language(
        language,
        "The client allowed %(extra)s extra hours this month: %(left)s left, this entry needs %(needed)s.",
        extra="3:00",
        left="1:00",
        needed="1:15",
    )
    assert expected in refused
    assert TimeEntry.objects.filter(engagement=bundle).count() == 3  # nothing was logged
    desk.screenshot(path=str(ARTIFACTS / f"task-consent-refused-{language}.png"), full_page=True)

    # The month's report, as the monthly job builds and sends it; the client opens its PDF from the portal.
    report_send(report=report_build(client=acme, month=timezone.localdate()))
    page.goto(f"{live_server.url}/portal/reports/")
    fits_a_phone(page)
    page.screenshot(path=str(ARTIFACTS / f"portal-reports-phone-{language}.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("a", has_text="PDF").first.click()
    pdf = ARTIFACTS / f"portal-report-{language}.pdf"
    download.value.save_as(str(pdf))
    stem = ARTIFACTS / f"portal-report-{language}-page"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(stem)], check=True)
    assert stem.with_name(stem.name + "-1.png").stat().st_size > 10_000  # a rendered page, not an empty one
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, check=True)
    first_page = text.stdout.decode()
    with translation.override(language):
        title = _("Monthly report %(month)s") % {"month": date_format(timezone.localdate(), "F Y")}
        used = _("Used")
    assert title in first_page and acme.name in first_page
    assert used in first_page and "12:00" in first_page  # 8 + 2 + 2 hours on the bundle
