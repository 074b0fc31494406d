"""Absences: requested by the assistant, approved by an owner; the bad-input rules of issue 14."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vadesk.accounts.models import Membership, Organisation
from vadesk.conftest import make_person
from vadesk.team.models import Absence, WorkPattern
from vadesk.team.services import (
    absence_cancel,
    absence_decide,
    absence_request,
    absences_close,
    profile_update,
    work_pattern_set,
)

D = date(2026, 12, 7)


def ask(by, org, person, start=D, end=D, **extra):
    return absence_request(
        by=by,
        organisation=org,
        person=person,
        kind=extra.pop("kind", "holiday"),
        start_date=start,
        end_date=end,
        **extra,
    )


def test_an_assistant_requests_and_an_owner_approves(org, owner, assistant):
    absence = ask(assistant, org, assistant, end=date(2026, 12, 11))
    assert absence.status == Absence.Status.REQUESTED
    absence_decide(by=owner, absence=absence, approve=True)
    absence.refresh_from_db()
    assert absence.status == Absence.Status.APPROVED and absence.decided_by == owner


def test_an_assistant_cannot_approve_their_own_absence(org, assistant):
    absence = ask(assistant, org, assistant)
    with pytest.raises(PermissionDenied, match="your own absence"):
        absence_decide(by=assistant, absence=absence, approve=True)
    absence.refresh_from_db()
    assert absence.status == Absence.Status.REQUESTED


def test_a_colleague_can_neither_request_for_nor_approve_another(org, assistant, colleague):
    with pytest.raises(PermissionDenied):
        ask(colleague, org, assistant)
    absence = ask(assistant, org, assistant)
    with pytest.raises(PermissionDenied):
        absence_decide(by=colleague, absence=absence, approve=True)
    with pytest.raises(PermissionDenied):
        absence_cancel(by=colleague, absence=absence)


def test_an_outsider_cannot_touch_the_organisations_absences(org, assistant, outsider):
    with pytest.raises(PermissionDenied):
        ask(outsider, org, assistant)
    absence = ask(assistant, org, assistant)
    with pytest.raises(PermissionDenied):
        absence_decide(by=outsider, absence=absence, approve=True)


def test_a_solo_vas_own_absence_needs_no_approval(db):
    solo = Organisation.objects.create(name="Solo", kind=Organisation.Kind.SOLO, country="NL")
    va = make_person("solo@va.example", "Sol Solo")
    Membership.objects.create(person=va, organisation=solo, role=Membership.Role.ASSISTANT)
    assert ask(va, solo, va).status == Absence.Status.APPROVED


def test_an_absence_that_ends_before_it_starts_is_refused(org, assistant):
    with pytest.raises(ValidationError, match="ends before it starts"):
        ask(assistant, org, assistant, start=D, end=date(2026, 12, 6))
    assert not Absence.objects.exists()


def test_an_overlapping_absence_is_refused(org, assistant):
    ask(assistant, org, assistant, start=D, end=date(2026, 12, 11))
    with pytest.raises(ValidationError, match="overlaps"):
        ask(assistant, org, assistant, start=date(2026, 12, 11), end=date(2026, 12, 14), kind="sick")
    assert Absence.objects.count() == 1


def test_a_morning_and_an_afternoon_on_one_day_may_both_stand_but_not_twice(org, assistant):
    ask(assistant, org, assistant, part="morning")
    ask(assistant, org, assistant, part="afternoon")
    with pytest.raises(ValidationError, match="overlaps"):
        ask(assistant, org, assistant, part="morning")


def test_a_rejected_or_cancelled_absence_frees_the_dates(org, owner, assistant):
    first = ask(assistant, org, assistant)
    absence_decide(by=owner, absence=first, approve=False)
    second = ask(assistant, org, assistant)
    absence_cancel(by=assistant, absence=second)
    ask(assistant, org, assistant)
    assert Absence.objects.standing().count() == 1


def test_an_absence_in_a_closed_period_is_refused(org, owner, assistant):
    absences_close(by=owner, organisation=org, until=date(2026, 11, 30))
    with pytest.raises(ValidationError, match="closed"):
        ask(assistant, org, assistant, start=date(2026, 11, 30), end=date(2026, 12, 2))
    assert not Absence.objects.exists()
    ask(assistant, org, assistant, start=date(2026, 12, 1), end=date(2026, 12, 2))


def test_an_absence_already_decided_cannot_be_decided_again(org, owner, assistant):
    absence = ask(assistant, org, assistant)
    absence_decide(by=owner, absence=absence, approve=True)
    with pytest.raises(ValidationError, match="already"):
        absence_decide(by=owner, absence=absence, approve=False)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"kind": "party"}, "holiday, sick"),
        ({"part": "evening"}, "half day"),
        ({"part": "hours", "hours": "25"}, "0.25 and 24"),
        ({"part": "hours", "hours": "lots"}, "hours of absence"),
    ],
)
def test_bad_kinds_parts_and_hours_are_refused(org, assistant, extra, message):
    with pytest.raises(ValidationError, match=message):
        ask(assistant, org, assistant, **extra)
    assert not Absence.objects.exists()


def test_a_work_pattern_of_more_than_24_hours_a_day_is_refused(org, owner, assistant):
    with pytest.raises(ValidationError, match="24"):
        work_pattern_set(by=owner, organisation=org, person=assistant, valid_from=D, days={"mon": 25})
    with pytest.raises(ValidationError, match="24|23:59"):
        work_pattern_set(by=owner, organisation=org, person=assistant, valid_from=D, days={"mon": ["00:00", "24:00"]})
    with pytest.raises(ValidationError, match="after the start"):
        work_pattern_set(by=owner, organisation=org, person=assistant, valid_from=D, days={"tue": ["15:00", "09:00"]})
    assert not WorkPattern.objects.exists()


def test_an_assistant_edits_their_own_profile_but_not_a_colleagues(org, assistant, colleague):
    profile = profile_update(
        by=assistant,
        organisation=org,
        person=assistant,
        skills={"agenda": 4, "medisch": 3},
        languages={"NL": "native", "de": "working"},
        sectors=["zorg"],
    )
    assert profile.languages == {"nl": "native", "de": "working"}
    with pytest.raises(PermissionDenied):
        profile_update(by=colleague, organisation=org, person=assistant, region="Utrecht")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"skills": {"agenda": 6}}, "1 to 5"),
        ({"languages": {"de": "perfect"}}, "native, fluent"),
        ({"holiday_country": "DE", "holiday_subdivision": "XX"}, "not a region"),
        ({"target_utilisation": 120}, "0 to 100"),
    ],
)
def test_bad_profiles_are_refused_and_nothing_changes(org, owner, assistant, fields, message):
    profile_update(by=owner, organisation=org, person=assistant, region="Utrecht")
    with pytest.raises(ValidationError, match=message):
        profile_update(by=owner, organisation=org, person=assistant, region="Berlin", **fields)
    assert assistant.team_profiles.get().region == "Utrecht"
