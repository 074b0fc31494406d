from django import forms
from django.utils.translation import gettext_lazy as _

from vadesk.webhooks.models import EventKind
from vadesk.webhooks.services import MAX_DESCRIPTION, MAX_URL


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=MAX_URL,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("An https:// address of your own: n8n, Zapier, your script."),
    )
    description = forms.CharField(label=_("Description"), max_length=MAX_DESCRIPTION, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=EventKind.choices, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
