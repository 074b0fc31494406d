"""Every stored value checked before saving, whatever the database; a page holding bad old data still renders;
an SVG logo is sanitised at upload and can never break a PDF."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from vadesk.invoicing.models import BankStatement, StatementLine
from vadesk.invoicing.pdf.render import render_pdf
from vadesk.invoicing.services import (
    credit_note_create,
    invoice_draft_create,
    invoice_finalise,
    invoice_line_save,
    statement_import,
)
from vadesk.invoicing.tests.camt_sample import statement
from vadesk.invoicing.tests.conftest import PERIOD

pytestmark = pytest.mark.django_db

LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#135"/></svg>'


@pytest.fixture
def invoice(seller, owner, billable_acme):
    draft = invoice_draft_create(
        by=owner, client=billable_acme, period_start=PERIOD[0], period_end=PERIOD[1], from_work=False
    )
    invoice_line_save(
        by=owner, invoice=draft, description="Work", quantity=Decimal(1), unit="C62", unit_price=Decimal("100")
    )
    return invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))


@pytest.mark.parametrize(
    ("amount", "said"),
    [("1e30", "amount vadesk cannot book: 1e30"), ("NaN", "cannot book"), ("-5.00", "cannot book"), ("1.001", "1.001")],
)
def test_a_statement_amount_outside_the_field_is_refused_with_its_entry_and_line(owner, org, amount, said):
    data = statement([{"ref": "A1", "amount": "10.00", "text": "x"}, {"ref": "A2", "amount": amount, "text": "x"}])
    with pytest.raises(ValidationError, match=rf"entry 2 \(line \d+\) has an .*{said}"):
        statement_import(by=owner, organisation=org, data=data)
    assert not StatementLine.objects.exists() and not BankStatement.objects.exists()


@pytest.mark.parametrize("day", ["", "2026-02-30", "9999-99-99"])
def test_a_missing_or_impossible_booking_date_is_refused_with_its_entry(owner, org, day):
    data = statement([{"ref": "A1", "amount": "10.00", "text": "x", "day": day}])
    with pytest.raises(ValidationError, match=r"entry 1 \(line \d+\) has no booking date or an impossible one"):
        statement_import(by=owner, organisation=org, data=data)


def test_a_reference_twice_with_another_amount_is_refused_naming_both_entries(owner, org):
    data = statement([{"ref": "A1", "amount": "10.00", "text": "x"}, {"ref": "A1", "amount": "11.00", "text": "x"}])
    with pytest.raises(
        ValidationError, match=r"entry 2 \(line \d+\) has the bank reference A1 of entry 1 \(line \d+\)"
    ):
        statement_import(by=owner, organisation=org, data=data)


def test_an_overlong_account_iban_is_refused_and_a_counterpartys_is_dropped(owner, org):
    long = statement([{"ref": "A1", "amount": "10.00", "text": "x"}]).replace(b"NL91ABNA0417164300", b"NL" * 250)
    with pytest.raises(ValidationError, match="not an IBAN"):
        statement_import(by=owner, organisation=org, data=long)
    odd = statement([{"ref": "A1", "amount": "10.00", "text": "x"}]).replace(b"NL02RABO0123456789", b"X" * 500)
    statement_import(by=owner, organisation=org, data=odd)
    assert StatementLine.objects.get().counterparty_iban == ""


@pytest.mark.parametrize("quantity", ["-1", "NaN", "1E+30", "0.00001"])
def test_a_credit_quantity_outside_zero_and_the_line_is_refused(owner, invoice, quantity):
    line = invoice.lines.get()
    with pytest.raises(ValidationError, match="Credit between 0 and"):
        credit_note_create(by=owner, invoice=invoice, quantities={line.pk: Decimal(quantity)})


def test_the_bank_page_renders_a_line_stored_before_the_checks(client, owner, org):
    statement_import(by=owner, organisation=org, data=statement([{"ref": "A1", "amount": "10.00", "text": "x"}]))
    line = StatementLine.objects.get()
    # As SQLite kept it before the checks (it ignores max_digits); PostgreSQL never held such a row.
    bad = 1e30 if connection.vendor == "sqlite" else Decimal("9999999999.99")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {StatementLine._meta.db_table} SET amount = %s WHERE id = %s", [bad, line.pk])
    client.force_login(owner)
    response = client.get(reverse("invoicing:bank"))
    assert response.status_code == 200
    page = response.content.decode()
    assert ("unreadable amount" in page) == (connection.vendor == "sqlite")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite ever kept such an amount")
def test_a_line_stored_before_the_checks_can_be_ignored_but_not_booked(client, owner, org, invoice):
    statement_import(by=owner, organisation=org, data=statement([{"ref": "A1", "amount": "10.00", "text": "x"}]))
    line = StatementLine.objects.get()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {StatementLine._meta.db_table} SET amount = %s WHERE id = %s", [1e30, line.pk])
    client.force_login(owner)
    url = reverse("invoicing:bank_resolve", args=[line.pk])

    booked = client.post(url, {"invoice": invoice.pk}, follow=True)
    assert booked.status_code == 200
    assert "amount cannot be read; ignore it" in booked.content.decode()
    assert not invoice.payments.exists()
    assert StatementLine.objects.filter(pk=line.pk, status=StatementLine.Status.UNMATCHED).exists()

    ignored = client.post(url, {}, follow=True)
    assert ignored.status_code == 200
    assert StatementLine.objects.filter(pk=line.pk, status=StatementLine.Status.IGNORED).exists()


def test_a_logo_is_sanitised_at_upload(seller):
    seller.logo_svg = LOGO.replace("<rect", '<rect onclick="alert(1)"')
    seller.full_clean()
    assert "onclick" not in seller.logo_svg and "<rect" in seller.logo_svg


@pytest.mark.parametrize(
    ("logo", "said"),
    [
        ("<svg", "not well-formed"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script> is not allowed"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>', "<image> is not allowed"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><use href="/etc/passwd#x"/></svg>', "links to another file"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(http://x/y)"/></svg>', "fill refers to something"),
        ('<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>', "DOCTYPE"),
        ("<html/>", "not an <svg>"),
        ('<svg xmlns="http://www.w3.org/2000/svg">' + "<g/>" * 6000 + "</svg>", "more than 5000 elements"),
    ],
)
def test_a_logo_that_fails_is_refused_with_the_reason(seller, logo, said):
    seller.logo_svg = logo
    with pytest.raises(ValidationError) as refused:
        seller.full_clean()
    assert said in refused.value.message_dict["logo_svg"][0]
    assert refused.value.message_dict["logo_svg"][0].startswith("This logo cannot be used")


def test_the_settings_page_refuses_a_bad_logo_in_the_persons_language(client, owner, seller):
    owner.language = "de"
    owner.save(update_fields=["language"])
    client.force_login(owner)
    page = client.get(reverse("invoicing:settings"))
    form = page.context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items() if name in form.fields}
    data["logo_svg"] = '<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>'
    response = client.post(reverse("invoicing:settings"), {k: v for k, v in data.items() if v is not False})
    assert response.status_code == 200
    assert "Dieses Logo kann nicht verwendet werden" in response.content.decode()
    seller.refresh_from_db()
    assert seller.logo_svg == ""


@pytest.mark.parametrize(
    "stored",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="/etc/passwd"/></svg>',  # refused by the allow-list
        "<svg",  # not XML
        '<svg xmlns="http://www.w3.org/2000/svg" width="-1e999"/>',  # passes the allow-list; typst may still refuse
    ],
)
def test_a_stored_logo_that_fails_never_breaks_the_pdf(seller, invoice, stored):
    type(seller).objects.filter(pk=seller.pk).update(logo_svg=stored)  # stored before the check
    invoice.refresh_from_db()
    assert render_pdf(invoice, pdf_a=False).startswith(b"%PDF")


def test_a_good_logo_is_printed(seller, invoice):
    type(seller).objects.filter(pk=seller.pk).update(logo_svg=LOGO)
    invoice.refresh_from_db()
    without = render_pdf(invoice, pdf_a=False)
    type(seller).objects.filter(pk=seller.pk).update(logo_svg="")
    invoice.refresh_from_db()
    assert len(without) != len(render_pdf(invoice, pdf_a=False))


def test_a_statement_over_its_bounds_is_refused_before_it_is_read(owner, org, monkeypatch):
    from vadesk.invoicing import camt

    monkeypatch.setattr(camt, "MAX_ENTRIES", 3)
    data = statement([{"ref": f"A{n}", "amount": "10.00", "text": "x"} for n in range(4)])
    with pytest.raises(ValidationError, match="the statement has 4 entries; vadesk reads at most 3 in one file"):
        statement_import(by=owner, organisation=org, data=data)
    monkeypatch.setattr(camt, "MAX_STATEMENT_BYTES", len(data) - 1)
    with pytest.raises(ValidationError, match="The file is too large"):
        statement_import(by=owner, organisation=org, data=data)
    assert not StatementLine.objects.exists()


def test_the_bank_page_refuses_a_file_over_the_limit_before_storing_it(client, owner, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from vadesk.invoicing import camt
    from vadesk.jobs.models import JobRun

    data = statement([{"ref": "A1", "amount": "10.00", "text": "x"}])
    monkeypatch.setattr(camt, "MAX_STATEMENT_BYTES", len(data) - 1)
    client.force_login(owner)
    response = client.post(reverse("invoicing:bank"), {"file": SimpleUploadedFile("big.xml", data)}, follow=True)
    assert "The file is too large: at most" in response.content.decode()
    assert not JobRun.objects.exists()
