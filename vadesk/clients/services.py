"""Writes on clients, their contacts, dossier and team. Each authorises `by` and validates before saving."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Membership, Organisation, Person
from vadesk.clients.models import Assignment, Client, Contact, DossierFact
from vadesk.clients.scoping import is_staff_for
from vadesk.lib.hooks import Hook

# Fired inside the change's transaction; the team app registers (onboarding checklist, handover request).
team_joined = Hook("clients.team_joined")  # client=, people= (newly on the client's team), by=


def check_owner(person: Person, organisation_id: int) -> None:
    """Client details, engagements and teams are the owner's to change, on every page and endpoint alike."""
    if organisation_id not in reach_of(person).owner_of:
        raise PermissionDenied(_("Only an owner of the organisation can do this."))


def check_staff(person: Person, client: Client) -> None:
    if not is_staff_for(person, client):
        raise PermissionDenied(_("Only the team working for this client can do this."))


def save_validated[M: Model](instance: M, fields: dict[str, Any]) -> M:
    """Set the fields, validate the whole row (full_clean) and save it atomically."""
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    with transaction.atomic():
        instance.save()
    return instance


def client_create(*, by: Person, organisation: Organisation, **fields: Any) -> Client:
    check_owner(by, organisation.pk)
    return save_validated(Client(organisation=organisation), fields)


def client_update(*, by: Person, client: Client, **fields: Any) -> Client:
    # The owner's rule, as on the client's edit page: an assigned assistant may read but not change the client.
    check_owner(by, client.organisation_id)
    return save_validated(client, fields)


def contact_save(*, by: Person, client: Client, contact: Contact | None = None, **fields: Any) -> Contact:
    """Add a contact to the client, or change one of its contacts."""
    check_staff(by, client)
    if contact is not None and contact.client_id != client.pk:
        raise PermissionDenied(_("This contact belongs to another client."))
    return save_validated(contact or Contact(client=client), fields)


def dossier_fact_create(
    *, by: Person, client: Client, topic: str, text: str, noted_on: date | None = None, pinned: bool = False
) -> DossierFact:
    check_staff(by, client)
    fields: dict[str, Any] = {"topic": topic, "text": (text or "").strip(), "pinned": pinned}
    if noted_on:
        fields["noted_on"] = noted_on
    return save_validated(DossierFact(client=client, author=by), fields)


def dossier_fact_update(*, by: Person, fact: DossierFact, **fields: Any) -> DossierFact:
    check_staff(by, fact.client)
    if "text" in fields:
        fields["text"] = (fields["text"] or "").strip()
    return save_validated(fact, fields)


def dossier_fact_delete(*, by: Person, fact: DossierFact) -> None:
    check_staff(by, fact.client)
    fact.delete()


def client_team_set(*, by: Person, client: Client, roles: dict[int, str], order: dict[int, int] | None = None) -> None:
    """The client's team becomes exactly `roles` (person id → role): others are taken off the client.

    `order` (person id → 1, 2, 3 …) is the order of cover: who gets the work when the one before is away.
    Leads come first whatever their number; people left without a number keep theirs.
    """
    check_owner(by, client.organisation_id)
    if not roles:  # issue 14: a team without members is refused; the client keeps the team it has
        raise ValidationError(_("A client's team needs at least one member."))
    staff = set(
        Membership.objects.filter(
            organisation_id=client.organisation_id,
            role__in=[Membership.Role.OWNER, Membership.Role.ASSISTANT],
            is_active=True,
            person_id__in=roles,
        ).values_list("person_id", flat=True)
    )
    if set(roles) - staff or set(roles.values()) - set(Assignment.Role.values):
        raise ValidationError(_("Only the organisation's staff can be on a client's team."))
    if order and any(not 0 < n <= 99 for n in order.values()):
        raise ValidationError(_("The order of cover is a number from 1 to 99."))
    with transaction.atomic():
        before = set(client.assignments.values_list("person_id", flat=True))
        client.assignments.exclude(person_id__in=roles).delete()
        for person_id, role in roles.items():
            defaults: dict[str, object] = {"role": role}
            if order and person_id in order:
                defaults["position"] = order[person_id]
            Assignment.objects.update_or_create(client=client, person_id=person_id, defaults=defaults)
        joined = [person_id for person_id in roles if person_id not in before]
        if joined:
            people = Person.objects.filter(pk__in=joined).order_by("pk")
            team_joined.fire(client=client, people=list(people), by=by)
