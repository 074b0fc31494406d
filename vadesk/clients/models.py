"""Clients, their contacts, who serves them, and the dossier the whole team must know."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vadesk.accounts.models import Country, Language, Organisation
from vadesk.lib.validators import normalise_vat_id, validate_vat_id


class ClientQuerySet(models.QuerySet["Client"]):
    def for_organisation(self, organisation: Organisation) -> "ClientQuerySet":
        return self.filter(organisation=organisation)

    def active(self) -> "ClientQuerySet":
        return self.filter(archived_at__isnull=True)


class Client(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        PRIVATE = "private", _("Private person")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="clients")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPANY)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.NL
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.NL)
    vat_id = models.CharField(_("VAT id"), max_length=20, blank=True, validators=[validate_vat_id])
    coc_number = models.CharField(_("chamber of commerce number"), max_length=30, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    assistants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Assignment",
        related_name="assigned_clients",
        blank=True,
        verbose_name=_("assistants"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["organisation", "name"]),
            # The API's list by name: its cursor starts a walk here.
            models.Index(fields=["name", "id"], name="client_by_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.vat_id:
            self.vat_id = normalise_vat_id(self.vat_id)


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def in_cover_order(self) -> "AssignmentQuerySet":
        """Lead first, then backup 1, backup 2, …: who gets the work when the one before is away."""
        lead_first = models.Case(models.When(role="lead", then=0), default=1)
        return self.order_by(lead_first, "position", "created_at", "pk")


class Assignment(models.Model):
    """An assistant on a client's team. Agencies put two or three on one client."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead assistant")
        BACKUP = "backup", _("Backup")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEAD)
    # The order of cover: leads first, then the backups by position (backup 1, backup 2, …).
    position = models.PositiveSmallIntegerField(_("order of cover"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "person"], name="one_assignment_per_person")]


class Contact(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    job_title = models.CharField(_("role"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.NL)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("contact")
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return self.name


class DossierFactQuerySet(models.QuerySet["DossierFact"]):
    def search(self, text: str) -> "DossierFactQuerySet":
        return self.filter(models.Q(text__icontains=text) | models.Q(topic__icontains=text)) if text else self


class DossierFact(models.Model):
    """One short, dated thing the team must know to give a personal service."""

    class Topic(models.TextChoices):
        LOCATION = "location", _("Location & directions")
        PERSON = "person", _("Key person")
        PREFERENCE = "preference", _("Preference")
        SENSITIVITY = "sensitivity", _("Sensitivity")
        MATTER = "matter", _("Running matter")
        OTHER = "other", _("Other")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="dossier")
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices, default=Topic.OTHER)
    text = models.CharField(_("fact"), max_length=500)
    noted_on = models.DateField(_("noted on"), default=timezone.localdate)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    pinned = models.BooleanField(_("pinned"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DossierFactQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier fact")
        ordering = ["-pinned", "-noted_on", "-id"]

    def __str__(self) -> str:
        return self.text
