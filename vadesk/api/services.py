"""Thin writes for nouns whose app has no services module yet: validate with full_clean, save atomically.

Move each to its app's services.py once the web UI needs the same write.
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Organisation, Person
from vadesk.clients.models import Client, DossierFact
from vadesk.clients.scoping import is_staff_for
from vadesk.engagements.models import Engagement


def _check_owner(person: Person, organisation_id: int) -> None:
    if organisation_id not in reach_of(person).owner_of:
        raise PermissionDenied(_("Only an owner of the organisation can do this."))


def _check_staff(person: Person, client: Client) -> None:
    if not is_staff_for(person, client):
        raise PermissionDenied(_("Only the team working for this client can do this."))


def _save[M: Model](instance: M, fields: dict[str, Any]) -> M:
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    with transaction.atomic():
        instance.save()
    return instance


def client_create(*, by: Person, organisation: Organisation, **fields: Any) -> Client:
    _check_owner(by, organisation.pk)
    return _save(Client(organisation=organisation), fields)


def client_update(*, by: Person, client: Client, **fields: Any) -> Client:
    _check_staff(by, client)
    return _save(client, fields)


def dossier_fact_create(
    *, by: Person, client: Client, topic: str, text: str, noted_on: date | None = None, pinned: bool = False
) -> DossierFact:
    _check_staff(by, client)
    fact = DossierFact(client=client, author=by)
    return _save(
        fact,
        {
            "topic": topic,
            "text": (text or "").strip(),
            "pinned": pinned,
            **({"noted_on": noted_on} if noted_on else {}),
        },
    )


def dossier_fact_update(*, by: Person, fact: DossierFact, **fields: Any) -> DossierFact:
    _check_staff(by, fact.client)
    if "text" in fields:
        fields["text"] = (fields["text"] or "").strip()
    return _save(fact, fields)


def dossier_fact_delete(*, by: Person, fact: DossierFact) -> None:
    _check_staff(by, fact.client)
    fact.delete()


def engagement_create(*, by: Person, client: Client, **fields: Any) -> Engagement:
    _check_owner(by, client.organisation_id)
    return _save(Engagement(client=client), fields)


def engagement_update(*, by: Person, engagement: Engagement, **fields: Any) -> Engagement:
    _check_owner(by, engagement.client.organisation_id)
    return _save(engagement, fields)
