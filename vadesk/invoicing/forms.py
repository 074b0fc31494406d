from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from vadesk.clients.models import Client
from vadesk.invoicing.models import Buyer, ClientBilling, Invoice, InvoiceLine, SellerProfile
from vadesk.invoicing.services.behalf import BUYER_FIELDS
from vadesk.invoicing.vat import RateKind
from vadesk.lib.formfields import model_choices
from vadesk.lib.widgets import DateInput

RATE_CHOICES = [
    (RateKind.STANDARD.value, _("Standard rate")),
    (RateKind.REDUCED.value, _("Reduced rate")),
    (RateKind.INTERMEDIATE.value, _("Intermediate rate (BE 12 %)")),
    (RateKind.ZERO.value, _("Zero rate")),
]


class DraftForm(forms.Form):
    client = forms.ModelChoiceField(queryset=Client.objects.none(), label=_("Client"))
    month = forms.CharField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}))

    def __init__(self, *args, clients=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_choices(self, "client").queryset = clients

    def clean_month(self) -> date:
        try:
            return date.fromisoformat(self.cleaned_data["month"] + "-01")
        except ValueError:
            raise forms.ValidationError(_("Choose a month.")) from None


class RunForm(forms.Form):
    month = forms.CharField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}))

    def clean_month(self) -> date:
        try:
            return date.fromisoformat(self.cleaned_data["month"] + "-01")
        except ValueError:
            raise forms.ValidationError(_("Choose a month.")) from None


class LineForm(forms.Form):
    description = forms.CharField(max_length=200, label=_("Description"))
    quantity = forms.DecimalField(
        min_value=Decimal("0"), max_digits=10, decimal_places=4, label=_("Quantity"), initial=1
    )
    unit = forms.ChoiceField(choices=InvoiceLine.Unit.choices, label=_("Unit"), initial="C62")
    unit_price = forms.DecimalField(min_value=Decimal("0"), max_digits=12, decimal_places=4, label=_("Price"))
    rate_kind = forms.ChoiceField(choices=RATE_CHOICES, label=_("VAT rate"))


class LineEditForm(LineForm):
    detail = forms.CharField(
        max_length=1000, required=False, label=_("Details"), widget=forms.Textarea(attrs={"rows": 2})
    )
    field_order = ["description", "detail", "quantity", "unit", "unit_price", "rate_kind"]


class PaymentForm(forms.Form):
    amount = forms.DecimalField(min_value=Decimal("0.01"), max_digits=12, decimal_places=2, label=_("Amount"))
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())


class SendForm(forms.Form):
    # Empty: the invoice address (the service names what to fill in when there is none).
    to = forms.EmailField(label=_("To"), max_length=254, required=False)
    message = forms.CharField(
        label=_("Message"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    # The last sending the page showed: sending again names it, so a double click sends one mail.
    resend_after = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm = forms.BooleanField(label=_("Yes, send it again"), required=False)


class StatementForm(forms.Form):
    file = forms.FileField(label=_("CAMT.053 file"))


class ExportForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("Until"), widget=DateInput())

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class SellerForm(forms.ModelForm):
    class Meta:
        model = SellerProfile
        fields = [
            "small_business",
            "tax_number",
            "number_format",
            "payment_days",
            "contact_name",
            "email",
            "phone",
            "bic",
            "reminder_first_days",
            "reminder_second_days",
            "reminder_final_days",
            "logo_svg",
        ]
        widgets = {"logo_svg": forms.Textarea(attrs={"rows": 3})}


class InvoiceEditForm(forms.ModelForm):
    """What a draft says besides its lines: note, language, buyer reference and the delivery period."""

    class Meta:
        model = Invoice
        fields = ["note", "language", "buyer_reference", "period_start", "period_end"]
        labels = {"period_start": _("Delivery period from"), "period_end": _("Delivery period until")}
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "period_start": DateInput(),
            "period_end": DateInput(),
        }

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class ClientBillingForm(forms.ModelForm):
    class Meta:
        model = ClientBilling
        fields = ["buyer_reference", "invoice_email", "grouping", "einvoice_format", "payment_days"]


class BehalfClientForm(forms.ModelForm):
    """The client's legal data as the seller on its invoices."""

    class Meta:
        model = Client
        fields = ["name", "street", "postal_code", "city", "country", "vat_id", "coc_number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("street", "postal_code", "city"):
            self.fields[name].required = True  # an invoice needs the seller's full address


class BehalfProfileForm(forms.ModelForm):
    class Meta:
        model = SellerProfile
        fields = [
            "iban",
            "bic",
            "tax_number",
            "small_business",
            "number_format",
            "payment_days",
            "contact_name",
            "email",
            "phone",
            "logo_svg",
        ]
        widgets = {"logo_svg": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # IBAN for payment; e-mail and phone because XRechnung requires the seller's contact (BR-DE-6, BR-DE-7).
        for name in ("iban", "email", "phone"):
            self.fields[name].required = True
        self.fields["iban"].help_text = _("The client's own account: its customers pay there.")


class BuyerForm(forms.ModelForm):
    class Meta:
        model = Buyer
        fields = list(BUYER_FIELDS)  # the fields the service accepts (invoicing/services/behalf.py)


class BehalfDraftForm(forms.Form):
    buyer = forms.ModelChoiceField(queryset=Buyer.objects.none(), label=_("Buyer"))
    period_start = forms.DateField(label=_("Delivery period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Delivery period until"), widget=DateInput())

    def __init__(self, *args, buyers=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_choices(self, "buyer").queryset = buyers

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data
