"""Dossier facts: what the team must know about a client. Internal: staff only, never client users."""

from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from vadesk.api.auth import person_of
from vadesk.api.patching import changes
from vadesk.api.types import Day, Id, Input, PersonRef, Timestamp
from vadesk.clients import services
from vadesk.clients.models import DossierFact
from vadesk.clients.scoping import client_for, dossier_fact_for

router = Router(tags=["dossier"])


class DossierFactOut(Schema):
    id: int
    client_id: int
    topic: DossierFact.Topic
    text: str
    noted_on: date
    pinned: bool
    author: PersonRef | None
    created_at: Timestamp
    updated_at: Timestamp


class DossierFactIn(Input):
    topic: DossierFact.Topic = DossierFact.Topic.OTHER
    text: str
    noted_on: Day | None = Field(None, description="Defaults to today")
    pinned: bool = False


class DossierFactPatch(Input):
    topic: DossierFact.Topic | None = None
    text: str | None = None
    noted_on: Day | None = None
    pinned: bool | None = None


class DossierFilters(Input):
    q: str = Field("", description="Search the text and topic")


@router.get("/clients/{client_id}/dossier", response=list[DossierFactOut])
def list_dossier(request: HttpRequest, client_id: Id, filters: Query[DossierFilters]):
    """Pinned facts first, then the most recently noted."""
    client = client_for(person_of(request), client_id, write=True)
    return client.dossier.search(filters.q.strip()).select_related("author").order_by("-pinned", "-noted_on", "-id")


@router.post("/clients/{client_id}/dossier", response={201: DossierFactOut})
def create_dossier_fact(request: HttpRequest, client_id: Id, payload: DossierFactIn):
    person = person_of(request)
    client = client_for(person, client_id, write=True)
    return services.dossier_fact_create(by=person, client=client, **payload.dict())


@router.get("/dossier/{fact_id}", response=DossierFactOut)
def get_dossier_fact(request: HttpRequest, fact_id: Id):
    return dossier_fact_for(person_of(request), fact_id)


@router.patch("/dossier/{fact_id}", response=DossierFactOut)
def update_dossier_fact(request: HttpRequest, fact_id: Id, payload: DossierFactPatch):
    person = person_of(request)
    fact = dossier_fact_for(person, fact_id)
    return services.dossier_fact_update(by=person, fact=fact, **changes(payload, DossierFact))


@router.delete("/dossier/{fact_id}", response={204: None})
def delete_dossier_fact(request: HttpRequest, fact_id: Id):
    person = person_of(request)
    services.dossier_fact_delete(by=person, fact=dossier_fact_for(person, fact_id))
    return None
