"""Typed access to a form's fields where a form fills in a choice field's rows at run time; what an edit changed."""

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.forms.models import model_to_dict


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


def current_values(instance: Model, names: Iterable[str]) -> dict[str, Any]:
    """The object's values for the form's fields, read before the form is validated (a ModelForm's validation
    copies the typed values onto the instance)."""
    return model_to_dict(instance, fields=list(names))


def changed_values(current: Mapping[str, Any], cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """What the user changed: the cleaned values that differ from the object's current ones.

    Compared as the form shows them: rows by id, many-to-many as sets of ids, a time the widget shows to the
    minute against the stored time to the minute, an empty text and None alike."""
    return {name: value for name, value in cleaned.items() if name in current and not _same(current[name], value)}


def _ids(value: Any) -> Any:
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, (list, tuple, set, frozenset, QuerySet)):
        return frozenset(_ids(v) for v in value)
    return value


def _same(current: Any, typed: Any) -> bool:
    current, typed = _ids(current), _ids(typed)
    if current in (None, "") and typed in (None, ""):
        return True
    if isinstance(current, str) and isinstance(typed, (date, time)):
        current = _parsed(type(typed), current)  # a default not yet saved, as the model declares it ("17:00")
    if isinstance(current, datetime) and isinstance(typed, datetime) and typed.second == typed.microsecond == 0:
        return current.replace(second=0, microsecond=0) == typed
    return bool(current == typed)


def _parsed(kind: type, text: str) -> Any:
    try:
        return kind.fromisoformat(text)  # type: ignore[attr-defined]
    except ValueError:
        return text
