"""Forms for the staff pages. They validate input; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from vadesk.accounts.forms import SignInForm
from vadesk.accounts.models import Person
from vadesk.clients.models import Client, Contact, DossierFact
from vadesk.engagements.models import Engagement
from vadesk.lib.durations import parse_duration
from vadesk.lib.formfields import label_choices_with, model_choices
from vadesk.lib.validators import normalise_vat_id
from vadesk.lib.widgets import DateInput, DateTimeInput
from vadesk.tasks.models import Category, Comment, Priority, Source
from vadesk.tasks.rrule import WEEKDAY_CODES, WORKDAYS, monthly_on
from vadesk.web.widgets import Select

# Django ships no Dutch or German text for the empty choice of every dropdown; keep it in our catalog.
gettext_noop("- Select an option -")


class LoginForm(SignInForm):
    def clean_username(self) -> str:
        # Addresses are stored in lower case (PersonManager.create_user); phones capitalise the first letter.
        return (self.cleaned_data.get("username") or "").strip().lower()


class DurationField(forms.CharField):
    default_error_messages = {"invalid": _("Enter a duration such as 1:30, 90 or 1.5h.")}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        minutes = parse_duration(value)
        if minutes is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return minutes


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = [
            "name",
            "kind",
            "email",
            "phone",
            "preferred_language",
            "country",
            "vat_id",
            "coc_number",
            "street",
            "postal_code",
            "city",
        ]

    def clean_vat_id(self):
        value = self.cleaned_data["vat_id"]
        return normalise_vat_id(value) if value else value


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "job_title", "email", "phone", "preferred_language", "is_primary"]


class DossierFactForm(forms.ModelForm):
    class Meta:
        model = DossierFact
        fields = ["topic", "text", "noted_on", "pinned"]
        widgets = {
            "noted_on": DateInput(),
            "text": forms.TextInput(attrs={"placeholder": _("e.g. Parking behind the building, code 4711")}),
        }


class EngagementForm(forms.ModelForm):
    class Meta:
        model = Engagement
        fields = [
            "name",
            "kind",
            "status",
            "starts_on",
            "ends_on",
            "billing_increment_minutes",
            "minimum_minutes_per_task",
            "hourly_rate",
            "bundle_hours",
            "bundle_price",
            "expires_on",
            "overdraft_policy",
            "monthly_hours",
            "monthly_price",
            "rollover_policy",
            "rollover_cap_hours",
            "excess_rate",
            "budget_hours",
            "project_price",
        ]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "expires_on": DateInput()}


class TaskForm(forms.Form):
    client = forms.ModelChoiceField(queryset=Client.objects.none(), label=_("Client"))
    title = forms.CharField(max_length=200, label=_("Title"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label=_("Description"))
    category = forms.ChoiceField(choices=Category.choices, initial=Category.OTHER, label=_("Category"))
    priority = forms.TypedChoiceField(
        choices=Priority.choices, coerce=int, initial=Priority.NORMAL, label=_("Priority")
    )
    due_at = forms.DateTimeField(required=False, widget=DateTimeInput(), label=_("Due"))
    source = forms.ChoiceField(choices=Source.choices, initial=Source.EMAIL, label=_("Came in by"))
    engagement = forms.ModelChoiceField(queryset=Engagement.objects.none(), required=False, label=_("Engagement"))
    assignees = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(), required=False, label=_("Assignees"), widget=forms.CheckboxSelectMultiple
    )
    checklist = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Checklist (one item per line)")
    )

    def __init__(self, *args, clients, staff, **kwargs):
        super().__init__(*args, **kwargs)
        model_choices(self, "client").queryset = clients
        model_choices(self, "engagement").queryset = (
            Engagement.objects.filter(client__in=clients).active().select_related("client")
        )
        label_choices_with(model_choices(self, "engagement"), lambda e: f"{e.client.name} · {e.name}")
        model_choices(self, "assignees").queryset = staff

    def clean(self):
        super().clean()
        data = self.cleaned_data
        client, engagement = data.get("client"), data.get("engagement")
        if client and engagement and engagement.client_id != client.pk:
            self.add_error("engagement", _("This engagement belongs to another client."))
        return data


class TaskEditForm(TaskForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["client"], self.fields["source"], self.fields["checklist"]


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Comment"))
    visibility = forms.ChoiceField(
        choices=Comment.Visibility.choices,
        initial=Comment.Visibility.INTERNAL,
        label=_("Visibility"),
        widget=forms.RadioSelect,
    )


class ChecklistItemForm(forms.Form):
    text = forms.CharField(max_length=200, label=_("New item"))


class TimeEntryForm(forms.Form):
    engagement = forms.ModelChoiceField(queryset=Engagement.objects.none(), label=_("Engagement"), widget=Select)
    work_date = forms.DateField(widget=DateInput(), label=_("Date"))
    duration = DurationField(
        label=_("Time"), widget=forms.TextInput(attrs={"placeholder": "1:30", "inputmode": "text", "size": 6})
    )
    note = forms.CharField(max_length=500, required=False, label=_("Internal note"))
    client_note = forms.CharField(
        max_length=500,
        required=False,
        label=_("Note for the client"),
        help_text=_("The client reads this in their work log; the internal note stays with the team."),
    )
    billable = forms.BooleanField(required=False, initial=True, label=_("Billable"))

    def __init__(self, *args, engagements, **kwargs):
        super().__init__(*args, **kwargs)
        model_choices(self, "engagement").queryset = engagements.select_related("client")
        label_choices_with(model_choices(self, "engagement"), lambda e: f"{e.client.name} · {e.name}")


class TimerForm(forms.Form):
    note = forms.CharField(max_length=500, required=False, label=_("Internal note"))
    client_note = forms.CharField(max_length=500, required=False, label=_("Note for the client"))


class RecurringTaskForm(forms.Form):
    """Common rhythms as presets, computed from the first due date; anything else as a raw RRULE."""

    PRESETS = [
        ("monthly", _("Every month on the same day")),
        ("weekly", _("Every week on the same weekday")),
        ("biweekly", _("Every two weeks")),
        ("workdays", _("Every working day")),
        ("quarterly", _("Every quarter")),
        ("custom", _("Custom (iCalendar RRULE)")),
    ]
    title = forms.CharField(max_length=200, label=_("Title"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Description"))
    category = forms.ChoiceField(choices=Category.choices, initial=Category.OTHER, label=_("Category"))
    priority = forms.TypedChoiceField(
        choices=Priority.choices, coerce=int, initial=Priority.NORMAL, label=_("Priority")
    )
    first_due_at = forms.DateTimeField(widget=DateTimeInput(), label=_("First due"))
    repeats = forms.ChoiceField(
        choices=PRESETS,
        label=_("Repeats"),
        help_text=_("A monthly day from the 29th on falls on the last day of a shorter month (30 April, 28 February)."),
    )
    rrule = forms.CharField(
        max_length=300,
        required=False,
        label=_("RRULE"),
        help_text=_("Only for custom: e.g. FREQ=MONTHLY;BYMONTHDAY=25 or FREQ=WEEKLY;BYDAY=MO,TH"),
    )
    lead_days = forms.IntegerField(min_value=0, max_value=60, initial=3, label=_("Create this many days ahead"))
    engagement = forms.ModelChoiceField(queryset=Engagement.objects.none(), required=False, label=_("Engagement"))
    assignees = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(), required=False, label=_("Assignees"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, client, staff, **kwargs):
        super().__init__(*args, **kwargs)
        model_choices(self, "engagement").queryset = client.engagements.active()
        model_choices(self, "assignees").queryset = staff

    def clean(self):
        super().clean()
        data = self.cleaned_data
        first, repeats = data.get("first_due_at"), data.get("repeats")
        if first and repeats:
            day = WEEKDAY_CODES[first.weekday()]
            data["rrule"] = {
                "monthly": monthly_on(first.day),
                "weekly": f"FREQ=WEEKLY;BYDAY={day}",
                "biweekly": f"FREQ=WEEKLY;INTERVAL=2;BYDAY={day}",
                "workdays": f"FREQ=WEEKLY;BYDAY={WORKDAYS}",
                "quarterly": monthly_on(first.day, interval=3),
            }.get(repeats, data.get("rrule", ""))
            if repeats == "custom" and not data["rrule"]:
                self.add_error("rrule", _("Enter the RRULE for a custom rhythm."))
        return data
