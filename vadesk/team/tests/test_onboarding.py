"""Joining a client's team: an onboarding checklist for the newcomer, a handover request to the lead."""

from __future__ import annotations

from vadesk.accounts.models import Membership
from vadesk.clients.models import Assignment
from vadesk.clients.services import client_team_set
from vadesk.conftest import login, make_person
from vadesk.notifications.models import Kind, Notification
from vadesk.tasks.models import Task
from vadesk.team.models import ClientNeeds


def staff(org, email, name, language="en"):
    person = make_person(email, name, language=language)
    Membership.objects.create(person=person, organisation=org, role=Membership.Role.ASSISTANT)
    return person


def test_a_newcomer_gets_a_checklist_and_the_lead_is_asked_for_a_handover_note(org, acme, owner):
    anna = staff(org, "anna@assist.example", "Anna Lead")
    noor = staff(org, "noor@assist.example", "Noor New")
    client_team_set(by=owner, client=acme, roles={anna.pk: "lead"})
    Task.objects.all().delete()  # Anna's own onboarding: not what this test is about

    client_team_set(by=owner, client=acme, roles={anna.pk: "lead", noor.pk: "backup"})

    [checklist] = Task.objects.filter(assignees=noor)
    assert checklist.title == "Welcome to the team of Acme B.V.: get to know the client"
    items = [item.text for item in checklist.checklist.order_by("position")]
    assert items == [
        f"Introduction meeting with Acme B.V.: book it through the agenda (/agenda/clients/{acme.pk}/book/)",
        f"Read the dossier of Acme B.V. (/clients/{acme.pk}/)",
    ]
    [handover] = Task.objects.filter(assignees=anna)
    assert handover.title == "Handover note on Acme B.V. for Noor New"
    assert "what you learned in the first months" in handover.description
    assert Task.objects.count() == 2
    # Both are told, as for any task assigned to them.
    assert set(Notification.objects.filter(kind=Kind.ASSIGNED).values_list("recipient", flat=True)) == {
        anna.pk,
        noor.pk,
    }


def test_on_site_work_adds_the_office_visit(org, acme, owner):
    ClientNeeds.objects.create(client=acme, on_site=True, region="Utrecht")
    noor = staff(org, "noor@assist.example", "Noor New")
    client_team_set(by=owner, client=acme, roles={noor.pk: "lead"})
    [task] = Task.objects.all()
    assert task.checklist.order_by("position").last().text == "Visit the office: on-site work is expected (Utrecht)"


def test_saving_the_team_again_or_reordering_it_makes_nothing_new(org, acme, owner):
    anna = staff(org, "anna@assist.example", "Anna Lead")
    noor = staff(org, "noor@assist.example", "Noor New")
    client_team_set(by=owner, client=acme, roles={anna.pk: "lead", noor.pk: "backup"})
    made = Task.objects.count()
    client_team_set(by=owner, client=acme, roles={anna.pk: "lead", noor.pk: "backup"}, order={noor.pk: 1})
    client_team_set(by=owner, client=acme, roles={anna.pk: "backup", noor.pk: "lead"})
    assert Task.objects.count() == made == 2  # two checklists, no handover: nobody was on the team before


def test_the_first_member_of_a_team_gets_no_handover_request_and_the_texts_are_in_their_language(org, acme, owner):
    sanne = staff(org, "sanne@assist.example", "Sanne Nieuw", language="nl")
    client_team_set(by=owner, client=acme, roles={sanne.pk: "lead"})
    [task] = Task.objects.all()
    assert task.title == "Welkom in het team van Acme B.V.: leer de klant kennen"
    assert list(task.assignees.all()) == [sanne]


def test_the_lead_is_asked_in_their_language(org, acme, owner):
    dirk = staff(org, "dirk@assist.example", "Dirk Duits", language="de")
    Assignment.objects.create(client=acme, person=dirk, role="lead", position=1)
    noor = staff(org, "noor@assist.example", "Noor New")
    client_team_set(by=owner, client=acme, roles={dirk.pk: "lead", noor.pk: "backup"})
    [handover] = Task.objects.filter(assignees=dirk)
    assert handover.title == "Übergabenotiz zu Acme B.V. für Noor New"


def test_the_team_page_starts_the_onboarding(client, org, acme, owner):
    noor = staff(org, "noor@assist.example", "Noor New")
    login(client, owner)
    response = client.post(f"/clients/{acme.pk}/team/", {f"role-{noor.pk}": "lead", f"order-{noor.pk}": "1"})
    assert response.status_code == 302
    [task] = Task.objects.filter(assignees=noor)
    assert task.checklist.count() == 2
