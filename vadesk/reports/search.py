"""One search over the nouns a person works with, each read through its own scoping helper.

Bounded on every side: the query is 2 to 100 characters, each group returns at most `PER_GROUP` rows (one more
is read to know whether there are more), and every match is a case-insensitive substring (`icontains`, escaped
by Django: `%` and `_` match themselves). Every group's rows are its newest (or first by name) that match.

On PostgreSQL the large tables' matched columns have trigram indexes on exactly `icontains`'s expression
(`UPPER(col::text)`, vadesk/lib/trigram.py), analysed, so the planner reads a miss or a rare match from the index
and walks a common match newest first by primary key, stopping after the group. SQLite has no trigrams: there a
group is always that walk. Queries of 2 characters have no trigram: PostgreSQL then walks or scans, as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, F, IntegerField, Q

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
    term no index serves (SQLite's documented way to keep a term out of index choice), so the plan is the walk
    newest first by primary key or, on PostgreSQL for a rare match, the trigram index, never every task of every
    client in reach. The ids are a list, not a subquery: PostgreSQL, before the trigram index's statistics,
    misjudged a substring match as rare and probed the subquery once per matching row."""
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
    # The clients in reach (at most the practice's), each with whether its name matches (the invoices' match).
    named = ExpressionWrapper(Q(name__icontains=query), output_field=BooleanField())
    reach_named = list(clients.order_by().annotate(named=named).values_list("pk", "named"))
    reach = [pk for pk, _ in reach_named]
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
        # The client's name as the ids of the named clients, not a join: an index serves each side of the OR
        # (the trigram index the number, the client index the ids), so a miss reads neither the 12,000 invoices
        # of an agency's year nor their clients.
        .filter(Q(number__icontains=query) | Q(client_id__in=[pk for pk, is_named in reach_named if is_named]))
        .select_related("client")
        .order_by("-pk")
    )
    return results
