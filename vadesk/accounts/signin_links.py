"""Signing in without a password: a client user asks for a one-time link by e-mail (issue 11.6).

1. `signin_link_request` counts the request per address typed and per client address, whether or not the
   address has an account, and refuses past SIGNIN_LINK_*_REQUESTS within the window; the answer is otherwise
   the same for every address, so the form tells nobody which ones exist. It does the same work for every
   address: whether one has an account is looked at later, in a job (`portal.jobs.signin_link_job`), so the
   answer does not take longer for a known address either (bench/signin_link.py).
2. `signin_link_send`, in that job: only an active client user gets a link, a random secret of which only the
   SHA-256 is kept, valid for SIGNIN_LINK_MINUTES, mailed through the outbox (Django's mail API is the outbox,
   settings.MAILERS) in the same transaction.
3. `signin_link_use` claims the link with a conditional UPDATE (so two tabs, or a replay, cannot both sign in)
   and retires the person's other open links with it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vadesk.accounts.models import Membership, Person, SignInLink, SignInLinkRequest


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()


def _secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _portal_membership(person: Person) -> Membership | None:
    return (
        Membership.objects.filter(person=person, is_active=True, role=Membership.Role.CLIENT)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
        .first()
    )


def _over_limit(account_key: str, address_key: str) -> bool:
    since = timezone.now() - timedelta(seconds=settings.SIGNIN_LINK_WINDOW_SECONDS)
    recent = SignInLinkRequest.objects.filter(requested_at__gte=since)
    return (
        recent.filter(account_key=account_key).count() >= settings.SIGNIN_LINK_ACCOUNT_REQUESTS
        or recent.filter(address_key=address_key).count() >= settings.SIGNIN_LINK_ADDRESS_REQUESTS
    )


def signin_link_request(*, email: str, address: str) -> None:
    """Count a request for a sign-in link to `email` from the client `address`; ValidationError (code `throttled`)
    past the limits, for any address alike. The link itself is `signin_link_send`'s business."""
    account_key, address_key = _digest(email), _digest(address)
    now = timezone.now()
    with transaction.atomic():
        # Requests older than the window count for nothing any more.
        SignInLinkRequest.objects.filter(
            requested_at__lt=now - timedelta(seconds=settings.SIGNIN_LINK_WINDOW_SECONDS)
        ).delete()
        if _over_limit(account_key, address_key):
            raise ValidationError(
                _("Too many sign-in links were asked for. Wait a while, or sign in with your password."),
                code="throttled",
            )
        SignInLinkRequest.objects.create(account_key=account_key, address_key=address_key, requested_at=now)


def signin_link_send(*, email: str, link_url: Callable[[str], str]) -> bool:
    """Mail a one-time sign-in link to `email` if it is an active client user's (`link_url(secret)` is the link);
    whether it did, for the job's log only."""
    now = timezone.now()
    with transaction.atomic():
        SignInLink.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()  # a day past their end
        person = Person.objects.filter(email__iexact=email.strip(), is_active=True).first()
        membership = _portal_membership(person) if person is not None else None
        if person is None or membership is None:
            return False
        secret = secrets.token_urlsafe(32)
        SignInLink.objects.create(
            person=person,
            digest=_secret_digest(secret),
            created_at=now,
            expires_at=now + timedelta(minutes=settings.SIGNIN_LINK_MINUTES),
        )
        _send(person, membership, link_url(secret))
    return True


def _send(person: Person, membership: Membership, url: str) -> None:
    with translation.override(person.language):
        subject = _("Your sign-in link for %(organisation)s") % {"organisation": membership.organisation.name}
        body = "\n".join(
            [
                _("Hello %(name)s,") % {"name": person.full_name},
                "",
                _("Here is your link to sign in to the portal of %(organisation)s.")
                % {"organisation": membership.organisation.name},
                _("It works once, within %(minutes)s minutes:") % {"minutes": settings.SIGNIN_LINK_MINUTES},
                url,
                "",
                _("If you did not ask for it, ignore this e-mail: nobody can sign in without the link."),
            ]
        )
    # No organisation header: like a password reset, the link is the person's, not for an organisation's outbox
    # page to show.
    EmailMessage(subject, body, to=[person.email]).send()


def signin_link_check(secret: str) -> SignInLink:
    """The open link for this secret, or ValidationError saying why not (`invalid`, `used`, `expired`)."""
    link = SignInLink.objects.select_related("person").filter(digest=_secret_digest(secret)).first()
    if link is None or not link.person.is_active or _portal_membership(link.person) is None:
        raise ValidationError(_("This sign-in link is not valid. Ask for a new one."), code="invalid")
    if link.used_at is not None:
        raise ValidationError(_("This sign-in link has already been used. Ask for a new one."), code="used")
    if link.expires_at <= timezone.now():
        raise ValidationError(_("This sign-in link has expired. Ask for a new one."), code="expired")
    return link


def signin_link_use(secret: str) -> tuple[Person, Membership]:
    """Claim the link once: the person it signs in and the portal membership they sign in to."""
    with transaction.atomic():
        link = signin_link_check(secret)
        now = timezone.now()
        claimed = SignInLink.objects.filter(pk=link.pk, used_at=None, expires_at__gt=now).update(used_at=now)
        if not claimed:  # another request took it between the check and here
            raise ValidationError(_("This sign-in link has already been used. Ask for a new one."), code="used")
        # One link used retires the others the person asked for.
        SignInLink.objects.filter(person=link.person, used_at=None).update(used_at=now)
        membership = _portal_membership(link.person)
    if membership is None:  # checked above; only a membership ended in between gets here
        raise ValidationError(_("This sign-in link is not valid. Ask for a new one."), code="invalid")
    return link.person, membership
