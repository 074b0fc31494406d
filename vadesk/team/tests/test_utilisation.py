"""Utilisation and capacity (issue 14.9): capacity, planned hours, logged hours and the forecast per week."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
import typst

from vadesk.accounts.models import Membership
from vadesk.agenda.models import Calendar, Event, Occurrence
from vadesk.agenda.parties import client_party
from vadesk.clients.models import Assignment, Client
from vadesk.conftest import make_person
from vadesk.engagements.models import Engagement
from vadesk.reports.overview import overview
from vadesk.tasks.models import RecurringTask, Task
from vadesk.team.models import Absence
from vadesk.team.services import absence_request, profile_update, work_pattern_set
from vadesk.team.utilisation import retainer_week_hours, utilisation
from vadesk.team.utilisation_chart import Words, utilisation_chart_svg
from vadesk.timesheets.services import time_entry_log, timer_start

ZONE = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 11, 18)  # a Wednesday of ISO week 47
ARMISTICE_WEEK = date(2026, 11, 9)  # Wednesday 11 November is a public holiday in Belgium
DECEMBER_WEEK = date(2026, 12, 7)  # the third week of the forecast, all of it in December
MON_THU_9_15_FRI_9_13 = {d: ["09:00", "15:00"] for d in ("mon", "tue", "wed", "thu")} | {"fri": ["09:00", "13:00"]}
FULL_WEEK = {d: ["09:00", "17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 11, 18, 10, 0, tzinfo=ZONE), tick=False):
        yield


@pytest.fixture
def belgian(org, owner, assistant):
    profile_update(by=owner, organisation=org, person=assistant, holiday_country="BE", target_utilisation=75)
    work_pattern_set(
        by=owner, organisation=org, person=assistant, valid_from=date(2026, 1, 1), days=MON_THU_9_15_FRI_9_13
    )
    return assistant


def _row(figures, person):
    return next(row for row in figures.people if row.person == person)


def _week(figures, person, monday):
    return next(w for w in _row(figures, person).all_weeks if w.monday == monday)


def test_a_belgian_holiday_and_a_half_day_absence_in_the_same_week(org, owner, belgian):
    absence_request(
        by=owner,
        organisation=org,
        person=belgian,
        kind="holiday",
        start_date=date(2026, 11, 12),
        end_date=date(2026, 11, 12),
        part=Absence.Part.AFTERNOON,
    )
    figures = utilisation(org, today=TODAY)

    assert _week(figures, belgian, ARMISTICE_WEEK).capacity == Decimal(28 - 6 - 3)
    assert _week(figures, belgian, ARMISTICE_WEEK + timedelta(weeks=1)).capacity == Decimal(28)
    assert _row(figures, belgian).target == 75


def test_billable_and_non_billable_hours_are_apart_and_only_billable_counts_as_utilised(org, owner, belgian, bundle):
    time_entry_log(by=belgian, engagement=bundle, work_date=date(2026, 11, 10), minutes=240)
    time_entry_log(by=belgian, engagement=bundle, work_date=date(2026, 11, 13), minutes=45, billable=False)
    time_entry_log(by=belgian, engagement=bundle, work_date=date(2026, 11, 16), minutes=60)  # the next week

    week = _week(utilisation(org, today=TODAY), belgian, ARMISTICE_WEEK)

    assert (week.billable, week.non_billable) == (Decimal("4.00"), Decimal("0.75"))
    assert week.capacity == Decimal(22)  # the holiday
    assert week.utilisation == 18  # 4 of 22 hours


def test_a_running_timer_is_not_logged_yet(org, belgian, bundle):
    timer_start(by=belgian, engagement=bundle)
    assert _week(utilisation(org, today=TODAY), belgian, date(2026, 11, 16)).billable_minutes == 0


@pytest.fixture
def pair(org, owner):
    """A client with a retainer of 31 hours a month and a team of two with full weeks."""
    client = Client.objects.create(organisation=org, name="Duo B.V.", country="NL")
    people = []
    for position, (email, name) in enumerate([("lia@assist.example", "Lia Lead"), ("ben@assist.example", "Ben Back")]):
        person = make_person(email, name)
        Membership.objects.create(person=person, organisation=org, role=Membership.Role.ASSISTANT)
        Assignment.objects.create(
            client=client, person=person, role="lead" if not position else "backup", position=position
        )
        work_pattern_set(by=owner, organisation=org, person=person, valid_from=date(2026, 1, 1), days=FULL_WEEK)
        people.append(person)
    Engagement.objects.create(
        client=client,
        name="Retainer 31",
        kind=Engagement.Kind.RETAINER,
        starts_on=date(2026, 1, 1),
        monthly_hours=Decimal("31"),
        monthly_price=Decimal("1500.00"),
        excess_rate=Decimal("55.00"),
    )
    return client, people


def _away(org, owner, person, start, end):
    absence_request(by=owner, organisation=org, person=person, kind="holiday", start_date=start, end_date=end)


def test_a_retainer_is_spread_evenly_over_the_two_members_with_room(org, owner, pair):
    _client, (lia, ben) = pair
    figures = utilisation(org, today=TODAY)

    assert _week(figures, lia, DECEMBER_WEEK).retainers == Decimal("3.5")  # 7 days of a 31-day month, halved
    assert _week(figures, ben, DECEMBER_WEEK).retainers == Decimal("3.5")
    assert _week(figures, lia, DECEMBER_WEEK).planned_percent == 9  # 3.5 of 40 hours
    assert figures.not_placed == {}


def test_a_member_away_all_week_carries_none_of_it_and_nobody_there_leaves_it_not_placed(org, owner, pair):
    _client, (lia, ben) = pair
    _away(org, owner, lia, DECEMBER_WEEK, DECEMBER_WEEK + timedelta(days=6))
    _away(org, owner, lia, DECEMBER_WEEK + timedelta(weeks=1), DECEMBER_WEEK + timedelta(weeks=1, days=6))
    _away(org, owner, ben, DECEMBER_WEEK + timedelta(weeks=1), DECEMBER_WEEK + timedelta(weeks=1, days=6))
    figures = utilisation(org, today=TODAY)

    assert (_week(figures, lia, DECEMBER_WEEK).retainers, _week(figures, ben, DECEMBER_WEEK).retainers) == (0, 7)
    assert figures.not_placed == {DECEMBER_WEEK + timedelta(weeks=1): Decimal("7.00")}


def test_a_week_across_two_months_takes_each_days_share_of_its_month():
    # Monday 30 November to Sunday 6 December: one day of 30 November's 30, six of December's 31.
    hours = retainer_week_hours(Decimal("30"), date(2026, 1, 1), None, date(2026, 11, 30))
    assert hours.quantize(Decimal("0.001")) == Decimal("6.806")  # 1 + 30 × 6/31
    # From Thursday 3 December on: four days of December.
    assert retainer_week_hours(Decimal("31"), date(2026, 12, 3), None, date(2026, 11, 30)) == 4


def test_the_forecast_is_the_next_eight_weeks_and_the_past_ends_with_this_week(org, owner, pair):
    _client, (lia, _ben) = pair
    row = _row(utilisation(org, today=TODAY), lia)

    assert [w.monday for w in row.forecast] == [date(2026, 11, 23) + timedelta(weeks=n) for n in range(8)]
    assert [w.monday for w in row.weeks] == [date(2026, 11, 16) - timedelta(weeks=n) for n in range(7, -1, -1)]
    # Christmas Day (Friday 25 December) and New Year's Day (Friday 1 January) are Dutch public holidays.
    assert [w.capacity for w in row.forecast] == [40, 40, 40, 40, 32, 32, 40, 40]


def _appointment(client, person, start, minutes, status="CONFIRMED"):
    calendar = Calendar.objects.create(party=client_party(client), name="Agenda")
    event = Event.objects.create(calendar=calendar, uid=f"{start.isoformat()}-{status}@test", ics="", booked_by=person)
    Occurrence.objects.create(
        calendar=calendar,
        event=event,
        recurrence_id="",
        start=start,
        end=start + timedelta(minutes=minutes),
        status=status,
    )


def test_appointments_the_assistant_holds_are_planned_unless_a_retainer_holds_them(org, acme, belgian, pair):
    duo, (lia, _ben) = pair
    tuesday = datetime(2026, 11, 24, 10, 0, tzinfo=ZONE)
    _appointment(acme, belgian, tuesday, 90)
    _appointment(acme, belgian, tuesday + timedelta(days=1), 60, status="CANCELLED")
    _appointment(duo, lia, tuesday, 60)  # inside Duo's retainer
    figures = utilisation(org, today=TODAY)

    assert _week(figures, belgian, date(2026, 11, 23)).appointments == Decimal("1.5")
    assert _week(figures, lia, date(2026, 11, 23)).appointments == 0


def test_a_recurring_task_plans_its_estimate_for_the_first_member_with_room(org, owner, acme, belgian, bundle):
    template = RecurringTask.objects.create(
        client=acme,
        title="Weekly invoices",
        rrule="FREQ=WEEKLY;BYDAY=MO",
        first_due_at=datetime(2026, 10, 5, 9, 0, tzinfo=ZONE),
    )
    for week in (0, 1):
        task = Task.objects.create(
            client=acme,
            title="Weekly invoices",
            recurrence=template,
            occurrence_at=datetime(2026, 10, 5 + 7 * week, 9, 0, tzinfo=ZONE),
        )
        time_entry_log(
            by=belgian, engagement=bundle, task=task, work_date=date(2026, 10, 5 + 7 * week), minutes=60 + 30 * week
        )
    _away(org, owner, belgian, date(2026, 11, 30), date(2026, 12, 4))
    figures = utilisation(org, today=TODAY)

    assert _week(figures, belgian, date(2026, 11, 23)).recurring == Decimal("1.25")  # (60 + 90) / 2 tasks
    assert _week(figures, belgian, date(2026, 11, 30)).recurring == 0  # away: nobody else on Acme's team has room
    assert _row(figures, belgian).forecast[0].planned == Decimal("1.25")


def test_the_team_row_sums_its_members_and_weighs_their_targets_by_capacity(org, owner, pair, belgian):
    _client, (lia, ben) = pair
    figures = utilisation(org, today=TODAY)
    week = next(w for w in figures.team.forecast if w.monday == DECEMBER_WEEK)

    assert week.capacity == 40 + 40 + 28  # the owner has no work pattern: unknown, not zero
    assert week.retainers == 7
    hours = {p: sum(w.capacity for w in _row(figures, p).all_weeks) for p in (lia, ben, belgian)}
    assert figures.team.target == round((80 * (hours[lia] + hours[ben]) + 75 * hours[belgian]) / sum(hours.values()))
    assert 75 < figures.team.target < 80


def _grow(org, owner, n):
    for i in range(n):
        person = make_person(f"va{i}@assist.example", f"VA {i}")
        Membership.objects.create(person=person, organisation=org, role=Membership.Role.ASSISTANT)
        work_pattern_set(by=owner, organisation=org, person=person, valid_from=date(2026, 1, 1), days=FULL_WEEK)
        client = Client.objects.create(organisation=org, name=f"Client {i}", country="NL")
        Assignment.objects.create(client=client, person=person)
        engagement = Engagement.objects.create(
            client=client,
            name="Retainer",
            kind=Engagement.Kind.RETAINER,
            starts_on=date(2026, 1, 1),
            monthly_hours=Decimal("10"),
            monthly_price=Decimal("500.00"),
            excess_rate=Decimal("55.00"),
        )
        template = RecurringTask.objects.create(
            client=client,
            title="Post",
            rrule="FREQ=WEEKLY;BYDAY=TU",
            first_due_at=datetime(2026, 10, 6, 9, 0, tzinfo=ZONE),
        )
        template.assignees.add(person)
        task = Task.objects.create(
            client=client, title="Post", recurrence=template, occurrence_at=template.first_due_at
        )
        time_entry_log(by=person, engagement=engagement, task=task, work_date=date(2026, 11, 10), minutes=30)
        _appointment(client, person, datetime(2026, 11, 24, 10, 0, tzinfo=ZONE), 30)
        _away(org, owner, person, date(2026, 12, 1), date(2026, 12, 2))


@pytest.mark.parametrize("size", [2, 12])
def test_the_figures_cost_the_same_queries_for_two_or_twelve_people(org, owner, size, django_assert_max_num_queries):
    _grow(org, owner, size)
    with django_assert_max_num_queries(11):
        figures = utilisation(org, today=TODAY)
    assert len(figures.people) == size + 1  # and the owner
    assert figures.team.weeks[-2].billable_minutes == 30 * size


def test_the_dashboards_team_card_reads_the_same_capacity(org, owner, belgian):
    _away(org, owner, belgian, date(2026, 11, 19), date(2026, 11, 19))  # Thursday of this week
    Membership.objects.filter(person=owner).update(weekly_capacity_hours=Decimal("12"))
    card = {load.person: load.capacity_hours for load in overview(owner, org).team}
    figures = utilisation(org, today=TODAY)

    assert card[belgian] == _week(figures, belgian, date(2026, 11, 16)).capacity == 22
    assert card[owner] == _week(figures, owner, date(2026, 11, 16)).capacity == 12


def test_the_chart_is_svg_that_a_pdf_can_hold(org, owner, pair, tmp_path):
    _client, (lia, _ben) = pair
    row = _row(utilisation(org, today=TODAY), lia)
    words = Words("capacity", "billable", "non-billable", "planned", "target <&>", "week %(week)s")
    svg = utilisation_chart_svg(row.weeks, row.forecast, target=row.target, words=words)

    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "style=" not in svg
    assert "target &lt;&amp;&gt;" in svg  # every label escaped
    assert svg.count("<g>") == 16
    (tmp_path / "doc.typ").write_text('#image(bytes(sys.inputs.svg), format: "svg", width: 100%)')
    pdf = typst.compile(str(tmp_path / "doc.typ"), sys_inputs={"svg": svg})
    assert pdf.startswith(b"%PDF")
