"""The demo practice's invoicing: two months of final invoices, a credit note, payments, and every VAT case."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from vadesk.accounts.models import Membership, Organisation, Person
from vadesk.clients.models import Client
from vadesk.engagements.balance import month_end, month_start
from vadesk.invoicing.models import Invoice
from vadesk.invoicing.services import (
    credit_note_create,
    invoice_draft_create,
    invoice_finalise,
    invoice_line_save,
    invoice_problems,
    invoice_run_month,
    payment_record,
    seller_profile_of,
)


def invoicing_demo(organisations: list[Organisation], *, now: datetime) -> int:
    """Returns how many documents were finalised. Drafts that cannot be finalised stay drafts, showing why."""
    today = timezone.localdate(now)
    this_month = month_start(today)
    months = [month_start(this_month - timedelta(days=40)), month_start(this_month - timedelta(days=10))]
    finalised = 0
    for organisation in organisations:
        owner = (
            Membership.objects.filter(organisation=organisation, role=Membership.Role.OWNER)
            .select_related("person")
            .order_by("pk")[0]
            .person
        )
        profile = seller_profile_of(organisation)
        profile.contact_name, profile.email, profile.phone = (
            owner.full_name,
            owner.email,
            "+31 30 123 4567" if organisation.country == "NL" else "+49 341 123456",
        )
        # The German solo VA uses the Kleinunternehmer scheme (§19 UStG): the small-business case.
        profile.small_business = organisation.country == "DE"
        profile.save()
        for client in Client.objects.filter(organisation=organisation):
            if not client.street:
                client.street, client.postal_code, client.city = (
                    "Hoofdstraat 1",
                    "1000 AA",
                    "Amsterdam" if client.country == "NL" else "Berlin",
                )
                client.save(update_fields=["street", "postal_code", "city"])
        if organisation.country == "NL":
            _private_abroad(organisation, owner, months[-1])
        for month in months:
            for draft in invoice_run_month(by=owner, organisation=organisation, month=month):
                if not invoice_problems(draft):
                    invoice_finalise(
                        by=owner, invoice=draft, issue_date=min(today, month_end(month) + timedelta(days=1))
                    )
                    finalised += 1
        finals = list(
            Invoice.objects.for_organisation(organisation).final().invoices().order_by("issue_date", "number")
        )
        for index, invoice in enumerate(finals):
            issued = invoice.issue_date
            assert issued is not None  # a final invoice has its issue date
            if issued.month == months[0].month or index % 2:
                payment_record(
                    by=owner,
                    invoice=invoice,
                    amount=invoice.gross_total,
                    paid_on=min(today, issued + timedelta(days=9)),
                )
        if finals:
            first_line = finals[-1].lines.order_by("position", "pk")[0]
            credit = credit_note_create(
                by=owner, invoice=finals[-1], quantities={first_line.pk: min(first_line.quantity, Decimal("1"))}
            )
            invoice_finalise(by=owner, invoice=credit, issue_date=today)
            finalised += 1
    return finalised


def _private_abroad(organisation: Organisation, owner: Person, month: date) -> None:
    """A private client in Belgium: services to a consumer abroad carry the seller's Dutch VAT (art. 45)."""
    client = Client.objects.create(
        organisation=organisation,
        name="Sophie Claes",
        kind=Client.Kind.PRIVATE,
        country="BE",
        preferred_language="nl",
        email="sophie.claes@example.be",
        street="Meir 12",
        postal_code="2000",
        city="Antwerpen",
    )
    draft = invoice_draft_create(
        by=owner, client=client, period_start=month, period_end=month_end(month), from_work=False
    )
    invoice_line_save(
        by=owner,
        invoice=draft,
        description="Persoonlijke administratie",
        quantity=Decimal("3.5"),
        unit="HUR",
        unit_price=Decimal("48.00"),
    )
    invoice_line_save(
        by=owner,
        invoice=draft,
        description="Verzendkosten",
        quantity=Decimal("1"),
        unit="C62",
        unit_price=Decimal("6.95"),
    )
    invoice_finalise(by=owner, invoice=draft, issue_date=month_end(month) + timedelta(days=1))
