"""What a routing decision adds to inbound mail filing (issue 14, "Done when": at most 2 extra queries per new
task): the queries of filing a mail as a new task with the absence-aware router, minus those with a router that
answers without reading anything, plus the history line only a routing decision writes."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vadesk.accounts.models import Membership
from vadesk.clients.models import Assignment
from vadesk.conftest import make_person
from vadesk.tasks import routing
from vadesk.team.routing import absence_aware_route
from vadesk.team.tests.test_routing import NOW, away, by_mail


def filed_queries(acme, org) -> tuple[int, int, list]:
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        task = by_mail(acme, org)
    sql = [q["sql"] for q in queries.captured_queries]
    notes = sum(1 for q in sql if q.startswith("INSERT") and "routingnote" in q)
    return len(sql), notes, list(task.assignees.all())


@pytest.mark.parametrize("extra_members", [0, 7], ids=["team-of-3", "team-of-10"])
def test_a_routing_decision_adds_at_most_two_queries_to_filing_a_mail(org, acme, owner, team, extra_members):
    for n in range(extra_members):
        person = make_person(f"extra{n}@assist.example", f"Extra {n}")
        Membership.objects.create(person=person, organisation=org, role=Membership.Role.ASSISTANT)
        Assignment.objects.create(client=acme, person=person, role="backup", position=3 + n)
    for key in "ab":  # the chain: lead and backup 1 away, backup 2 gets it
        away(org, owner, team[key])
    by_mail(acme, org)  # the first mail of a contact makes its thread and caches; the next is the real measure

    def reads_nothing(*, client, category, at, preferred=()):
        return routing.Route(people=[team["c"]], rule=routing.Rule.FIRST_PRESENT)

    routing.install(reads_nothing)
    try:
        fixed, _notes, fixed_assignees = filed_queries(acme, org)
    finally:
        routing.install(absence_aware_route)
    routed, notes, assignees = filed_queries(acme, org)
    assert assignees == fixed_assignees == [team["c"]]
    assert notes == 1
    assert routed - fixed + notes <= 2, (routed, fixed)
