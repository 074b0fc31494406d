"""Writes about people: memberships, invitations, API tokens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vadesk.accounts.models import ApiToken, Invitation, Membership, Organisation, Person

if TYPE_CHECKING:
    from vadesk.clients.models import Client

# A message sent through Django's mail API on behalf of one organisation carries its id here (comms/mailbackend.py).
ORGANISATION_HEADER = "X-Vadesk-Organisation"
INVITATION_DAYS = 14
_INVITATION_SALT = "vadesk.accounts.invitation"


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
    accept_url: Callable[[str], str] | None = None,
    by: Person | None = None,
) -> Membership | Invitation:
    """Give a new person a role in the organisation and invite them to set a password.

    An address that already has an account (in another organisation) gets no membership: an Invitation is sent
    through the outbox (`accept_url(token)` is its signed link), and the person joins only by accepting it.
    Until then the organisation knows only what its owner typed (issue 10.7).
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
        if existing is not None:
            if Membership.objects.filter(person=existing, organisation=organisation).exists():
                raise ValidationError(
                    {"email": _("%(email)s already belongs to this organisation.") % {"email": email}}
                )
            return _invite(organisation, existing, email, full_name, role, client, by, accept_url)
        if not full_name.strip():
            raise ValidationError({"full_name": _("Enter the person's name.")})
        person = Person.objects.create_user(email, None, full_name=full_name.strip(), language=language)
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


def _invite(
    organisation: Organisation,
    person: Person,
    email: str,
    full_name: str,
    role: str,
    client: Client | None,
    by: Person | None,
    accept_url: Callable[[str], str] | None,
) -> Invitation:
    """An invitation to an existing account, mailed through the outbox in the caller's transaction."""
    if Invitation.objects.filter(
        organisation=organisation, email=email, accepted_at=None, declined_at=None, expires_at__gt=timezone.now()
    ).exists():
        raise ValidationError({"email": _("%(email)s has already been invited.") % {"email": email}})
    now = timezone.now()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        full_name=full_name.strip()[:150],
        role=role,
        client=client,
        invited_by=by,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    if accept_url is not None:
        url = accept_url(invitation_token(invitation))
        with translation.override(person.language):
            subject = _("%(organisation)s invites you on vadesk") % {"organisation": organisation.name}
            body = "\n".join(
                [
                    _("Hello,"),
                    "",
                    _("%(organisation)s invites you to work with them on vadesk as %(role)s.")
                    % {"organisation": organisation.name, "role": invitation.get_role_display()},
                    _("Sign in with your existing account and accept or decline here (valid for %(days)s days):")
                    % {"days": INVITATION_DAYS},
                    url,
                    "",
                    _("Until you accept, %(organisation)s sees nothing of your account.")
                    % {"organisation": organisation.name},
                ]
            )
        EmailMessage(subject, body, to=[person.email], headers={ORGANISATION_HEADER: str(organisation.pk)}).send()
    return invitation


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=_INVITATION_SALT)


def invitation_for(*, person: Person, token: str) -> Invitation:
    """The open invitation this signed token names, addressed to this person; ValidationError otherwise."""
    refused = ValidationError(_("This invitation link is not valid, has expired or has been used."))
    try:
        pk = signing.loads(token, salt=_INVITATION_SALT, max_age=timedelta(days=INVITATION_DAYS))
    except signing.BadSignature:
        raise refused from None
    invitation = Invitation.objects.select_related("organisation").filter(pk=pk).first()
    if invitation is None or not invitation.is_open or invitation.email.lower() != person.email.lower():
        raise refused
    return invitation


def invitation_accept(*, person: Person, token: str) -> Membership:
    """Single use: the invitation is claimed atomically, then the membership made."""
    with transaction.atomic():
        invitation = invitation_for(person=person, token=token)
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at=None, declined_at=None).update(
            accepted_at=timezone.now()
        )
        if not claimed:
            raise ValidationError(_("This invitation link is not valid, has expired or has been used."))
        membership, _created = Membership.objects.get_or_create(
            person=person,
            organisation=invitation.organisation,
            defaults={"role": invitation.role, "client": invitation.client},
        )
    return membership


def invitation_decline(*, person: Person, token: str) -> None:
    with transaction.atomic():
        invitation = invitation_for(person=person, token=token)
        Invitation.objects.filter(pk=invitation.pk, accepted_at=None, declined_at=None).update(
            declined_at=timezone.now()
        )
