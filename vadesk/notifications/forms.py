from django import forms
from django.utils.translation import gettext_lazy as _

from vadesk.notifications.models import Delivery, Kind


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class PreferencesForm(forms.Form):
    """How per kind, then the person's quiet hours and summary time; the fields per kind are added at init."""

    quiet_from = forms.TimeField(label=_("Quiet from"), required=False, widget=TimeInput())
    quiet_until = forms.TimeField(label=_("Quiet until"), required=False, widget=TimeInput())
    summary_time = forms.TimeField(label=_("Daily summary at"), widget=TimeInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            self.fields[f"kind_{kind}"] = forms.ChoiceField(
                label=label, choices=Delivery.choices, widget=forms.RadioSelect
            )

    def kind_fields(self):
        return [self[f"kind_{kind}"] for kind in Kind.values]

    def deliveries(self) -> dict[str, str]:
        return {kind: self.cleaned_data[f"kind_{kind}"] for kind in Kind.values}
