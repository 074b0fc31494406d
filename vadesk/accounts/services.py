"""Writes about people: API tokens."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from vadesk.accounts.models import ApiToken, Person


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
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.person
