"""Typed access to a form's fields where a form fills in a choice field's rows at run time."""

from collections.abc import Callable
from typing import Any

from django import forms


def model_choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's ModelChoiceField (or ModelMultipleChoiceField) called `name`, to set its queryset or labels."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a model choice field")
    return field


def label_choices_with(field: forms.ModelChoiceField[Any], label: Callable[[Any], str]) -> None:
    """Show each row of the choice field as `label(row)` instead of str(row)."""
    # Django's documented way is to override the method; per field, an instance attribute does the same.
    setattr(field, "label_from_instance", label)  # noqa: B010
