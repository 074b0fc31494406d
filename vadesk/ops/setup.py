"""A new installation's first practice: its organisation and owner, for `vadesk setup` (there is no sign-up page)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from vadesk.accounts.models import Membership, Organisation, Person


def practice_create(
    *, name: str, country: str, time_zone: str, email: str, full_name: str, password: str, language: str
) -> Membership:
    """The organisation and its owner in one transaction; the rows are validated as their forms would."""
    email = Person.objects.normalize_email(email.strip()).lower()
    if Person.objects.filter(email=email).exists():
        raise ValidationError({"email": f"{email} has an account already"})
    organisation = Organisation(name=name.strip(), country=country.upper(), time_zone=time_zone)
    organisation.full_clean()
    person = Person(email=email, full_name=full_name.strip(), language=language)
    person.full_clean(exclude=["password"])
    validate_password(password, person)
    with transaction.atomic():
        organisation.save()
        person.set_password(password)
        person.save()
        return Membership.objects.create(person=person, organisation=organisation, role=Membership.Role.OWNER)
