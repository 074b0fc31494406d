"""First run: a fresh organisation's owner is led through a checklist that ticks itself and can be dismissed."""

import pytest
from django.urls import reverse

from vadesk.accounts.models import Membership, Organisation
from vadesk.clients.models import Client
from vadesk.conftest import make_person
from vadesk.engagements.models import Engagement
from vadesk.invoicing.models import SellerProfile
from vadesk.reports.first_run import setup_steps


@pytest.fixture
def fresh(db):
    organisation = Organisation.objects.create(name="Nieuw VA", country="NL")
    person = make_person("new@nieuw.example", "Nina Nieuw")
    Membership.objects.create(person=person, organisation=organisation, role=Membership.Role.OWNER)
    return organisation, person


def done(organisation) -> dict[str, bool]:
    return {step.key: step.done for step in setup_steps(organisation)}


def test_each_step_ticks_itself(fresh):
    organisation, _person = fresh
    assert not any(done(organisation).values())
    organisation.street, organisation.postal_code, organisation.city = "Oudegracht 1", "3511 AA", "Utrecht"
    organisation.iban, organisation.vat_id = "NL91ABNA0417164300", "NL123456782B01"
    organisation.save()
    SellerProfile.objects.create(organisation=organisation, email="facturen@nieuw.example")
    client = Client.objects.create(organisation=organisation, name="Eerste klant")
    assert done(organisation) == dict(
        details=True, money=True, invoicing=True, client=True, engagement=False, invite=False
    )
    Engagement.objects.create(client=client, name="Uren", kind="hourly", starts_on="2026-12-01", hourly_rate=50)
    Membership.objects.create(person=make_person("b@nieuw.example", "Bas"), organisation=organisation, role="assistant")
    assert all(done(organisation).values())


def test_a_solo_va_is_not_asked_to_invite_a_colleague(fresh):
    organisation, _person = fresh
    organisation.kind = Organisation.Kind.SOLO
    organisation.save()
    assert "invite" not in done(organisation)


def test_the_owners_today_shows_the_checklist_with_links(client, fresh):
    _organisation, person = fresh
    client.force_login(person)
    page = client.get(reverse("today")).content.decode()
    assert 'data-testid="setup-checklist"' in page
    assert reverse("organisation") in page and reverse("client_create") in page and reverse("member_new") in page


def test_the_checklist_can_be_dismissed(client, fresh):
    _organisation, person = fresh
    client.force_login(person)
    assert client.post(reverse("setup_dismiss")).status_code == 302
    assert 'data-testid="setup-checklist"' not in client.get(reverse("today")).content.decode()


def test_a_forged_dismissal_cookie_is_ignored(client, fresh):
    organisation, person = fresh
    client.force_login(person)
    client.cookies["vadesk_setup_dismissed"] = str(organisation.pk)
    assert 'data-testid="setup-checklist"' in client.get(reverse("today")).content.decode()


def test_an_assistant_sees_no_checklist_and_cannot_dismiss(client, assistant):
    client.force_login(assistant)
    assert 'data-testid="setup-checklist"' not in client.get(reverse("today")).content.decode()
    assert client.post(reverse("setup_dismiss")).status_code == 403


def test_a_finished_organisation_sees_no_checklist(client, owner, acme, bundle, assistant, org):
    org.street, org.postal_code, org.city = "Straat 1", "1000 AA", "Amsterdam"
    org.save()
    SellerProfile.objects.create(organisation=org, email="f@assist.example")
    client.force_login(owner)
    page = client.get(reverse("today")).content.decode()
    assert 'data-testid="setup-checklist"' not in page
    assert 'data-testid="practice"' in page


@pytest.mark.slow
def test_the_demo_organisations_are_set_up(db):
    from vadesk.demo.loader import demo_load

    demo_load()
    for organisation in Organisation.objects.all():
        assert all(step.done for step in setup_steps(organisation)), organisation.name
