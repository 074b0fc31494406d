"""One search over the nouns a person works with, each read through its own scoping helper.

Bounded on every side: the query is 2 to 100 characters, each group returns at most `PER_GROUP` rows (one more
is read to know whether there are more), and every match is a case-insensitive substring (`icontains`, escaped
by Django: `%` and `_` match themselves). Tasks and comments are searched newest first, so the index on the
primary key limits what a database reads before it has its rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from vadesk.accounts.models import Person
from vadesk.clients.models import Client, Contact, DossierFact
from vadesk.clients.scoping import clients_for, dossier_facts_for
from vadesk.invoicing.models import Invoice
from vadesk.invoicing.scoping import invoices_for
from vadesk.tasks.models import Comment, Task
from vadesk.tasks.scoping import tasks_for

MIN_LENGTH = 2
MAX_LENGTH = 100
PER_GROUP = 8


@dataclass
class Group[T]:
    rows: list[T] = field(default_factory=list)
    more: bool = False


@dataclass
class Results:
    query: str
    clients: Group[Client] = field(default_factory=Group)
    contacts: Group[Contact] = field(default_factory=Group)
    tasks: Group[Task] = field(default_factory=Group)
    comments: Group[Comment] = field(default_factory=Group)
    facts: Group[DossierFact] = field(default_factory=Group)
    invoices: Group[Invoice] = field(default_factory=Group)

    @property
    def empty(self) -> bool:
        groups = (self.clients, self.contacts, self.tasks, self.comments, self.facts, self.invoices)
        return not any(g.rows for g in groups)


def clean_query(text: str | None) -> str:
    """The query as searched: trimmed, inner runs of space made one, cut at MAX_LENGTH; '' when too short."""
    query = " ".join((text or "").split())[:MAX_LENGTH]
    return query if len(query) >= MIN_LENGTH else ""


def _group(queryset, limit: int = PER_GROUP) -> Group:
    rows = list(queryset[: limit + 1])
    return Group(rows[:limit], len(rows) > limit)


def search(person: Person, organisation_id: int, text: str | None) -> Results:
    """What `person` may see as staff of the organisation that matches `text`; empty for a too-short query."""
    query = clean_query(text)
    results = Results(query)
    if not query:
        return results
    clients = clients_for(person, write=True, organisation=organisation_id)
    tasks = tasks_for(person, write=True, organisation=organisation_id)
    results.clients = _group(
        clients.filter(Q(name__icontains=query) | Q(email__icontains=query) | Q(city__icontains=query)).order_by(
            "name", "pk"
        )
    )
    results.contacts = _group(
        Contact.objects.filter(client__in=clients)
        .filter(Q(name__icontains=query) | Q(email__icontains=query) | Q(phone__icontains=query))
        .select_related("client")
        .order_by("name", "pk")
    )
    results.tasks = _group(tasks.filter(title__icontains=query).select_related("client").order_by("-pk"))
    results.comments = _group(
        Comment.objects.filter(task__in=tasks, body__icontains=query)
        .select_related("task__client", "author")
        .order_by("-pk")
    )
    results.facts = _group(
        dossier_facts_for(person, organisation=organisation_id)
        .filter(text__icontains=query)
        .select_related("client")
        .order_by("-pk")
    )
    results.invoices = _group(
        invoices_for(person, write=True, organisation=organisation_id)
        .filter(Q(number__icontains=query) | Q(client__name__icontains=query))
        .select_related("client")
        .order_by("-pk")
    )
    return results
