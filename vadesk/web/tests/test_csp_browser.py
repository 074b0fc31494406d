"""In Chromium, under the enforced policy: no page reports a violation, and the scripts that must run do."""

import pytest

from vadesk.web.tests.test_browser import log_in, page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VIOLATION_WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", e => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
"""


def test_pages_run_under_the_policy_without_a_violation(page, live_server, owner, assistant, task, bundle, acme):
    page.add_init_script(VIOLATION_WATCH)
    console = []
    page.on("console", lambda message: console.append(message.text))
    log_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/today/")
    seen = {}
    for path in ["/today/", f"/clients/{acme.pk}/", "/tasks/", "/timesheet/", "/team/", f"/agenda/clients/{acme.pk}/"]:
        page.goto(f"{live_server.url}{path}")
        seen[path] = page.evaluate("window.__violations")
    # The engagement form's nonce'd script runs: choosing a kind shows only its terms.
    page.goto(f"{live_server.url}/clients/{acme.pk}/engagements/new/")
    page.select_option("#id_kind", "retainer")
    assert page.is_visible(".field-monthly_hours") and not page.is_visible(".field-bundle_hours")
    seen["engagement form"] = page.evaluate("window.__violations")
    # app.js wires data-autosubmit: the board's scope select sends its form.
    page.goto(f"{live_server.url}/tasks/")
    page.select_option("select[name=scope]", "all")
    page.wait_for_url("**scope=all**")
    assert all(not found for found in seen.values()), seen
    assert not [text for text in console if "Content Security Policy" in text], console
