"""Forms of the communication pages: they validate input; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vadesk.accounts.models import Language, validate_time_zone
from vadesk.clients.models import Client, Contact
from vadesk.comms.models import Cadence, MessageTemplate, PhoneMessage, Weekday
from vadesk.lib.formfields import label_choices_with, model_choices
from vadesk.lib.widgets import DateTimeInput


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class PhoneMessageForm(forms.Form):
    """One screen, top to bottom in the order a call goes; every field reachable with Tab, sent with Enter or Ctrl+Enter."""

    # The querysets are the caller's (the clients this person serves), set in __init__.
    client = forms.ModelChoiceField(queryset=Client.objects.none(), label=_("For client"))
    contact = forms.ModelChoiceField(
        queryset=Contact.objects.none(), required=False, label=_("For contact"), empty_label=_("— primary contact —")
    )
    caller_name = forms.CharField(label=_("Caller"), max_length=150)
    company = forms.CharField(label=_("Company"), max_length=150, required=False)
    number = forms.CharField(
        label=_("Number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    callback = forms.BooleanField(label=_("Please call back"), required=False)
    callback_when = forms.CharField(label=_("Call back when"), max_length=150, required=False)
    override_quiet = forms.BooleanField(
        label=_("Urgent and it cannot wait: send even during the contact's quiet hours"), required=False
    )
    as_task = forms.BooleanField(
        label=_("The call asks for work: make it a task for the team (the first present in the order of cover)"),
        required=False,
    )

    def __init__(self, *args, clients, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        model_choices(self, "client").queryset = clients
        model_choices(self, "contact").queryset = contacts
        label_choices_with(model_choices(self, "contact"), lambda c: f"{c.client} – {c.name}")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        contact, client = data.get("contact"), data.get("client")
        if contact and client and contact.client_id != client.pk:
            self.add_error("contact", _("This contact belongs to another client."))
        return data


class CallFilterForm(forms.Form):
    PERIODS = [("7", _("last 7 days")), ("30", _("last 30 days")), ("90", _("last 90 days")), ("365", _("last year"))]
    period = forms.ChoiceField(choices=PERIODS, required=False, initial="30", label=_("Period"))
    urgency = forms.ChoiceField(
        choices=[("", _("all")), *list(PhoneMessage.Urgency.choices)], required=False, label=_("Urgency")
    )
    open_callbacks = forms.BooleanField(required=False, label=_("only open callbacks"))
    q = forms.CharField(required=False, max_length=200, label=_("Search"))


WEEKDAYS = [(str(value), label) for value, label in Weekday.choices]


class PreferenceForm(forms.Form):
    by_email = forms.BooleanField(required=False, label=_("E-mail"))
    by_portal = forms.BooleanField(required=False, label=_("Portal"))
    by_sms = forms.BooleanField(required=False, label=_("SMS"))
    by_whatsapp = forms.BooleanField(required=False, label=_("WhatsApp"))
    mobile = forms.CharField(
        required=False,
        max_length=40,
        label=_("Mobile number"),
        help_text=_("For SMS and WhatsApp; the contact's phone number is used when empty."),
    )
    cadence = forms.ChoiceField(choices=Cadence.choices, label=_("Rhythm"))
    digest_time = forms.TimeField(label=_("Digest time"), widget=TimeInput())
    digest_weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int, label=_("Weekly digest on"))
    time_zone = forms.CharField(
        max_length=64, label=_("Time zone"), validators=[validate_time_zone], help_text=_("e.g. Europe/Amsterdam")
    )
    quiet_from = forms.TimeField(required=False, label=_("Quiet from"), widget=TimeInput())
    quiet_until = forms.TimeField(required=False, label=_("Quiet until"), widget=TimeInput())
    quiet_days = forms.MultipleChoiceField(
        choices=WEEKDAYS, required=False, widget=forms.CheckboxSelectMultiple, label=_("Quiet days")
    )
    language = forms.ChoiceField(choices=Language.choices, label=_("Language"))
    confirmations = forms.BooleanField(
        required=False,
        label=_("Confirm new requests at once"),
        help_text=_("A short mail that a request arrived, also for digest contacts; off: they see it in the portal."),
    )

    def clean_quiet_days(self):
        return "".join(sorted(self.cleaned_data["quiet_days"]))


class FollowUpForm(forms.Form):
    text = forms.CharField(
        max_length=300,
        label=_("Follow-up"),
        widget=forms.TextInput(attrs={"placeholder": _("e.g. ask how his son is doing")}),
    )
    due_at = forms.DateTimeField(label=_("Due"), widget=DateTimeInput())


class FollowUpDoneForm(forms.Form):
    outcome = forms.CharField(max_length=500, required=False, label=_("What you heard"))
    to_dossier = forms.BooleanField(required=False, label=_("Keep it in the dossier"))


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("Question to the client"), widget=forms.Textarea(attrs={"rows": 3}))


class TemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}


class TriageFileForm(forms.Form):
    client = forms.ModelChoiceField(queryset=Client.objects.none(), required=False, label=_("New task for client"))
    task = forms.IntegerField(required=False, min_value=1, label=_("Or comment on task number"))

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        model_choices(self, "client").queryset = clients


class DigestItemForm(forms.Form):
    """Edit, remove or send at once one message held for a contact's digest."""

    action = forms.ChoiceField(choices=[("save", "save"), ("remove", "remove"), ("send", "send")])
    subject = forms.CharField(max_length=300, required=False, label=_("Subject"))
    text = forms.CharField(max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 4}), label=_("Text"))
