"""Minutes worked per person since a day, read from the kept weekly cells and at most three days of entries: always
the sum of the entries, whatever weekday the period starts on (the team page's "this week" and "this month")."""

import random
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from vadesk.engagements.models import Engagement
from vadesk.timesheets.models import TimeEntry
from vadesk.timesheets.services import time_entry_correct, time_entry_delete, time_entry_log
from vadesk.timesheets.usage import EDGE_DAYS, usage_rebuild, worked_per_person

pytestmark = pytest.mark.django_db

START = date(2026, 10, 26)  # a Monday: the days after it fall on every weekday, across a month's end


def summed(organisation_id: int, since: date) -> dict[int, int]:
    rows = (
        TimeEntry.objects.filter(engagement__client__organisation_id=organisation_id, work_date__gte=since)
        .values_list("person_id")
        .annotate(minutes=Sum("worked_minutes"))
    )
    return {person_id: minutes for person_id, minutes in rows if minutes}


def shown(totals: dict[int, int]) -> dict[int, int]:
    return {person_id: minutes for person_id, minutes in totals.items() if minutes}


@pytest.fixture
def hourly(acme):
    return Engagement.objects.create(
        client=acme, name="Hourly", kind=Engagement.Kind.HOURLY, starts_on=date(2026, 1, 1), hourly_rate=55
    )


def test_it_equals_the_sum_of_the_entries_from_any_weekday(org, acme, hourly, bundle, assistant, owner, outsider):
    from vadesk.clients.models import Client

    elsewhere = Client.objects.create(organisation_id=outsider.memberships.get().organisation_id, name="Elsewhere")
    foreign = Engagement.objects.create(
        client=elsewhere, name="X", kind=Engagement.Kind.HOURLY, starts_on=date(2026, 1, 1), hourly_rate=50
    )
    rng = random.Random(13)
    TimeEntry.objects.bulk_create(
        TimeEntry(
            engagement=rng.choice([hourly, bundle, foreign]),
            person=rng.choice([assistant, owner]),
            work_date=START + timedelta(days=rng.randint(-10, 45)),
            worked_minutes=rng.choice([0, 5, 30, 90]),
            billed_minutes=30,
            billable=rng.random() < 0.8,
        )
        for _ in range(600)
    )
    usage_rebuild()

    for offset in range(21):  # three weeks of start days: every weekday, a month's first day among them
        since = START + timedelta(days=offset)
        assert shown(worked_per_person(org.pk, since)) == summed(org.pk, since), since


def test_it_follows_the_entries_through_the_services(org, hourly, assistant):
    day = date(2026, 11, 2)  # a Monday; the month began on Sunday 1 November
    with time_machine.travel("2026-11-05 10:00 +01:00"):
        first = time_entry_log(by=assistant, engagement=hourly, work_date=day, minutes=60)
        moved = time_entry_log(by=assistant, engagement=hourly, work_date=date(2026, 10, 30), minutes=45)
        time_entry_log(by=assistant, engagement=hourly, work_date=date(2026, 11, 4), minutes=30)
        time_entry_correct(
            by=assistant,
            entry=moved,
            engagement=hourly,
            task=None,
            minutes=45,
            work_date=date(2026, 11, 3),
            note="",
            client_note="",
            billable=True,
        )
        time_entry_delete(by=assistant, entry=first)

    for since in (date(2026, 10, 26), date(2026, 11, 1), day, date(2026, 11, 4)):
        assert shown(worked_per_person(org.pk, since)) == summed(org.pk, since), since
    assert worked_per_person(org.pk, date(2026, 11, 1)) == {assistant.pk: 75}


def test_it_reads_at_most_three_days_of_entries(org, hourly, assistant):
    TimeEntry.objects.bulk_create(
        TimeEntry(engagement=hourly, person=assistant, work_date=START + timedelta(days=n), worked_minutes=10)
        for n in range(14)
    )
    usage_rebuild()
    for offset in range(7):
        with CaptureQueriesContext(connection) as captured:
            worked_per_person(org.pk, START + timedelta(days=offset))
        assert len(captured) == (1 if offset == 0 else 2)
        for sql in [q["sql"] for q in captured if "timesheets_timeentry" in q["sql"]]:
            # A BETWEEN of at most EDGE_DAYS days, never an open range over the entries.
            first, last = (
                date.fromisoformat(d)
                for d in re.findall(r"BETWEEN '?(\d{4}-\d\d-\d\d)'?\S* AND '?(\d{4}-\d\d-\d\d)", sql)[0]
            )
            assert (last - first).days + 1 <= EDGE_DAYS, sql


@time_machine.travel("2026-12-03 10:00 +01:00")  # a Thursday; December began on Tuesday
def test_the_team_page_shows_this_week_and_this_month(client, org, owner, assistant, hourly):
    TimeEntry.objects.bulk_create(
        [
            TimeEntry(engagement=hourly, person=assistant, work_date=date(2026, 11, 30), worked_minutes=60),
            TimeEntry(engagement=hourly, person=assistant, work_date=date(2026, 12, 2), worked_minutes=90),
            TimeEntry(engagement=hourly, person=assistant, work_date=date(2026, 11, 27), worked_minutes=600),
        ]
    )
    usage_rebuild()
    client.force_login(owner)
    html = client.get("/team/").content.decode()
    row = html[html.index("anna@assist.example") :].split("</tr>")[0]
    assert '<td class="num">2:30</td><td class="num">1:30</td>' in row  # week: Mon 30 Nov + Wed; month: Wed


def test_today_and_this_week_are_the_sums_of_the_entries_up_to_today(org, acme, hourly, bundle, assistant, owner):
    from vadesk.timesheets.usage import worked_today_and_this_week

    rng = random.Random(5)
    TimeEntry.objects.bulk_create(
        TimeEntry(
            engagement=rng.choice([hourly, bundle]),
            person=rng.choice([assistant, owner]),
            work_date=START + timedelta(days=rng.randint(-3, 17)),  # last week, this week ahead of today, next week
            worked_minutes=rng.choice([0, 5, 30, 90]),
        )
        for _ in range(300)
    )
    usage_rebuild()

    for offset in range(14):
        today = START + timedelta(days=offset)
        monday = today - timedelta(days=today.weekday())
        mine = TimeEntry.objects.filter(person=assistant)
        expected_today = mine.filter(work_date=today).aggregate(s=Sum("worked_minutes"))["s"] or 0
        expected_week = mine.filter(work_date__range=(monday, today)).aggregate(s=Sum("worked_minutes"))["s"] or 0
        assert worked_today_and_this_week(assistant.pk, today) == (expected_today, expected_week), today
