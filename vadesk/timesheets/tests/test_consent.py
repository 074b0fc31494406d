"""Issue 11.3: consent before going over. At 80 % and 100 % the client is asked; their answer rules what the
time-entry service accepts in that month, whatever the engagement's overdraft policy; no answer lapses."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from vadesk.accounts.models import Membership
from vadesk.conftest import login, make_person
from vadesk.timesheets.consent import (
    CONSENT_WAIT,
    consent_answer,
    consent_status_text,
    waiting_consents,
)
from vadesk.timesheets.models import OverageConsent, TimeEntry
from vadesk.timesheets.services import time_entry_log, timer_start

pytestmark = pytest.mark.django_db


def log(assistant, engagement, minutes, **kwargs):
    return time_entry_log(
        by=assistant, engagement=engagement, work_date=timezone.localdate(), minutes=minutes, **kwargs
    )


def test_the_client_is_asked_once_at_80_and_once_at_100_percent(assistant, bundle):
    log(assistant, bundle, 7 * 60)
    assert not OverageConsent.objects.exists()
    log(assistant, bundle, 60)  # 8 of 10 hours
    assert list(OverageConsent.objects.values_list("threshold", flat=True)) == [80]
    log(assistant, bundle, 30)
    assert OverageConsent.objects.count() == 1  # the same threshold is never asked twice
    log(assistant, bundle, 90)  # 10 of 10
    assert sorted(OverageConsent.objects.values_list("threshold", flat=True)) == [80, 100]
    consent = OverageConsent.objects.get(threshold=100)
    assert consent.month == timezone.localdate().replace(day=1)
    assert consent.answer_by - consent.asked_at == CONSENT_WAIT


def test_hourly_work_and_non_billable_time_ask_nothing(assistant, bundle, acme):
    log(assistant, bundle, 10 * 60, billable=False)
    assert not OverageConsent.objects.exists()


def test_allowing_3_extra_hours_lets_a_blocking_bundle_take_3_hours_more_and_no_more(assistant, acme_user, bundle):
    log(assistant, bundle, 10 * 60)
    with pytest.raises(ValidationError):
        log(assistant, bundle, 15)  # the bundle blocks by its policy
    consent = OverageConsent.objects.get(threshold=100)
    consent_answer(by=acme_user, consent=consent, answer="allow", extra_hours="3")
    consent.refresh_from_db()
    assert (consent.answer, consent.extra_minutes, consent.answered_by) == ("allow", 180, acme_user)
    assert consent.answered_at is not None
    log(assistant, bundle, 2 * 60)
    log(assistant, bundle, 60)
    with pytest.raises(ValidationError) as refused:
        log(assistant, bundle, 15)
    assert refused.value.code == "consent_limit"
    assert TimeEntry.objects.count() == 3


def test_stop_at_the_limit_refuses_the_excess_even_where_the_policy_bills_it(assistant, acme_user, retainer):
    log(assistant, retainer, 16 * 60)  # 80 % of 20 h
    consent_answer(by=acme_user, consent=OverageConsent.objects.get(), answer="stop")
    log(assistant, retainer, 4 * 60)  # up to the limit is fine
    with pytest.raises(ValidationError):
        log(assistant, retainer, 6)  # the retainer's own policy would bill it
    with pytest.raises(ValidationError):
        timer_start(by=assistant, engagement=retainer)
    log(assistant, retainer, 30, billable=False)  # non-billable work goes on


def test_no_answer_in_time_leaves_the_engagement_policy_in_charge(assistant, acme_user, retainer):
    # Asked on the 10th, so that the lapse falls in the same month on any day the suite runs (asked on the 31st
    # it lapses in the next month, whose own allowance has nothing to lapse).
    asked = timezone.now().replace(day=10, hour=10, minute=0)
    with time_machine.travel(asked, tick=False):
        log(assistant, retainer, 20 * 60)
    consent = OverageConsent.objects.get(threshold=100)
    with time_machine.travel(asked + CONSENT_WAIT + timedelta(minutes=1), tick=False):
        assert waiting_consents(retainer.client) == []
        assert "did not answer" in consent_status_text(retainer, timezone.localdate())
        with pytest.raises(ValidationError) as late:
            consent_answer(by=acme_user, consent=consent, answer="allow", extra_hours="5")
        assert "expired" in str(late.value)
        log(assistant, retainer, 60)  # the retainer bills the excess, as its policy says
    consent.refresh_from_db()
    assert consent.answer == "pending" and consent.answered_by is None


def test_an_answer_cannot_be_replayed_or_given_by_the_team_or_another_client(
    assistant, owner, acme_user, bundle, other_client, other_org
):
    log(assistant, bundle, 8 * 60)
    consent = OverageConsent.objects.get()
    stranger = make_person("boss@other.example", "Other Boss")
    Membership.objects.create(person=stranger, organisation=other_org, role="client", client=other_client)
    for person in (stranger, assistant, owner):
        with pytest.raises(PermissionDenied):
            consent_answer(by=person, consent=consent, answer="allow", extra_hours="100")
    consent_answer(by=acme_user, consent=consent, answer="stop")
    with pytest.raises(ValidationError):
        consent_answer(by=acme_user, consent=consent, answer="allow", extra_hours="100")
    consent.refresh_from_db()
    assert (consent.answer, consent.extra_minutes) == ("stop", 0)


@pytest.mark.parametrize("hours", ["0", "-1", "abc", "201", "", "NaN", "Infinity"])
def test_bad_extra_hours_are_refused(assistant, acme_user, bundle, hours):
    log(assistant, bundle, 8 * 60)
    consent = OverageConsent.objects.get()
    with pytest.raises(ValidationError):
        consent_answer(by=acme_user, consent=consent, answer="allow", extra_hours=hours)
    assert OverageConsent.objects.get().answer == "pending"


def test_the_client_answers_in_the_portal_and_the_assistant_sees_it_on_the_task(
    client, assistant, acme_user, bundle, task
):
    log(assistant, bundle, 10 * 60, task=task)
    consent = OverageConsent.objects.get(threshold=100)
    login(client, acme_user)
    home = client.get(reverse("portal:home")).content.decode()
    assert f'data-testid="consent-{consent.pk}"' in home
    assert home.count('class="card consent"') == 1  # 80 % and 100 % were both reached: one question a month
    response = client.post(reverse("portal:consent", args=[consent.pk]), {"answer": "allow", "extra_hours": "2,5"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert (consent.answer, consent.extra_minutes) == ("allow", 150)
    assert 'class="card consent"' not in client.get(reverse("portal:home")).content.decode()
    login(client, assistant)
    page = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert "2:30" in page and 'data-testid="consent-status"' in page


def test_another_clients_user_gets_404_and_nothing_changes(client, assistant, bundle, other_client, other_org):
    log(assistant, bundle, 8 * 60)
    consent = OverageConsent.objects.get()
    stranger = make_person("boss@other.example", "Other Boss")
    Membership.objects.create(person=stranger, organisation=other_org, role="client", client=other_client)
    login(client, stranger)
    response = client.post(reverse("portal:consent", args=[consent.pk]), {"answer": "allow", "extra_hours": "9"})
    assert response.status_code == 404
    assert OverageConsent.objects.get().answer == "pending"


def test_the_status_text_names_what_is_left(assistant, acme_user, bundle):
    log(assistant, bundle, 10 * 60)
    consent_answer(
        by=acme_user, consent=OverageConsent.objects.get(threshold=100), answer="allow", extra_hours=Decimal("5")
    )
    log(assistant, bundle, 150)
    text = consent_status_text(bundle, timezone.localdate())
    assert "5:00" in text and "2:30" in text
