"""Clients and their contacts: read by staff and the client's own users, written by staff."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from vadesk.accounts.models import Country, Language, Organisation
from vadesk.api import paging
from vadesk.api.auth import person_of
from vadesk.api.patching import changes
from vadesk.api.types import Id, Input, Timestamp
from vadesk.clients import services
from vadesk.clients.models import Client
from vadesk.clients.scoping import client_for, clients_for

router = Router(tags=["clients"])


class ContactOut(Schema):
    id: int
    name: str
    job_title: str
    email: str
    phone: str
    preferred_language: str
    is_primary: bool


class ClientOut(Schema):
    id: int
    organisation_id: int
    name: str
    kind: Client.Kind
    email: str
    phone: str
    preferred_language: Language
    country: Country
    vat_id: str
    coc_number: str
    street: str
    postal_code: str
    city: str
    created_at: Timestamp
    archived_at: Timestamp | None


class ClientDetailOut(ClientOut):
    contacts: list[ContactOut]


class ClientIn(Input):
    organisation: Id
    name: str
    kind: Client.Kind = Client.Kind.COMPANY
    email: str = ""
    phone: str = ""
    preferred_language: Language = Language.NL
    country: Country = Country.NL
    vat_id: str = ""
    coc_number: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""


class ClientPatch(Input):
    """Only the fields sent are changed."""

    name: str | None = None
    kind: Client.Kind | None = None
    email: str | None = None
    phone: str | None = None
    preferred_language: Language | None = None
    country: Country | None = None
    vat_id: str | None = None
    coc_number: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None


# A client's name is at most 200 characters: its cursor, the name and id as base64 of JSON, fits in 2,000 even when
# every character is escaped (6 bytes each).
CURSOR_MAX = 2_000


class ClientPage(Schema):
    count: int = paging.count_field()
    count_capped: bool = paging.capped_field()
    limit: int
    next_cursor: str | None = paging.next_cursor_field()
    items: list[ClientOut]


class ClientFilters(Input):
    q: str = Field("", description="Part of the name")
    organisation: Id | None = None
    archived: bool = Field(False, description="List archived clients instead of active ones")
    limit: int = paging.limit_field()
    cursor: str | None = paging.cursor_field(CURSOR_MAX)


@router.get("/clients", response=ClientPage)
def list_clients(request: HttpRequest, filters: Query[ClientFilters]):
    """By name, a page at a time: pass `next_cursor` as `cursor` for the next one."""
    clients = clients_for(person_of(request)).filter(archived_at__isnull=not filters.archived)
    if filters.q:
        clients = clients.filter(name__icontains=filters.q)
    if filters.organisation is not None:
        clients = clients.filter(organisation_id=filters.organisation)
    return paging.page_of(
        clients, "name", descending=False, cursor=filters.cursor, limit=filters.limit, parse=paging.text
    )


@router.get("/clients/{client_id}", response=ClientDetailOut)
def get_client(request: HttpRequest, client_id: Id):
    return client_for(person_of(request), client_id)


@router.post("/clients", response={201: ClientDetailOut})
def create_client(request: HttpRequest, payload: ClientIn):
    person = person_of(request)
    fields = payload.dict()
    organisation_id = fields.pop("organisation")
    # Another organisation's id answers 404; a member who is not an owner gets the service's 403.
    organisation = get_object_or_404(
        Organisation.objects.filter(memberships__person=person, memberships__is_active=True), pk=organisation_id
    )
    return services.client_create(by=person, organisation=organisation, **fields)


@router.patch("/clients/{client_id}", response=ClientDetailOut)
def update_client(request: HttpRequest, client_id: Id, payload: ClientPatch):
    person = person_of(request)
    client = client_for(person, client_id)
    return services.client_update(by=person, client=client, **changes(payload, Client))
