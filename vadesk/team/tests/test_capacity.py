"""capacity(person, week) = work pattern − approved absences − public holidays of the assistant's region."""

from datetime import date
from decimal import Decimal

import pytest

from vadesk.team.capacity import capacity, days, public_holiday
from vadesk.team.models import Absence
from vadesk.team.services import absence_decide, absence_request, profile_update, work_pattern_set

MON_THU_9_15_FRI_9_13 = {d: ["09:00", "15:00"] for d in ("mon", "tue", "wed", "thu")} | {"fri": ["09:00", "13:00"]}


@pytest.fixture
def belgian(org, owner, assistant):
    profile_update(by=owner, organisation=org, person=assistant, holiday_country="BE")
    work_pattern_set(
        by=owner, organisation=org, person=assistant, valid_from=date(2026, 1, 1), days=MON_THU_9_15_FRI_9_13
    )
    return assistant


def test_a_week_without_anything_is_the_pattern(org, belgian):
    assert capacity(org, belgian, date(2026, 11, 2)) == Decimal(28)


def test_a_belgian_holiday_and_a_half_day_absence_in_the_same_week(org, owner, belgian):
    # Wednesday 11 November 2026 is Wapenstilstand/Armistice in Belgium (not in the Netherlands).
    absence_request(
        by=owner,
        organisation=org,
        person=belgian,
        kind="holiday",
        start_date=date(2026, 11, 12),
        end_date=date(2026, 11, 12),
        part=Absence.Part.AFTERNOON,
    )
    assert capacity(org, belgian, date(2026, 11, 13)) == Decimal(28 - 6 - 3)
    assert capacity(org, belgian, (2026, 46)) == Decimal(19)
    wednesday = days(org, belgian, date(2026, 11, 11), date(2026, 11, 11))[0]
    assert wednesday.holiday and wednesday.capacity == 0


def test_the_same_week_in_the_netherlands_has_no_holiday(org, owner, belgian):
    profile_update(by=owner, organisation=org, person=belgian, holiday_country="NL")
    assert capacity(org, belgian, date(2026, 11, 9)) == Decimal(28)


def test_german_holidays_follow_the_bundesland():
    epiphany = date(2026, 1, 6)
    assert public_holiday("DE", "BY", epiphany)
    assert public_holiday("DE", "NW", epiphany) is None


def test_a_requested_absence_does_not_count_until_it_is_approved(org, owner, belgian):
    request = absence_request(
        by=belgian,
        organisation=org,
        person=belgian,
        kind="training",
        start_date=date(2026, 11, 2),
        end_date=date(2026, 11, 3),
    )
    assert request.status == Absence.Status.REQUESTED
    assert capacity(org, belgian, date(2026, 11, 2)) == Decimal(28)
    absence_decide(by=owner, absence=request, approve=True)
    assert capacity(org, belgian, date(2026, 11, 2)) == Decimal(28 - 12)


def test_hours_absences_take_at_most_the_day(org, owner, belgian):
    absence_request(
        by=owner,
        organisation=org,
        person=belgian,
        kind="other",
        start_date=date(2026, 11, 6),
        end_date=date(2026, 11, 6),
        part=Absence.Part.HOURS,
        hours="2.5",
    )
    assert capacity(org, belgian, date(2026, 11, 2)) == Decimal("25.5")


def test_a_new_pattern_applies_from_its_date(org, owner, belgian):
    work_pattern_set(
        by=owner, organisation=org, person=belgian, valid_from=date(2026, 11, 4), days={"wed": ["09:00", "17:00"]}
    )
    # Mon and Tue of the old pattern (12 h), from Wednesday only 8 hours on Wednesday.
    assert capacity(org, belgian, date(2026, 11, 2)) == Decimal(12 + 8)
