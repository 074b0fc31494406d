"""Real Chromium: an owner drafts an invoice from the hours, finalises it and downloads the PDF and the UBL."""

import pytest

from vadesk.web.tests.test_browser import ARTIFACTS, log_in, page  # noqa: F401 - the page fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_owner_drafts_finalises_and_downloads_an_invoice(page, live_server, owner, seller, october_hours, billable_acme):  # noqa: F811
    log_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/today/")
    page.click("nav.mainnav >> text=Invoices")
    page.select_option("select[name=client]", str(billable_acme.pk))
    page.fill("input[name=month]", "2026-10")
    page.click("[data-testid=draft-new]")
    page.wait_for_selector("[data-testid=finalise]")
    assert "Ad hoc support" in page.content()
    page.fill("input[name=description]", "Parkeren")
    page.fill("input[name=unit_price]", "7.50")
    page.click("form[action$='/lines/'] button")
    page.wait_for_selector("text=Parkeren")
    page.screenshot(path=str(ARTIFACTS / "invoice-draft.png"), full_page=True)
    page.click("[data-testid=finalise]")
    page.wait_for_selector("[data-testid=download-ubl]")
    assert page.inner_text("[data-testid=invoice-total]") == "275.28"  # (220.00 + 7.50) × 1.21
    page.screenshot(path=str(ARTIFACTS / "invoice-final.png"), full_page=True)
    with page.expect_download() as pdf:
        page.click("[data-testid=download-pdf]")
    assert pdf.value.suggested_filename == "2026-0001.pdf"
    with page.expect_download() as ubl:
        page.click("[data-testid=download-ubl]")
    assert ubl.value.suggested_filename == "2026-0001-ubl.xml"
    assert b"<cbc:PayableAmount currencyID=\"EUR\">275.28</cbc:PayableAmount>" in open(ubl.value.path(), "rb").read()
