"""Issue 11.3 beyond the time sheet: the question reaches the billing contact by their own channel and rhythm
(urgent at 100 %), *buy a new bundle* leaves a draft bundle and its draft invoice for the owner, the allowed extra
hours are the basis of the next draft's excess line, a lapsed question is told to the team once, and an answer
for another client is refused with a message and changes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from vadesk.accounts.models import Membership
from vadesk.api.tests.conftest import api_as  # noqa: F401  (the API's token client)
from vadesk.clients.models import Contact
from vadesk.comms.models import OutboxMessage
from vadesk.comms.services import preference_set
from vadesk.conftest import login, make_person
from vadesk.engagements.models import Engagement
from vadesk.invoicing.models import ClientBilling, Invoice
from vadesk.invoicing.services import invoice_draft_create
from vadesk.notifications.models import Notification
from vadesk.timesheets.consent import consent_answer, consents_lapse
from vadesk.timesheets.models import OverageConsent
from vadesk.timesheets.services import time_entry_log

pytestmark = pytest.mark.django_db


def log(assistant, engagement, minutes, day=None):
    return time_entry_log(by=assistant, engagement=engagement, work_date=day or timezone.localdate(), minutes=minutes)


@pytest.fixture
def billing_contact(acme, assistant):
    """Acme's primary contact reads a daily digest; its bookkeeper, at the invoice address, decides about money."""
    Contact.objects.create(client=acme, name="Piet Primair", email="piet@acme.example", is_primary=True)
    bookkeeper = Contact.objects.create(client=acme, name="Bea Boekhouding", email="Facturen@acme.example")
    ClientBilling.objects.update_or_create(client=acme, defaults={"invoice_email": "facturen@acme.example"})
    preference_set(by=assistant, contact=bookkeeper, cadence="daily", language="de")
    return bookkeeper


def test_the_80_percent_question_waits_for_the_billing_contacts_digest_and_100_percent_goes_at_once(
    assistant, bundle, billing_contact
):
    log(assistant, bundle, 8 * 60)
    (asked,) = OutboxMessage.objects.all()
    assert (asked.contact_id, asked.state, asked.urgent) == (billing_contact.pk, OutboxMessage.State.HELD, False)
    assert "80 % von „Strippenkaart 10 uur“ sind verbraucht" in asked.subject  # in the contact's own language
    assert "/portal/" in asked.body_text and "neues Stundenpaket" in asked.body_text
    log(assistant, bundle, 2 * 60)
    urgent = OutboxMessage.objects.exclude(pk=asked.pk).get()
    assert (urgent.contact_id, urgent.state, urgent.urgent) == (billing_contact.pk, "pending", True)
    assert urgent.recipient == "Facturen@acme.example"
    with pytest.raises(ValidationError):
        log(assistant, bundle, 15)  # the bundle blocks beyond its hours, and nothing is asked twice
    assert OutboxMessage.objects.count() == 2


def test_without_contacts_the_question_waits_in_the_portal_only(assistant, bundle):
    log(assistant, bundle, 8 * 60)
    assert OverageConsent.objects.count() == 1 and not OutboxMessage.objects.exists()


def test_buying_a_new_bundle_leaves_a_draft_bundle_and_its_draft_invoice_for_the_owner(
    client, assistant, owner, acme_user, bundle
):
    log(assistant, bundle, 10 * 60)
    consent = OverageConsent.objects.get(threshold=100)
    login(client, acme_user)
    response = client.post(reverse("portal:consent", args=[consent.pk]), {"answer": "bundle"}, follow=True)
    assert "Dank u, uw team kent nu uw antwoord." in response.content.decode()
    consent.refresh_from_db()
    assert (consent.answer, consent.answered_by) == ("bundle", acme_user)
    new = Engagement.objects.get(status=Engagement.Status.DRAFT)
    assert (new.kind, new.bundle_hours, new.bundle_price, new.client_id) == (
        "bundle",
        10,
        Decimal("550.00"),
        bundle.client_id,
    )
    invoice = Invoice.objects.get()
    assert (invoice.status, invoice.client_id, invoice.created_by) == ("draft", bundle.client_id, acme_user)
    (line,) = invoice.lines.all()
    assert (line.source, line.engagement_id, line.unit_price) == ("bundle", new.pk, Decimal("550.00"))
    told = Notification.objects.get(recipient=owner, key=f"consent-bundle:{consent.pk}")
    assert told.url == reverse("invoicing:detail", args=[invoice.pk])
    with pytest.raises(ValidationError) as refused:
        log(assistant, bundle, 15)  # the old bundle takes no more: the new one does, once the owner confirms it
    assert refused.value.code == "consent_limit" and "strippenkaart" in str(refused.value)  # still in Dutch
    new.status = Engagement.Status.ACTIVE
    new.save(update_fields=["status"])
    month = timezone.localdate().replace(day=1)
    again = invoice_draft_create(by=owner, client=bundle.client, period_start=month, period_end=month + timedelta(27))
    assert not again.lines.filter(engagement=new).exists()  # its price is on the first draft, never twice


def test_the_allowed_extra_hours_are_the_basis_of_the_next_drafts_excess_line(owner, assistant, acme_user, bundle):
    bundle.excess_rate = Decimal("60.00")
    bundle.save(update_fields=["excess_rate"])
    today = timezone.localdate()
    log(assistant, bundle, 10 * 60)
    consent_answer(by=acme_user, consent=OverageConsent.objects.get(threshold=100), answer="allow", extra_hours="5")
    log(assistant, bundle, 2 * 60)
    month = today.replace(day=1)
    draft = invoice_draft_create(by=owner, client=bundle.client, period_start=month, period_end=today)
    line = draft.lines.get(source="excess")
    assert (line.quantity, line.unit_price, line.engagement_id) == (Decimal("2.0000"), Decimal("60.00"), bundle.pk)
    # In the client's language, as the invoice is.
    assert line.detail.startswith(f"{acme_user.full_name} stond op ") and "5:00 extra uren toe in" in line.detail
    later = invoice_draft_create(by=owner, client=bundle.client, period_start=month, period_end=today)
    assert not later.lines.filter(source="excess").exists()  # the month's excess is on a draft already


def test_without_an_answer_a_projects_overrun_is_not_billed_and_a_billing_bundles_excess_is(
    owner, assistant, acme, bundle
):
    today = timezone.localdate()
    project = Engagement.objects.create(
        client=acme,
        name="Website",
        kind=Engagement.Kind.PROJECT,
        starts_on=today.replace(day=1),
        budget_hours=Decimal("2"),
        project_price=Decimal("400.00"),
        excess_rate=Decimal("60.00"),
    )
    bundle.overdraft_policy, bundle.excess_rate = Engagement.Overdraft.BILL, Decimal("55.00")
    bundle.save(update_fields=["overdraft_policy", "excess_rate"])
    log(assistant, project, 3 * 60)  # a fixed price: the hour over is the practice's own without an answer
    log(assistant, bundle, 11 * 60)  # the bundle's policy bills the hour over
    draft = invoice_draft_create(by=owner, client=acme, period_start=today.replace(day=1), period_end=today)
    (excess,) = draft.lines.filter(source="excess")
    assert (excess.engagement_id, excess.quantity, excess.unit_price, excess.detail) == (
        bundle.pk,
        Decimal("1.0000"),
        Decimal("55.00"),
        "",
    )


def test_a_lapsed_question_is_told_to_the_team_once(assistant, colleague, acme_user, retainer):
    log(assistant, retainer, 16 * 60)
    consent = OverageConsent.objects.get()
    assert consents_lapse() == []  # not lapsed yet
    with time_machine.travel(consent.answer_by + timedelta(minutes=1)):
        assert consents_lapse() == [consent]
        assert consents_lapse() == []  # a second worker, or the next slot: told once
    told = Notification.objects.get(recipient=assistant, key=f"consent-lapsed:{consent.pk}")
    assert "did not answer" in told.title and retainer.name in told.body
    assert not Notification.objects.filter(recipient=colleague).exists()  # not on acme's team


def test_the_team_hears_the_answer(assistant, acme_user, bundle):
    log(assistant, bundle, 8 * 60)
    consent = OverageConsent.objects.get()
    consent_answer(by=acme_user, consent=consent, answer="allow", extra_hours="2")
    told = Notification.objects.get(recipient=assistant, key=f"consent-answer:{consent.pk}")
    assert "allowed 2:00 extra hours" in told.body


@pytest.fixture
def stranger(other_org, other_client):
    person = make_person("boss@other.example", "Other Boss", language="nl")
    Membership.objects.create(person=person, organisation=other_org, role="client", client=other_client)
    return person


def test_another_clients_answer_or_rating_is_refused_with_a_message_and_changes_nothing(
    client, assistant, bundle, task, stranger
):
    log(assistant, bundle, 8 * 60)
    consent = OverageConsent.objects.get()
    login(client, stranger)
    for url, data in (
        (reverse("portal:consent", args=[consent.pk]), {"answer": "bundle"}),
        (reverse("portal:task_rate", args=[task.pk]), {"score": "1", "comment": "slecht"}),
    ):
        refused = client.post(url, data)
        assert refused.status_code == 404
        assert "Deze pagina bestaat niet, of is niet voor jou." in refused.content.decode(), url
    consent.refresh_from_db()
    assert consent.answer == "pending" and not Engagement.objects.filter(status="draft").exists()
    assert not task.ratings.exists() and not Invoice.objects.exists()


def test_the_api_takes_the_bundle_answer_too(api_as, acme_user, assistant, bundle):
    log(assistant, bundle, 8 * 60)
    consent = OverageConsent.objects.get()
    answered = api_as(acme_user).post(f"/consents/{consent.pk}/answer", {"answer": "bundle"})
    assert answered.status_code == 200 and answered.json()["answer"] == "bundle"
    assert Engagement.objects.filter(status="draft", kind="bundle").count() == 1


def test_the_time_sheet_shows_what_each_client_answered_this_month(client, assistant, acme_user, bundle):
    log(assistant, bundle, 10 * 60)
    consent_answer(by=acme_user, consent=OverageConsent.objects.get(threshold=100), answer="allow", extra_hours="5")
    log(assistant, bundle, 150)
    login(client, assistant)
    page = client.get(reverse("timesheet")).content.decode()
    assert 'data-testid="consent-statuses"' in page
    assert "Strippenkaart 10 uur" in page and "5:00" in page and "2:30" in page


def test_a_new_bundle_for_a_retainer_is_its_months_hours_at_the_rate_for_extra_hours(assistant, acme_user, retainer):
    log(assistant, retainer, 16 * 60)
    consent_answer(by=acme_user, consent=OverageConsent.objects.get(), answer="bundle")
    new = Engagement.objects.get(status=Engagement.Status.DRAFT)
    assert (new.kind, new.bundle_hours, new.bundle_price) == (
        "bundle",
        retainer.monthly_hours,
        (retainer.monthly_hours * retainer.excess_rate).quantize(Decimal("0.01")),
    )
    assert new.name.startswith(f"{retainer.name}: ")
