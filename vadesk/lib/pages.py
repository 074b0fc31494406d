"""What every app's pages do with a service's answer: show its refusal on the form or as a message, go back."""

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from vadesk.lib.formfields import changed_values
from vadesk.lib.params import param_text


def apply_validation_error(form: BaseForm | None, request, error: ValidationError) -> None:
    """Show a service's refusal on the form's fields where it names them, else as a message."""
    if hasattr(error, "error_dict") and form is not None:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for message in error.messages:
        if form is not None:
            form.add_error(None, message)
        else:
            messages.error(request, message)


def changes_saved(
    request, form: BaseForm, current: Mapping[str, Any], save: Callable[..., object], *, saved: str = ""
) -> bool:
    """An edit form's POST: call `save(**changes)` with only what the user changed (nothing at all when nothing
    changed), say so, and return True; on the service's refusal, show it on the form and return False."""
    changes = changed_values(current, form.cleaned_data)
    try:
        if changes:
            save(**changes)
    except ValidationError as error:
        apply_validation_error(form, request, error)
        return False
    messages.success(request, (saved or _("Saved.")) if changes else _("Nothing changed."))
    return True


def back(request, fallback: str, **kwargs) -> HttpResponseRedirect:
    """Return to the page the form was on (a local `next`), else to the fallback view."""
    target = request.POST.get("next") or param_text(request.GET, "next", max_length=2000)
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(fallback, **kwargs)


def report_refusal(request, error: Exception) -> None:
    """A service said no (ValidationError or PermissionDenied): show its words as an error message."""
    messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))


def report_form_errors(request, form: BaseForm) -> None:
    """For forms posted from another page: their errors as one message there."""
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
