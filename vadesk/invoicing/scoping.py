"""Deny by default: every page and endpoint loads invoices and credit notes through these helpers."""

from django.db.models import Q, QuerySet

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Person
from vadesk.clients.scoping import clients_for, get_in_reach, portal_clients
from vadesk.invoicing.models import Invoice, InvoiceQuerySet, RevenueMonth


def invoices_for(person: Person, *, write: bool = False, organisation: int | None = None) -> InvoiceQuerySet:
    """Invoices in the person's reach, optionally in one organisation (the one a staff page works in).

    To read: the team's, for the clients it serves, drafts included; a client user sees only the final
    documents of its own client. With `write`: the team's only.
    """
    team = Q(client__in=clients_for(person, write=True, organisation=organisation))
    if organisation is not None:
        team &= Q(organisation_id=organisation)
    if write:
        return Invoice.objects.filter(team)
    portal = Q(status=Invoice.Status.FINAL, client__in=portal_clients(person))
    if organisation is not None:
        portal &= Q(organisation_id=organisation)
    return Invoice.objects.filter(team | portal)


def invoice_for(person: Person, pk: object, *, write: bool = False, organisation: int | None = None) -> Invoice:
    """One invoice in reach (see invoices_for); 404 for anyone else, the same as for one that does not exist."""
    invoices = invoices_for(person, write=write, organisation=organisation).select_related(
        "client", "buyer", "seller__organisation", "seller__on_behalf_of", "credit_of"
    )
    return get_in_reach(invoices, pk)


def revenue_months_for(person: Person, organisation: int) -> QuerySet[RevenueMonth]:
    """The organisation's kept revenue per month: all of its own invoices', so only its owners read it."""
    if organisation not in reach_of(person).owner_of:
        return RevenueMonth.objects.none()
    return RevenueMonth.objects.filter(organisation_id=organisation)
