"""Open an edit page, post back exactly what a browser would send for the values it rendered, compare the rows.

`browser_values` reads the form from the HTML the way a browser submits it, including what a browser does with
a value an HTML5 input cannot hold: `<input type=number value="0,5">` or `<input type=date value="01-12-2026">`
is shown empty and sent empty (HTML §4.10.5.1 value sanitisation), so a localised value is caught here too.
"""

import re
from typing import Any

import lxml.html
from django.db.models import Model

# What a browser keeps of a value per input type (HTML "value sanitization algorithm"); anything else becomes "".
_VALID = {
    "number": re.compile(r"^-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "datetime-local": re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"),
    "time": re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"),
    "month": re.compile(r"^\d{4}-\d{2}$"),
}


def _form(html: str, *, containing: str) -> Any:
    for form in lxml.html.fromstring(html).forms:
        if form.method.lower() == "post" and form.xpath(f".//*[@name='{containing}']"):
            return form
    raise AssertionError(f"no POST form with a field {containing!r} on the page")


def browser_values(html: str, *, containing: str) -> dict[str, list[str]]:
    """The name → values a browser submits for the first POST form holding the field `containing`, untouched."""
    form = _form(html, containing=containing)
    values: dict[str, list[str]] = {}
    for element in form.inputs:
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        tag = element.tag
        kind = (element.get("type") or "text").lower() if tag == "input" else tag
        if kind in ("submit", "button", "image", "reset", "file"):
            continue
        if kind in ("checkbox", "radio"):
            if element.get("checked") is not None:
                values.setdefault(name, []).append(element.get("value", "on"))
            continue
        if tag == "select":
            options = element.xpath(".//option")
            chosen = [o for o in options if o.get("selected") is not None]
            if element.get("multiple") is None and not chosen and options:
                chosen = options[:1]  # a single select sends its first option when none is selected
            values.setdefault(name, []).extend(o.get("value", o.text_content()) for o in chosen)
            continue
        value = element.text_content() if tag == "textarea" else element.get("value", "")
        if tag == "textarea" and value.startswith("\n"):
            value = value[1:]  # HTML drops the newline right after <textarea>
        pattern = _VALID.get(kind)
        if pattern is not None and value and not pattern.match(value):
            value = ""
        values.setdefault(name, []).append(value)
    return values


def rows_of(*models: type[Model]) -> dict[str, list[dict[str, Any]]]:
    """Every row of each table, all columns (pass a many-to-many's `through` model for its rows)."""
    return {model._meta.label: list(model._default_manager.order_by("pk").values()) for model in models}


def save_unchanged(client, url: str, *, containing: str, models: list[type[Model]], post_to: str | None = None):
    """GET `url`, post its form back as rendered; returns (rows before, rows after, the POST response)."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    data = browser_values(page.content.decode(), containing=containing)
    before = rows_of(*models)
    response = client.post(post_to or url, data)
    after = rows_of(*models)
    return before, after, response
