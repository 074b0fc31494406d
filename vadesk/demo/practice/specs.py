"""The shapes of the demo practice's data: people, clients, engagements, contacts, dossier facts, organisations."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class PersonSpec:
    key: str
    email: str
    full_name: str
    language: str
    role: str  # owner | assistant | client
    weekly_capacity_hours: Decimal | None = None
    client_key: str | None = None  # client users only


@dataclass(frozen=True)
class EngagementSpec:
    name: str
    kind: str
    starts_days_ago: int  # a retainer starts on the first of that month
    terms: dict
    # Hours to use: for a retainer or hourly work, per calendar month as a share of `base_hours`
    # (cycled, oldest month first); for a bundle or project, one share of its total.
    usage: tuple[float, ...]
    base_hours: Decimal | None = None  # hourly work has no allowance: the hours a month it usually takes
    ends_in_days: int | None = None
    expires_in_days: int | None = None


@dataclass(frozen=True)
class ContactSpec:
    name: str
    job_title: str
    email: str
    phone: str
    language: str
    is_primary: bool = False


@dataclass(frozen=True)
class FactSpec:
    topic: str
    text: str
    days_ago: int
    author: str
    pinned: bool = False


@dataclass(frozen=True)
class ClientSpec:
    key: str
    name: str
    kind: str
    language: str
    country: str
    street: str
    postal_code: str
    city: str
    email: str
    phone: str
    team: tuple[tuple[str, str], ...]  # (person key, lead | backup)
    engagements: tuple[EngagementSpec, ...]
    task_count: int
    categories: dict[str, int]  # category -> weight
    vat_id: str = ""
    coc_number: str = ""
    contacts: tuple[ContactSpec, ...] = ()
    dossier: tuple[FactSpec, ...] = ()


@dataclass(frozen=True)
class OrganisationSpec:
    name: str
    kind: str
    legal_form: str
    street: str
    postal_code: str
    city: str
    country: str
    coc_number: str
    vat_id: str
    iban: str
    default_hourly_rate: Decimal
    time_zone: str
    people: tuple[PersonSpec, ...]
    clients: tuple[ClientSpec, ...] = field(default=())
