"""Values inside HTML5 inputs are in the one notation a browser accepts (ISO dates, a dot for decimals), in every
language: a browser shows `<input type=number value="0,5">` or `<input type=date value="01-12-2026">` empty."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django import forms
from django.utils import timezone, translation

from vadesk.comms import forms as comms_forms
from vadesk.invoicing import forms as invoicing_forms
from vadesk.invoicing.tests.conftest import billable_acme, seller  # noqa: F401
from vadesk.web import forms as web_forms
from vadesk.web.tests.unchanged import _VALID, browser_values

SAMPLES: list[tuple[type[forms.Field], object]] = [
    (forms.DateTimeField, datetime(2026, 12, 1, 9, 30, tzinfo=timezone.get_fixed_timezone(60))),
    (forms.DateField, date(2026, 12, 1)),
    (forms.TimeField, time(17, 0)),
    (forms.DecimalField, Decimal("1234.5")),
    (forms.FloatField, 1234.5),
    (forms.IntegerField, 1500),
]


def html5_fields():
    for module in (web_forms, invoicing_forms, comms_forms):
        for name, form in vars(module).items():
            if isinstance(form, type) and issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                for field_name, field in form.base_fields.items():
                    kind = field.widget.attrs.get("type") or getattr(field.widget, "input_type", "")
                    if kind in _VALID:
                        yield pytest.param(field, kind, id=f"{module.__name__.split('.')[1]}.{name}.{field_name}")


@pytest.mark.parametrize("language", ["nl", "de"])
@pytest.mark.parametrize(("field", "kind"), list(html5_fields()))
def test_every_html5_input_renders_a_value_the_browser_keeps(field, kind, language):
    value = "2026-12" if kind == "month" else next(sample for cls, sample in SAMPLES if isinstance(field, cls))
    with translation.override(language):
        html = f'<form method="post">{field.widget.render("x", value)}</form>'
    assert browser_values(html, containing="x")["x"] != [""], html


def test_the_credit_form_keeps_a_half_hour_in_dutch(client, owner, acme, seller, billable_acme):
    from vadesk.invoicing.services import invoice_draft_create, invoice_finalise, invoice_line_save

    draft = invoice_draft_create(
        by=owner, client=acme, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), from_work=False
    )
    invoice_line_save(
        by=owner, invoice=draft, description="Support", quantity=Decimal("0.5"), unit="HUR", unit_price=Decimal("55")
    )
    final = invoice_finalise(by=owner, invoice=draft, issue_date=date(2026, 11, 2))
    owner.language = "nl"
    owner.save(update_fields=["language"])
    client.force_login(owner)
    html = client.get(f"/invoices/{final.pk}/").content.decode()
    line = final.lines.get()
    assert browser_values(html, containing=f"line-{line.pk}")[f"line-{line.pk}"] == ["0.5"]
    assert 'max="0.5"' in html
    assert browser_values(html, containing="paid_on")["paid_on"] != [""]
    assert browser_values(html, containing="amount")["amount"] != [""]
