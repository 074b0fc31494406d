"""One search over the nouns a person works with, each read through its own scoping helper.

Bounded on every side: the query is 2 to 100 characters, each group returns at most `PER_GROUP` rows (one more
is read to know whether there are more), and every match is a case-insensitive substring (`icontains`, escaped
by Django: `%` and `_` match themselves). Tasks and comments are searched newest first, so the index on the
primary key limits what a database reads before it has its rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import ExpressionWrapper, F, IntegerField, Q

from vadesk.accounts.models import Person
from vadesk.clients.models import Client, Contact, DossierFact
from vadesk.clients.scoping import clients_for, dossier_facts_for
from vadesk.invoicing.models import Invoice
from vadesk.invoicing.scoping import invoices_for
from vadesk.tasks.models import Comment, Task

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


def _client_in(queryset, field: str, client_ids: list[int]):
    """`queryset` narrowed to the rows whose client (`field`) is one of `client_ids`, tested as `field + 0`: a
    term no index serves (SQLite's documented way to keep a term out of index choice), so the walk newest first
    by primary key is the plan. The ids are a list, not a subquery: PostgreSQL misjudges a substring match as
    rare and probed the subquery once per matching row."""
    reach = ExpressionWrapper(F(field) + 0, output_field=IntegerField())
    return queryset.alias(reach=reach).filter(reach__in=client_ids)


def search(person: Person, organisation_id: int, text: str | None) -> Results:
    """What `person` may see as staff of the organisation that matches `text`; empty for a too-short query."""
    query = clean_query(text)
    results = Results(query)
    if not query:
        return results
    clients = clients_for(person, write=True, organisation=organisation_id)
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
    # Tasks and comments are many (100,000 and 33,000 at agency scale): walked newest first, each row tested
    # for reach on the way (tasks_for's rule: the task's client is in reach), so a hit stops after its group.
    # Driven by the reach instead, both databases read every task of every client in reach and sorted them
    # (SQLite through the client index, PostgreSQL a nested loop over each matching comment: 476 ms).
    reach = list(clients.order_by().values_list("pk", flat=True))  # at most the practice's clients
    results.tasks = _group(
        _client_in(Task.objects.all(), "client_id", reach)
        .filter(title__icontains=query)
        .select_related("client")
        .order_by("-pk")
    )
    results.comments = _group(
        _client_in(Comment.objects.all(), "task__client_id", reach)
        .filter(body__icontains=query)
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
