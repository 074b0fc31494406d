"""Real Chromium: an assistant notes a phone message with the keyboard only, and sees it in the call log."""

import pytest

from vadesk.comms.models import OutboxMessage, PhoneMessage
from vadesk.web.tests.test_browser import ARTIFACTS, log_in, page  # noqa: F401 - the page fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_assistant_notes_an_urgent_call_with_the_keyboard_only(page, live_server, assistant, acme, cees):
    log_in(page, live_server, assistant.email)
    page.wait_for_url(f"{live_server.url}/today/")
    page.click("nav.mainnav >> text=Messages")
    page.click(f"a[href='/comms/calls/new/?client={acme.pk}']")
    page.wait_for_selector("[data-testid=phone-form]")
    assert page.evaluate("document.activeElement.name") == "caller_name"  # ready to type as the call starts

    keyboard = page.keyboard
    keyboard.type("Jan de Vries")
    keyboard.press("Tab")
    keyboard.type("Bakkerij De Vries")
    keyboard.press("Tab")
    keyboard.type("020 123 4567")
    keyboard.press("Tab")
    keyboard.type("Wil de offerte voor de bruidstaart bespreken.")
    keyboard.press("Tab")
    keyboard.press("Space")  # urgent
    keyboard.press("Tab")
    keyboard.press("Space")  # please call back
    keyboard.press("Tab")
    keyboard.type("vóór 16:00")
    page.screenshot(path=str(ARTIFACTS / "phone-form.png"), full_page=True)
    keyboard.press("Control+Enter")

    page.wait_for_selector(".msg-success")
    assert "Phone message for Acme B.V. noted" in page.inner_text(".msg-success")
    call = PhoneMessage.objects.get()
    assert (call.caller_name, call.number, call.urgency, call.callback, call.callback_when) == (
        "Jan de Vries",
        "+31201234567",
        "urgent",
        True,
        "vóór 16:00",
    )
    assert OutboxMessage.objects.get().urgent
    assert page.evaluate("document.activeElement.name") == "caller_name"  # the form is ready for the next call

    page.goto(f"{live_server.url}/comms/clients/{acme.pk}/calls/")
    assert "Jan de Vries" in page.inner_text("[data-testid=call-log]") and "+31 20 123 4567" in page.inner_text(
        "[data-testid=call-log]"
    )
    assert "100 %" in page.inner_text("[data-testid=call-stats]")
    page.screenshot(path=str(ARTIFACTS / "call-log.png"), full_page=True)


def test_a_wrong_number_is_shown_next_to_the_field(page, live_server, assistant, acme, cees):
    log_in(page, live_server, assistant.email)
    page.wait_for_url(f"{live_server.url}/today/")
    page.goto(f"{live_server.url}/comms/calls/new/?client={acme.pk}")
    page.keyboard.type("Piet")
    page.fill("#id_number", "12345")
    page.fill("#id_reason", "Terugbellen")
    page.click("[data-testid=phone-submit]")
    page.wait_for_selector(".field-number .error")
    assert "not a valid phone number" in page.inner_text(".field-number .error")
    assert page.evaluate("document.activeElement.name") == "number"
    assert not PhoneMessage.objects.exists()
