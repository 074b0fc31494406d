"""Invoices and credit notes, their lines, numbering, VAT rates, payments, bank statements and reminders."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext

from vadesk.accounts.models import Country, Language, Organisation
from vadesk.clients.models import Client
from vadesk.einvoice.model import money
from vadesk.engagements.models import Engagement
from vadesk.invoicing.camt import readable_amount
from vadesk.invoicing.vat import RateKind
from vadesk.lib.svg import SvgError, sanitise_svg
from vadesk.lib.validators import normalise_iban, normalise_vat_id, validate_iban, validate_vat_id
from vadesk.timesheets.models import TimeEntry

ZERO = Decimal("0.00")
# The type of summed money. SQLite hands computed sums back unrounded (60.5, or a float's digits): round with money().
MONEY_FIELD = models.DecimalField(max_digits=14, decimal_places=2)


class VatRate(models.Model):
    """A rate as dated data: a change adds a row with a later valid_from, so old invoices keep their rate."""

    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    kind = models.CharField(_("rate"), max_length=12, choices=[(k.value, k.value) for k in RateKind])
    rate = models.DecimalField(_("percentage"), max_digits=5, decimal_places=2)
    valid_from = models.DateField(_("valid from"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["country", "kind", "valid_from"], name="one_rate_per_day")]
        ordering = ["country", "kind", "valid_from"]

    def __str__(self) -> str:
        return f"{self.country} {self.kind} {self.rate}% from {self.valid_from}"


def validate_number_format(value: str) -> None:
    try:
        sample = value.format(year=2026, seq=42)
    except (KeyError, IndexError, ValueError):
        raise ValidationError(_("Use only {year} and {seq} as placeholders, e.g. {year}-{seq:04d}.")) from None
    if "{seq" not in value or len(sample) > 30:
        raise ValidationError(_("The format needs {seq} and must give numbers of at most 30 characters."))


class SellerProfile(models.Model):
    """The party that sells: the organisation itself, or one of its clients when the VA invoices on the client's behalf.

    Each seller has its own gapless number sequence, as each seller's tax office expects.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="seller_profiles")
    on_behalf_of = models.ForeignKey(
        Client,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Set when invoices are issued in this client's name."),
    )
    tax_number = models.CharField(
        _("tax number"), max_length=30, blank=True, help_text=_("e.g. the German Steuernummer")
    )
    small_business = models.BooleanField(
        _("small-business scheme"),
        default=False,
        help_text=_("NL KOR, DE §19 UStG, BE vrijstellingsregeling: no VAT, with the legal note."),
    )
    number_format = models.CharField(
        _("number format"), max_length=40, default="{year}-{seq:04d}", validators=[validate_number_format]
    )
    payment_days = models.PositiveSmallIntegerField(_("payment term (days)"), default=14)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    email = models.EmailField(_("invoicing e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    logo_svg = models.TextField(_("logo (SVG)"), blank=True)
    # An on-behalf seller is paid into the client's own account, not the organisation's.
    iban = models.CharField(
        _("IBAN"),
        max_length=34,
        blank=True,
        validators=[validate_iban],
        help_text=_("Only for a client you invoice for: the client's own account."),
    )
    reminder_first_days = models.PositiveSmallIntegerField(_("first reminder, days after due date"), default=7)
    reminder_second_days = models.PositiveSmallIntegerField(_("second reminder, days after due date"), default=21)
    reminder_final_days = models.PositiveSmallIntegerField(_("final notice, days after due date"), default=35)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(on_behalf_of__isnull=True), name="one_own_seller_profile"
            ),
            models.UniqueConstraint(fields=["organisation", "on_behalf_of"], name="one_seller_profile_per_client"),
        ]

    def __str__(self) -> str:
        return str(self.on_behalf_of or self.organisation)

    def clean(self) -> None:
        # Stored compact whatever was typed: the PDF groups it, the QR code and the XML carry it as is.
        if self.iban:
            self.iban = normalise_iban(self.iban)
        if self.bic:
            self.bic = "".join(self.bic.split()).upper()
        if self.logo_svg.strip():
            # Parsed and rebuilt from an allow-list at upload: a stored logo never runs, fetches or breaks a PDF.
            try:
                self.logo_svg = sanitise_svg(self.logo_svg)
            except SvgError as error:
                raise ValidationError(
                    {"logo_svg": _("This logo cannot be used: %(reason)s.") % {"reason": error}}
                ) from None
        if self.reminder_first_days and not (
            self.reminder_first_days < self.reminder_second_days < self.reminder_final_days
        ):
            raise ValidationError(_("Reminders must come in order: first, then second, then the final notice."))


class ClientBilling(models.Model):
    """How a client is invoiced: the buyer reference (a Leitweg-ID for German public bodies) and preferences."""

    class Grouping(models.TextChoices):
        TASK = "task", _("One line per task")
        CATEGORY = "category", _("One line per category")
        SUMMARY = "summary", _("One summary line with an hours specification")

    class Format(models.TextChoices):
        PEPPOL = "ubl", _("Peppol BIS (UBL)")
        XRECHNUNG = "xrechnung-ubl", _("XRechnung (UBL)")
        FACTURX = "facturx", _("Factur-X / ZUGFeRD PDF")

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="billing")
    buyer_reference = models.CharField(_("buyer reference / Leitweg-ID"), max_length=60, blank=True)
    invoice_email = models.EmailField(_("invoice e-mail"), blank=True)
    grouping = models.CharField(
        _("hours on the invoice"), max_length=10, choices=Grouping.choices, default=Grouping.TASK
    )
    einvoice_format = models.CharField(
        _("e-invoice format"), max_length=16, choices=Format.choices, default=Format.FACTURX
    )
    payment_days = models.PositiveSmallIntegerField(
        _("payment term (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the term in the invoice settings."),
    )


# Peppol EAS codes (CEF code list) a buyer can be reached at; the e-invoice's BT-49 (PEPPOL-EN16931-R010).
class Scheme(models.TextChoices):
    NL_KVK = "0106", _("NL: KvK number (0106)")
    NL_OIN = "0190", _("NL: OIN, public bodies (0190)")
    NL_VAT = "9944", _("NL: VAT id (9944)")
    DE_LEITWEG = "0204", _("DE: Leitweg-ID (0204)")
    DE_VAT = "9930", _("DE: VAT id (9930)")
    BE_KBO = "0208", _("BE: KBO/BCE number (0208)")
    BE_VAT = "9925", _("BE: VAT id (9925)")
    EMAIL = "EM", _("E-mail (EM)")


class Buyer(models.Model):
    """A customer of a client we invoice for (the client is the seller): not one of the VA's own clients."""

    seller = models.ForeignKey(SellerProfile, on_delete=models.CASCADE, related_name="buyers")
    name = models.CharField(_("name"), max_length=200)
    is_business = models.BooleanField(_("business"), default=True, help_text=_("Untick for a private person."))
    street = models.CharField(_("street and number"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=20)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.NL)
    vat_id = models.CharField(_("VAT id"), max_length=20, blank=True, validators=[validate_vat_id])
    registration_id = models.CharField(_("chamber of commerce number"), max_length=30, blank=True)
    buyer_reference = models.CharField(_("buyer reference / Leitweg-ID"), max_length=60, blank=True)
    endpoint_scheme = models.CharField(_("e-invoice address type"), max_length=4, choices=Scheme.choices, blank=True)
    endpoint_id = models.CharField(
        _("e-invoice address"),
        max_length=100,
        blank=True,
        help_text=_("Where the buyer receives e-invoices (Peppol). Empty: by VAT id, else e-mail."),
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.NL)
    email = models.EmailField(_("invoice e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.vat_id:
            self.vat_id = normalise_vat_id(self.vat_id)
        if bool(self.endpoint_scheme) != bool(self.endpoint_id):
            raise ValidationError({"endpoint_id": _("Give both the e-invoice address and its type, or neither.")})


class NumberSequence(models.Model):
    """The last number used per seller and year; finalising locks this row, so numbers stay gapless."""

    seller = models.ForeignKey(SellerProfile, on_delete=models.PROTECT, related_name="sequences")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["seller", "year"], name="one_sequence_per_seller_year")]


class ProjectMilestone(models.Model):
    """A fixed-price project is invoiced by milestone: each one once, when it is due."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("milestone"), max_length=150)
    amount = models.DecimalField(
        _("amount"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    due_on = models.DateField(_("due on"))

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.name


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def for_organisation(self, organisation: Organisation | int) -> InvoiceQuerySet:
        return self.filter(organisation=organisation)

    def final(self) -> InvoiceQuerySet:
        return self.filter(status=Invoice.Status.FINAL)

    def invoices(self) -> InvoiceQuerySet:
        return self.filter(kind=Invoice.Kind.INVOICE)

    def unpaid(self) -> InvoiceQuerySet:
        return self.final().invoices().filter(paid_at__isnull=True)

    def with_amount_due(self) -> InvoiceQuerySet:
        """Annotate amount_paid, amount_credited and amount_due: the total, less payments and final credit notes.

        The one notion of what a client still owes. Each sum is a grouped subquery per invoice (no join, so the
        two sums cannot multiply each other's rows), which keeps it usable with select_for_update and filters."""
        paid = (
            Payment.objects.filter(invoice=models.OuterRef("pk"))
            .values("invoice")
            .annotate(total=models.Sum("amount"))
            .values("total")
        )
        credited = (
            Invoice.objects.filter(credit_of=models.OuterRef("pk"), status=Invoice.Status.FINAL)
            .values("credit_of")
            .annotate(total=models.Sum("gross_total"))
            .values("total")
        )
        return self.annotate(
            amount_paid=Coalesce(models.Subquery(paid), ZERO, output_field=MONEY_FIELD),
            amount_credited=Coalesce(models.Subquery(credited), ZERO, output_field=MONEY_FIELD),
            amount_due=models.ExpressionWrapper(
                models.F("gross_total") - models.F("amount_paid") - models.F("amount_credited"),
                output_field=MONEY_FIELD,
            ),
        )


class Invoice(models.Model):
    """An invoice or credit note. A draft can change; a final one never does (corrections are credit notes)."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="invoices")
    seller = models.ForeignKey(SellerProfile, on_delete=models.PROTECT, related_name="invoices")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("client"))
    # Set when the client is the seller (on its behalf): the buyer is then one of the client's customers.
    buyer = models.ForeignKey(
        Buyer, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("buyer")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.DRAFT)
    number = models.CharField(_("number"), max_length=30, blank=True)
    issue_date = models.DateField(_("invoice date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.NL)
    credit_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
        verbose_name=_("credits invoice"),
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    buyer_reference = models.CharField(_("buyer reference / Leitweg-ID"), max_length=60, blank=True)
    hours_specification = models.BooleanField(_("attach an hours specification"), default=False)
    # Frozen at finalising: what the parties and VAT were on that day, whatever changes later.
    seller_snapshot = models.JSONField(default=dict, blank=True)
    buyer_snapshot = models.JSONField(default=dict, blank=True)
    vat_case = models.CharField(max_length=16, blank=True)
    vat_note = models.CharField(max_length=300, blank=True)
    net_total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    vat_total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    gross_total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateField(_("paid on"), null=True, blank=True)
    reminder_level = models.PositiveSmallIntegerField(default=0)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        ordering = ["-issue_date", "-number", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "number"], condition=~models.Q(number=""), name="unique_invoice_number_per_seller"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | ~models.Q(number=""), name="final_invoices_have_a_number"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "issue_date"]),
            # The invoice list's order (drafts first, newest first): a page walks it and stops.
            models.Index(fields=["organisation", "status", "-issue_date", "-id"], name="invoice_list_order"),
            # The API's list, newest issued first (drafts after them): its cursor starts a walk here.
            models.Index(fields=["-issue_date", "-id"], name="invoice_newest_first"),
            # The unpaid invoices by due date (the overview's overdue ones, the reminders): not the paid years.
            models.Index(
                fields=["organisation", "due_date", "id"],
                condition=models.Q(status="final", kind="invoice", paid_at__isnull=True),
                name="invoice_unpaid_by_due_date",
            ),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft %(id)s") % {"id": self.pk})

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL

    @property
    def on_behalf(self) -> bool:
        return self.buyer_id is not None

    @property
    def signed_total(self) -> Decimal:
        """The gross total as lists show it: a credit note gives money back, so it is negative."""
        return -self.gross_total if self.is_credit_note else self.gross_total

    def is_overdue(self, today: date) -> bool:
        return bool(
            self.is_final
            and not self.is_credit_note
            and self.paid_at is None
            and self.due_date
            and self.due_date < today
        )

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    @property
    def filename_stem(self) -> str:
        return (self.number or f"draft-{self.pk}").replace("/", "-")


def unit_text(code: str, quantity: Decimal) -> str:
    """A line's unit (UN/ECE Rec. 20 code) as its quantity reads with it: "1 month", "2 months", "1,5 uur", "1 Stück".

    The invoice page and the PDF (which reads the code from the frozen snapshot) both print it.
    """
    count = 1 if quantity == 1 else 2
    if code == InvoiceLine.Unit.HOUR:
        return npgettext("invoice unit", "hour", "hours", count)
    if code == InvoiceLine.Unit.MONTH:
        return npgettext("invoice unit", "month", "months", count)
    if code == InvoiceLine.Unit.PIECE:
        return npgettext("invoice unit", "piece", "pieces", count)
    return ""


class InvoiceLine(models.Model):
    class Source(models.TextChoices):
        HOURS = "hours", _("Hours")
        BUNDLE = "bundle", _("Bundle")
        RETAINER = "retainer", _("Retainer")
        EXCESS = "excess", _("Excess hours")
        MILESTONE = "milestone", _("Milestone")
        FREE = "free", _("Free line")

    class Unit(models.TextChoices):
        HOUR = "HUR", _("hours")
        PIECE = "C62", _("pcs")
        MONTH = "MON", _("months")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(_("description"), max_length=200)
    detail = models.TextField(_("details"), blank=True, max_length=1000)
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=4, validators=[MinValueValidator(Decimal("0"))]
    )
    unit = models.CharField(_("unit"), max_length=3, choices=Unit.choices, default=Unit.HOUR)
    unit_price = models.DecimalField(
        _("price"), max_digits=12, decimal_places=4, validators=[MinValueValidator(Decimal("0"))]
    )
    rate_kind = models.CharField(
        _("VAT rate"), max_length=12, choices=[(k.value, k.value) for k in RateKind], default=RateKind.STANDARD
    )
    vat_category = models.CharField(max_length=2, blank=True)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FREE)
    engagement = models.ForeignKey(Engagement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    milestone = models.ForeignKey(
        ProjectMilestone, null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    credited_line = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="credits")
    time_entries = models.ManyToManyField(TimeEntry, through="InvoiceLineEntry", related_name="+", blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def unit_text(self) -> str:
        return unit_text(self.unit, self.quantity)

    @property
    def net_amount(self) -> Decimal:
        return money(self.quantity * self.unit_price)


class InvoiceLineEntry(models.Model):
    """A time entry behind an invoice line. An entry sits on at most one line, so it is never billed twice."""

    line = models.ForeignKey(InvoiceLine, on_delete=models.CASCADE, related_name="entry_links")
    time_entry = models.OneToOneField(TimeEntry, on_delete=models.PROTECT, related_name="invoice_link")


class Payment(models.Model):
    class Method(models.TextChoices):
        MANUAL = "manual", _("Marked paid")
        BANK = "bank", _("Bank statement")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(max_length=6, choices=Method.choices, default=Method.MANUAL)
    statement_line = models.OneToOneField(
        "StatementLine", null=True, blank=True, on_delete=models.PROTECT, related_name="payment"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "id"]


class BankStatement(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="bank_statements")
    statement_id = models.CharField(max_length=100)
    account_iban = models.CharField(max_length=40, validators=[validate_iban])
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-imported_at"]


class StatementLineQuerySet(models.QuerySet):
    def readable(self) -> StatementLineQuerySet:
        """The lines with their amount read as text (`stored_amount`): a line SQLite kept before amounts were
        checked (1e30) cannot be turned into a decimal of the field's digits, and must not take a page down."""
        return self.defer("amount").annotate(stored_amount=Cast("amount", output_field=models.CharField()))


class StatementLine(models.Model):
    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched")
        REVIEW = "review", _("To review")
        UNMATCHED = "unmatched", _("No invoice found")
        IGNORED = "ignored", _("Ignored")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    statement = models.ForeignKey(BankStatement, on_delete=models.CASCADE, related_name="lines")
    bank_reference = models.CharField(max_length=100)
    booked_on = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    counterparty = models.CharField(max_length=140, blank=True)
    counterparty_iban = models.CharField(max_length=40, blank=True)
    remittance = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=200, blank=True)

    objects = StatementLineQuerySet.as_manager()

    class Meta:
        ordering = ["booked_on", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "bank_reference"], name="statement_entry_once")]

    @property
    def readable_amount(self) -> Decimal | None:
        """The amount of a line read with `readable()`; None when what is stored is no amount vadesk can book."""
        return readable_amount(self.stored_amount)  # type: ignore[attr-defined]


class Reminder(models.Model):
    class Level(models.IntegerChoices):
        FIRST = 1, _("First reminder")
        SECOND = 2, _("Second reminder")
        FINAL = 3, _("Final notice")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="reminders")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    sent_on = models.DateField()  # the schedule's day, which the spacing between levels counts from
    sent_at = models.DateTimeField()
    sent_to = models.EmailField()

    class Meta:
        ordering = ["invoice", "level"]
        constraints = [models.UniqueConstraint(fields=["invoice", "level"], name="one_reminder_per_level")]


class InvoiceDispatch(models.Model):
    """One sending of a final invoice or credit note to its recipient, through the comms outbox."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="dispatches")
    recipient = models.EmailField(_("recipient"))
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The outbox row that carries it: its state says whether the mail has left yet.
    message = models.ForeignKey("comms.OutboxMessage", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-sent_at", "-id"]


class RevenueMonth(models.Model):
    """The organisation's own revenue per month of issue, kept: the net of its final invoices less its final credit
    notes, in cents. An invoice issued on a client's behalf (with a buyer) is the client's revenue, not kept here.

    Finalising adds each document to its month in the transaction that makes it final (`invoicing.revenue`);
    `manage.py revenue_rebuild` recomputes the months from the invoices (after an import or a repair). The owner's
    dashboard reads twelve rows instead of summing a year of invoices."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="first day of the month of issue")
    net_cents = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "month"], name="one_revenue_row_per_month")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m} {self.net_cents}"
