"""People, the organisations they work for, and what role they have there."""

import hashlib
import secrets
from decimal import Decimal
from zoneinfo import available_timezones

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vadesk.lib.validators import normalise_iban, normalise_vat_id, validate_iban, validate_vat_id


class Country(models.TextChoices):
    NL = "NL", _("Netherlands")
    DE = "DE", _("Germany")
    BE = "BE", _("Belgium")
    AT = "AT", _("Austria")


class Language(models.TextChoices):
    NL = "nl", _("Dutch")
    DE = "de", _("German")
    EN = "en", _("English")


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("%(zone)s is not a known time zone."), params={"zone": value})


class PersonManager(BaseUserManager["Person"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> "Person":
        if not email:
            raise ValueError("An e-mail address is required")
        person = self.model(email=self.normalize_email(email).lower(), **extra)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "Person":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class Person(AbstractBaseUser, PermissionsMixin):
    """Anyone who logs in: an owner, an assistant or a client's user."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.EN)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def initials(self) -> str:
        parts = [p for p in self.full_name.split() if p[:1].isalpha()]
        return "".join(p[0] for p in parts[:1] + parts[-1:] if parts).upper() or self.email[:1].upper()

    @property
    def first_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organisation(models.Model):
    """A solo VA business or an agency: the tenant every other row belongs to."""

    class Kind(models.TextChoices):
        SOLO = "solo", _("Solo VA")
        AGENCY = "agency", _("Agency")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.AGENCY)
    legal_form = models.CharField(
        _("legal form"), max_length=60, blank=True, help_text=_("e.g. eenmanszaak, B.V., GmbH, BV/SRL")
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.NL)
    coc_number = models.CharField(_("chamber of commerce number"), max_length=30, blank=True)
    vat_id = models.CharField(_("VAT id"), max_length=20, blank=True, validators=[validate_vat_id])
    iban = models.CharField(_("IBAN"), max_length=40, blank=True, validators=[validate_iban])
    default_hourly_rate = models.DecimalField(
        _("default hourly rate"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("55.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR", editable=False)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Amsterdam", validators=[validate_time_zone]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.vat_id:
            self.vat_id = normalise_vat_id(self.vat_id)
        if self.iban:
            self.iban = normalise_iban(self.iban)


class Membership(models.Model):
    """A person's role in one organisation; a person may hold several."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        ASSISTANT = "assistant", _("Assistant")
        CLIENT = "client", _("Client user")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    # Only for client users: the one client they may see through the portal.
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.CASCADE, related_name="portal_memberships"
    )
    weekly_capacity_hours = models.DecimalField(
        _("weekly capacity (hours)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["person", "organisation"], name="one_membership_per_organisation"),
            models.CheckConstraint(
                condition=(
                    models.Q(role="client", client__isnull=False)
                    | (~models.Q(role="client") & models.Q(client__isnull=True))
                ),
                name="client_users_have_exactly_one_client",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.organisation} ({self.get_role_display()})"

    def clean(self) -> None:
        # The portal shows a client user this client: it must be one of this organisation's own.
        if self.client is not None and self.organisation_id and self.client.organisation_id != self.organisation_id:
            raise ValidationError({"client": _("This client belongs to another organisation.")})

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER

    @property
    def is_staff_member(self) -> bool:
        return self.role in (self.Role.OWNER, self.Role.ASSISTANT)

    @property
    def is_client_user(self) -> bool:
        return self.role == self.Role.CLIENT


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 is stored; the secret is shown once."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @staticmethod
    def new_secret() -> str:
        return "vad_" + secrets.token_urlsafe(32)


class SignInFailure(models.Model):
    """One refused password or API token, counted by the sign-in throttle (accounts/throttle.py).

    Kept in the database, not in a process's memory, so every web process counts the same failures. `key` is a
    SHA-256 of the account (the e-mail address typed, or a token's prefix) or of the client address.
    """

    class Scope(models.TextChoices):
        ACCOUNT = "account", _("account")
        ADDRESS = "address", _("client address")

    scope = models.CharField(max_length=10, choices=Scope.choices)
    key = models.CharField(max_length=64)
    failed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("failed sign-in")
        indexes = [
            models.Index(fields=["scope", "key", "failed_at"], name="signin_failure_lookup"),
            models.Index(fields=["failed_at"], name="signin_failure_age"),
        ]


class Invitation(models.Model):
    """An offer of a role to someone who already has a vadesk account (issue 10.7): no membership, and nothing of
    the account shown to the inviting organisation, until the person accepts through the signed link."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    full_name = models.CharField(max_length=150, blank=True)  # as the inviting owner typed it: all they see
    role = models.CharField(max_length=10, choices=Membership.Role.choices)
    client = models.ForeignKey("clients.Client", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    invited_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "email"])]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.declined_at is None and timezone.now() < self.expires_at


class SignInLink(models.Model):
    """A one-time sign-in link e-mailed to a client user (accounts/signin_links.py). Only the secret's SHA-256 is
    stored; the link dies when used (`used_at`) or at `expires_at`, whichever comes first."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in link")
        indexes = [models.Index(fields=["expires_at"], name="signin_link_age")]


class SignInLinkRequest(models.Model):
    """One request for a sign-in link, counted per address typed and per client address, whether or not the
    address has an account: the limit then tells nobody which addresses exist. Keys are SHA-256 digests."""

    account_key = models.CharField(max_length=64)
    address_key = models.CharField(max_length=64)
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sign-in link request")
        indexes = [
            models.Index(fields=["account_key", "requested_at"], name="signin_link_req_account"),
            models.Index(fields=["address_key", "requested_at"], name="signin_link_req_address"),
            models.Index(fields=["requested_at"], name="signin_link_req_age"),
        ]
