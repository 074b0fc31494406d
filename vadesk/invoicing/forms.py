from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from vadesk.invoicing.models import InvoiceLine, SellerProfile
from vadesk.invoicing.vat import RateKind

RATE_CHOICES = [(RateKind.STANDARD.value, _("Standard rate")), (RateKind.REDUCED.value, _("Reduced rate")),
                (RateKind.INTERMEDIATE.value, _("Intermediate rate (BE 12 %)")), (RateKind.ZERO.value, _("Zero rate"))]


class DraftForm(forms.Form):
    client = forms.ModelChoiceField(queryset=None, label=_("Client"))
    month = forms.CharField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}))

    def __init__(self, *args, clients=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients

    def clean_month(self) -> date:
        try:
            return date.fromisoformat(self.cleaned_data["month"] + "-01")
        except ValueError:
            raise forms.ValidationError(_("Choose a month."))


class RunForm(forms.Form):
    month = forms.CharField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}))

    def clean_month(self) -> date:
        try:
            return date.fromisoformat(self.cleaned_data["month"] + "-01")
        except ValueError:
            raise forms.ValidationError(_("Choose a month."))


class LineForm(forms.Form):
    description = forms.CharField(max_length=200, label=_("Description"))
    quantity = forms.DecimalField(min_value=Decimal("0"), max_digits=10, decimal_places=4, label=_("Quantity"), initial=1)
    unit = forms.ChoiceField(choices=InvoiceLine.Unit.choices, label=_("Unit"), initial="C62")
    unit_price = forms.DecimalField(min_value=Decimal("0"), max_digits=12, decimal_places=4, label=_("Price"))
    rate_kind = forms.ChoiceField(choices=RATE_CHOICES, label=_("VAT rate"))


class PaymentForm(forms.Form):
    amount = forms.DecimalField(min_value=Decimal("0.01"), max_digits=12, decimal_places=2, label=_("Amount"))
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))


class StatementForm(forms.Form):
    file = forms.FileField(label=_("CAMT.053 file"))


class ExportForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class SellerForm(forms.ModelForm):
    class Meta:
        model = SellerProfile
        fields = ["small_business", "tax_number", "number_format", "payment_days", "contact_name", "email", "phone", "bic",
                  "reminder_first_days", "reminder_second_days", "reminder_final_days", "logo_svg"]
        widgets = {"logo_svg": forms.Textarea(attrs={"rows": 3})}
