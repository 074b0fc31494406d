"""The sign-in form: Django's, saying why when the throttle or the hashing limit refused."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from vadesk.accounts.backends import HASHING_BUSY, THROTTLED_UNTIL


class SignInForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            until = getattr(self.request, THROTTLED_UNTIL, None)
            if until is not None:
                raise ValidationError(
                    _("Too many failed sign-ins. For your safety, signing in is paused until %(time)s.")
                    % {"time": formats.time_format(timezone.localtime(until), "H:i")},
                    code="throttled",
                ) from None
            if getattr(self.request, HASHING_BUSY, False):
                raise ValidationError(
                    _("Many people are signing in right now. Try again in a moment."), code="busy"
                ) from None
            raise
