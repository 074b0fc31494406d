"""Real Chromium: an owner drafts an invoice from the hours, finalises it and downloads the PDF and the UBL."""

import pytest

from vadesk.web.tests.test_browser import ARTIFACTS, log_in, page  # noqa: F401 - the page fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_owner_drafts_finalises_and_downloads_an_invoice(
    page, live_server, owner, seller, october_hours, billable_acme
):
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
    assert page.inner_text("[data-testid=invoice-total]") == "€275.28"  # (220.00 + 7.50) × 1.21
    page.screenshot(path=str(ARTIFACTS / "invoice-final.png"), full_page=True)
    with page.expect_download() as pdf:
        page.click("[data-testid=download-pdf]")
    assert pdf.value.suggested_filename == "2026-0001.pdf"
    with page.expect_download() as ubl:
        page.click("[data-testid=download-ubl]")
    assert ubl.value.suggested_filename == "2026-0001-ubl.xml"
    assert b'<cbc:PayableAmount currencyID="EUR">275.28</cbc:PayableAmount>' in open(ubl.value.path(), "rb").read()


def test_an_owner_invoices_in_a_clients_name_from_setup_to_pdf(page, live_server, owner, seller, acme):
    """On the client's behalf: the client is set up as seller, gets a buyer, a draft with one free line, is finalised
    with the client's own number sequence, and the PDF is downloaded."""
    from io import BytesIO

    from pypdf import PdfReader

    from vadesk.invoicing.tests.test_behalf import BUYER_POST, SELLER_POST

    log_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/today/")
    page.click("nav.mainnav >> text=Invoices")
    page.click(f"[data-testid=behalf-clients] a[href$='/invoices/behalf/{acme.pk}/']")
    page.wait_for_selector("[data-testid=behalf-save]")
    for name, value in SELLER_POST.items():
        if name.endswith("country"):
            page.select_option(f"select[name='{name}']", value)
        elif value:
            page.fill(f"main [name='{name}']", value)
    page.click("[data-testid=behalf-save]")
    page.wait_for_selector("[data-testid=buyer-new]")
    page.click("[data-testid=buyer-new]")
    for name, value in BUYER_POST.items():
        if name in ("country", "endpoint_scheme", "language"):
            page.select_option(f"select[name='{name}']", value)
        elif name != "is_business" and value:
            page.fill(f"main [name='{name}']", value)
    page.click(".form-actions button[type=submit]")
    page.wait_for_selector("[data-testid=behalf-draft]")
    assert "Gemeente Utrecht" in page.inner_text("[data-testid=behalf-buyers]")
    page.select_option("select[name=buyer]", label="Gemeente Utrecht")
    page.fill("input[name=period_start]", "2026-10-01")
    page.fill("input[name=period_end]", "2026-10-31")
    page.screenshot(path=str(ARTIFACTS / "behalf-setup.png"), full_page=True)
    page.click("[data-testid=behalf-draft]")
    page.wait_for_selector("[data-testid=finalise]")
    page.fill("input[name=description]", "Training Excel voor gevorderden")
    page.fill("input[name=quantity]", "2")
    page.fill("input[name=unit_price]", "450.00")
    page.click("form[action$='/lines/'] button")
    page.wait_for_selector("text=Training Excel voor gevorderden")
    page.click("[data-testid=finalise]")
    page.wait_for_selector("[data-testid=download-ubl]")
    assert page.inner_text("[data-testid=invoice-total]") == "€1,089.00"  # 2 × 450.00 × 1.21
    assert "ACME-2026-001" in page.inner_text("h1")
    page.screenshot(path=str(ARTIFACTS / "behalf-final.png"), full_page=True)
    with page.expect_download() as pdf:
        page.click("[data-testid=download-pdf]")
    assert pdf.value.suggested_filename == "ACME-2026-001.pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(open(pdf.value.path(), "rb").read())).pages)
    assert "Opleidingsinstituut Acme B.V." in text and "Gemeente Utrecht" in text and "NL18 RABO 0123 4598 76" in text
    (ARTIFACTS / "behalf-final.pdf").write_bytes(open(pdf.value.path(), "rb").read())
