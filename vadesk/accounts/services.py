"""Writes about people: memberships, invitations, API tokens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vadesk.accounts.models import ApiToken, Membership, Organisation, Person

if TYPE_CHECKING:
    from vadesk.clients.models import Client

# A message sent through Django's mail API on behalf of one organisation carries its id here (comms/mailbackend.py).
ORGANISATION_HEADER = "X-Vadesk-Organisation"


def api_token_create(*, person: Person, name: str) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and only its hash is kept."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the token, e.g. after the script that uses it.")})
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(person=person, name=name[:100], prefix=secret[:12], digest=ApiToken.hash(secret))
    return token, secret


def api_token_revoke(*, person: Person, token: ApiToken) -> None:
    if token.person_id != person.pk:
        raise ValidationError(_("This token is not yours."))
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def person_for_token(secret: str) -> Person | None:
    token = ApiToken.objects.active().select_related("person").filter(digest=ApiToken.hash(secret)).first()
    if token is None or not token.person.is_active:
        return None
    now = timezone.now()
    # One write a minute is enough to show when a token was last used; not one per call.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person


def member_add(
    *,
    organisation: Organisation,
    email: str,
    full_name: str,
    role: str,
    client: Client | None = None,
    language: str = "nl",
    invite_url: Callable[[Person], str] | None = None,
) -> Membership:
    """Give a person a role in the organisation, creating them if new, and invite them to set a password.

    One person may belong to several organisations, so an existing e-mail address gains a membership.
    """
    email = (email or "").strip().lower()
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if role == Membership.Role.CLIENT:
        if client is None or client.organisation_id != organisation.pk:
            raise ValidationError({"client": _("Choose the client this person may see.")})
    else:
        client = None
    with transaction.atomic():
        existing = Person.objects.filter(email__iexact=email).first()
        if existing is None:
            if not full_name.strip():
                raise ValidationError({"full_name": _("Enter the person's name.")})
            person = Person.objects.create_user(email, None, full_name=full_name.strip(), language=language)
        else:
            person = existing
        if Membership.objects.filter(person=person, organisation=organisation).exists():
            raise ValidationError({"email": _("%(email)s already belongs to this organisation.") % {"email": email}})
        membership = Membership.objects.create(person=person, organisation=organisation, role=role, client=client)
        if invite_url is not None:
            # Queued with the membership (the comms outbox delivers it after commit), so no SMTP in this transaction.
            _send_invitation(person, organisation, invite_url(person), needs_password=not person.has_usable_password())
    return membership


def _send_invitation(person: Person, organisation: Organisation, url: str, *, needs_password: bool) -> None:
    with translation.override(person.language):
        subject = _("You have been invited to %(organisation)s on vadesk") % {"organisation": organisation.name}
        lines = [
            _("Hello %(name)s,") % {"name": person.full_name},
            "",
            _("%(organisation)s has given you access to vadesk.") % {"organisation": organisation.name},
            _("Choose your password here to log in:") if needs_password else _("Log in with your existing password:"),
            url,
        ]
    # Django's mail API is pointed at the comms outbox (settings.MAILERS), which sits above this app; the header
    # files the message under the organisation that sent it, and does not leave vadesk.
    EmailMessage(
        subject, "\n".join(lines), to=[person.email], headers={ORGANISATION_HEADER: str(organisation.pk)}
    ).send()
