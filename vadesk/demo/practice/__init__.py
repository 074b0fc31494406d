"""The demo practice as plain data: who works where, for which clients, under which terms.

Dates are relative (days ago), so the demo always looks current. E-mail addresses use
the reserved `.example` domain (RFC 2606), so nothing can ever be delivered to them.
VAT ids pass `stdnum.eu.vat`; IBANs pass `schwifty` (both checked in the tests).
"""

from typing import Any

from vadesk.demo.practice.agency import AGENCY
from vadesk.demo.practice.solo import SOLO
from vadesk.demo.practice.specs import (
    ClientSpec,
    ContactSpec,
    EngagementSpec,
    FactSpec,
    OrganisationSpec,
    PersonSpec,
)

DEMO_PASSWORD = "demo-vadesk-2026"
DEMO_SEED = 2026
WINDOW_DAYS = 60  # tasks and hours cover the last two months

ORGANISATIONS = (AGENCY, SOLO)
DEMO_EMAILS = tuple(p.email for org in ORGANISATIONS for p in org.people)

# The recurring task the brief of every agency knows: invoices go out on the 25th.
RECURRING: dict[str, Any] = dict(
    client="vandijk",
    engagement=0,
    by="sanne",
    assignees=("sanne",),
    rrule="FREQ=MONTHLY;BYMONTHDAY=25",
    title="Facturen klaarzetten voor verzending",
    category="bookkeeping",
    priority=3,
    lead_days=3,
    description="Uren en declaraties van de maand controleren, facturen in het boekhoudpakket klaarzetten en ter goedkeuring naar Pieter sturen.",
)

PORTAL_REQUEST = dict(
    client="vandijk",
    by="pieter",
    title="Tafel reserveren voor de borrel met het team",
    description="Graag een tafel voor 12 personen, volgende week donderdag vanaf 17:30, ergens aan de Oudegracht. Budget ca. € 40 p.p.",
)

__all__ = [
    "AGENCY",
    "DEMO_EMAILS",
    "DEMO_PASSWORD",
    "DEMO_SEED",
    "ORGANISATIONS",
    "PORTAL_REQUEST",
    "RECURRING",
    "SOLO",
    "WINDOW_DAYS",
    "ClientSpec",
    "ContactSpec",
    "EngagementSpec",
    "FactSpec",
    "OrganisationSpec",
    "PersonSpec",
]
