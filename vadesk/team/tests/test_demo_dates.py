"""The demo's team story on awkward days (a Friday, a weekend, Christmas Day, New Year's Day, a DST change, a leap
day): Sanne is away that day with Noor covering Van Dijk (today page, task history, portal line, handover note),
an approved and a pending absence stand, and the new client waits with ranked candidates whose points add up."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client as WebClient
from django.utils import timezone, translation

from vadesk.accounts.models import Person
from vadesk.clients.models import Client
from vadesk.demo.loader import demo_load
from vadesk.tasks.models import RoutingNote
from vadesk.tasks.routing import Rule, describe
from vadesk.team.candidates import candidates_for
from vadesk.team.cover import help_lines_for_client
from vadesk.team.models import Absence, HandoverNote

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MOMENTS = [
    datetime(2026, 12, 4, 8, tzinfo=UTC),  # a Friday
    datetime(2026, 12, 5, 11, tzinfo=UTC),  # a Saturday: the absence starts on the weekend
    datetime(2026, 12, 6, 22, 30, tzinfo=UTC),  # 23:30 on Sunday in Amsterdam
    datetime(2026, 12, 25, 9, tzinfo=UTC),  # Christmas Day: the team is off, the cover is chosen for Monday
    datetime(2027, 1, 1, 0, 5, tzinfo=UTC),  # New Year's Day
    datetime(2027, 3, 28, 1, 30, tzinfo=UTC),  # 03:30 CEST, an hour after the clocks went forward, a Sunday
    datetime(2028, 2, 29, 12, tzinfo=UTC),  # a leap day
]


def person(start: str) -> Person:
    return Person.objects.get(email__startswith=start)


@pytest.mark.parametrize("now", MOMENTS, ids=[m.isoformat() for m in MOMENTS])
def test_the_team_story_of_the_demo_holds_on_any_day(now):
    with time_machine.travel(now, tick=False):
        demo_load(now=now)
        today = timezone.localdate(now)
        sanne, noor, marieke = person("sanne@"), person("noor@"), person("marieke@")
        away = Absence.objects.get(person=sanne, status=Absence.Status.APPROVED)
        assert away.start_date <= today <= away.end_date
        assert Absence.objects.filter(person=person("lukas@"), status="approved", start_date__gt=today).exists()
        pending = Absence.objects.get(status=Absence.Status.REQUESTED)
        assert pending.person == noor and pending.start_date > away.end_date

        van_dijk = Client.objects.get(name="Van Dijk Architecten B.V.")
        assert [(h.absent, h.helpers) for h in help_lines_for_client(van_dijk, today)] == [("Sanne", ["Noor"])]
        web = WebClient()
        web.force_login(noor)
        page = web.get("/today/").content.decode()
        assert "Van Dijk Architecten B.V." in page and 'data-testid="covering"' in page

        covered = RoutingNote.objects.filter(task__client=van_dijk, reason__rule=Rule.COVER)
        assert covered.exists()
        assert all(note.task.assignees.filter(pk=noor.pk).exists() for note in covered)
        with translation.override("nl"):
            assert "Sanne afwezig tot" in describe(covered.first().reason)

        note = HandoverNote.objects.get(absence=away, client=van_dijk)
        assert note.backup == noor and note.own_lines and note.acknowledged_at is None
        open_tasks = {t["id"] for t in note.draft["tasks"] + note.draft["waiting"]}
        assert open_tasks == set(van_dijk.tasks.open().values_list("pk", flat=True))

        newcomer = Client.objects.get(name="Tandartspraktijk Zonneveld")
        assert not newcomer.assignments.exists()
        rows = candidates_for(by=marieke, client=newcomer, today=today)
        ranked = [r for r in rows if not r.excluded]
        assert len(ranked) >= 2 and ranked[0].person == noor
        assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)
        for row in rows:
            assert row.score == sum(reason.points for reason in row.reasons)
        assert {r.criterion for r in ranked[0].reasons} >= {"language", "skill", "sector", "region", "interest"}
