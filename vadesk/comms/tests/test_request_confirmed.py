"""Issue 9.3: a new request is confirmed the moment it arrives (portal, mail, API), once, in the contact's
language, through the outbox, whatever their rhythm, unless they asked for no confirmations."""

from email.message import EmailMessage
from email.utils import make_msgid

from django.conf import settings
from django.urls import reverse

from vadesk.api.tests.conftest import api_as  # noqa: F401 - fixture
from vadesk.clients.models import Contact
from vadesk.comms.addresses import organisation_address
from vadesk.comms.inbound import inbound_receive, triage_file
from vadesk.comms.models import OutboxMessage
from vadesk.comms.services import preference_set, request_confirm
from vadesk.tasks.models import Task
from vadesk.tasks.services import task_create


def confirmations() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind="confirmation").order_by("pk"))


def mail(sender: str, org_id: int, subject: str = "Offerte drukwerk") -> tuple[bytes, list[str]]:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = organisation_address(settings.INBOUND_ADDRESS, org_id)
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="acme.example")
    message.set_content("Kunnen jullie drie offertes opvragen?")
    return message.as_bytes(), [str(message["To"])]


def test_a_portal_request_is_confirmed_at_once_in_the_contacts_language(client, acme_user, cees, assistant):
    preference_set(by=assistant, contact=cees, cadence="daily")  # a digest contact: still at once
    client.force_login(acme_user)
    client.post(reverse("portal:request"), {"title": "Boek een hotel in Keulen", "description": "3-5 maart"})
    task = Task.objects.get(title="Boek een hotel in Keulen")
    [row] = confirmations()
    assert (row.recipient, row.state, row.task_id, row.channel) == (cees.email, "pending", task.pk, "email")
    assert row.subject.startswith("Wij hebben uw verzoek ontvangen: Boek een hotel in Keulen")
    assert "Anna Assistent" in row.body_text  # signed by whom the routing rule gave it
    assert settings.SITE_URL + reverse("portal:task", args=[task.pk]) in row.body_text


def test_a_request_through_the_api_is_confirmed(api_as, acme_user, cees, assistant):
    response = api_as(acme_user).post("/tasks", {"client": cees.client_id, "title": "Jaaroverzicht"})
    assert response.status_code == 201
    [row] = confirmations()
    assert (row.recipient, row.task_id) == (cees.email, response.json()["id"])


def test_a_mail_from_a_contact_without_a_login_is_confirmed_to_that_contact_in_german(org, acme, cees, assistant):
    jana = Contact.objects.create(client=acme, name="Jana Lorenz", email="jana@acme.example", preferred_language="de")
    raw, to = mail("Jana Lorenz <JANA@acme.example>", org.pk)
    inbound = inbound_receive(raw=raw, envelope_recipients=to)
    assert inbound.outcome == "task"
    [row] = confirmations()
    assert (row.recipient, row.contact_id, row.task_id) == (jana.email, jana.pk, inbound.task_id)
    assert row.subject.startswith("Wir haben Ihre Anfrage erhalten: Offerte drukwerk")


def test_no_confirmation_for_a_contact_who_asked_for_none(org, acme, cees, assistant):
    preference_set(by=assistant, contact=cees, confirmations=False)
    raw, to = mail("ceo@acme.example", org.pk)
    assert inbound_receive(raw=raw, envelope_recipients=to).outcome == "task"
    assert confirmations() == []


def test_it_is_confirmed_once_even_when_the_assistant_confirms_again(client, acme_user, cees, assistant):
    client.force_login(acme_user)
    client.post(reverse("portal:request"), {"title": "Notulen typen", "description": ""})
    task = Task.objects.get(title="Notulen typen")
    [first] = confirmations()
    assert request_confirm(by=assistant, task=task) == [first]
    client.force_login(assistant)
    client.post(reverse("comms:confirm", args=[task.pk]))
    client.post(reverse("comms:confirm", args=[task.pk]))  # a double click
    assert confirmations() == [first]


def test_work_the_team_creates_itself_is_not_confirmed(acme, cees, assistant):
    task_create(by=assistant, client=acme, title="Intern: archief opruimen", assignees=[assistant])
    assert confirmations() == []


def test_a_triaged_mail_filed_as_a_new_task_is_confirmed_only_to_a_contact_of_that_client(org, acme, cees, assistant):
    raw, to = mail("ceo@acme.example", org.pk)
    stranger_raw, stranger_to = mail("someone@elsewhere.example", org.pk, subject="Wie zijn jullie?")
    inbound = inbound_receive(raw=raw.replace(b"Offerte", b"Tweede offerte"), envelope_recipients=to)
    OutboxMessage.objects.all().delete()
    inbound.outcome = "triage"
    inbound.save(update_fields=["outcome"])
    triage_file(message=inbound, client=acme, by=assistant)
    [row] = confirmations()
    assert row.recipient == cees.email
    stranger = inbound_receive(raw=stranger_raw, envelope_recipients=stranger_to)
    assert stranger.outcome == "triage"
    triage_file(message=stranger, client=acme, by=assistant)
    assert confirmations() == [row]
