"""PATCH bodies: only the fields sent change, and null is refused where the column cannot hold it."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _
from ninja import Schema


def changes(payload: Schema, model: type[Model]) -> dict[str, Any]:
    """The fields a PATCH sent, each named as on the model.

    An explicit null for a NOT NULL column is a field error (422), not a database error later.
    """
    sent = payload.dict(exclude_unset=True)
    errors = {
        name: [_("This field cannot be null.")]
        for name, value in sent.items()
        if value is None and not model._meta.get_field(name).null
    }
    if errors:
        raise ValidationError(errors)
    return sent
