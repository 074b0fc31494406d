"""Clients: owners see all of their organisation's, assistants the ones they serve, client users their own."""

from django.utils import timezone

from vadesk.clients.models import Assignment, Client, Contact


def _names(response) -> list[str]:
    assert response.status_code == 200
    return [c["name"] for c in response.json()["items"]]


def test_an_owner_lists_every_client_of_their_organisation(api_as, owner, acme, globex, other_client):
    assert _names(api_as(owner).get("/clients")) == ["Acme B.V.", "Globex NV"]


def test_an_assistant_lists_only_the_clients_they_are_assigned_to(api_as, assistant, acme, globex):
    assert _names(api_as(assistant).get("/clients")) == ["Acme B.V."]


def test_an_unassigned_colleague_lists_no_clients(api_as, colleague, acme):
    assert _names(api_as(colleague).get("/clients")) == []


def test_a_client_user_lists_only_their_own_client(api_as, acme_user, acme, globex):
    assert _names(api_as(acme_user).get("/clients")) == ["Acme B.V."]


def test_it_searches_by_name_and_hides_archived_clients_unless_asked(api_as, owner, acme, globex):
    Client.objects.filter(pk=globex.pk).update(archived_at=timezone.now())
    api = api_as(owner)
    assert _names(api.get("/clients")) == ["Acme B.V."]
    assert _names(api.get("/clients", {"archived": "true"})) == ["Globex NV"]
    assert _names(api.get("/clients", {"q": "acm"})) == ["Acme B.V."]


def test_the_detail_includes_contacts_primary_first(api_as, assistant, acme):
    Contact.objects.create(client=acme, name="Bert Backup")
    Contact.objects.create(client=acme, name="Petra Primary", is_primary=True, email="petra@acme.example")
    response = api_as(assistant).get(f"/clients/{acme.pk}")
    assert response.status_code == 200
    assert [c["name"] for c in response.json()["contacts"]] == ["Petra Primary", "Bert Backup"]
    assert response.json()["created_at"][-6:] in ("+01:00", "+02:00")


def test_a_client_user_reads_their_own_client(api_as, acme_user, acme):
    assert api_as(acme_user).get(f"/clients/{acme.pk}").json()["name"] == "Acme B.V."


def test_an_owner_creates_a_client(api_as, owner, org):
    response = api_as(owner).post(
        "/clients",
        {
            "organisation": org.pk,
            "name": "Initech GmbH",
            "country": "DE",
            "preferred_language": "de",
            "vat_id": "DE136695976",
        },
    )
    assert response.status_code == 201, response.content
    client = Client.objects.get(name="Initech GmbH")
    assert (client.organisation, client.country, client.vat_id) == (org, "DE", "DE136695976")
    assert response.json()["id"] == client.pk


def test_an_assistant_may_not_create_a_client(api_as, assistant, org):
    response = api_as(assistant).post("/clients", {"organisation": org.pk, "name": "Initech GmbH"})
    assert response.status_code == 403
    assert not Client.objects.filter(name="Initech GmbH").exists()


def test_a_client_user_may_not_create_a_client(api_as, acme_user, org):
    response = api_as(acme_user).post("/clients", {"organisation": org.pk, "name": "Initech GmbH"})
    assert response.status_code == 403
    assert not Client.objects.filter(name="Initech GmbH").exists()


def test_it_hides_another_organisation_from_client_creation(api_as, outsider, owner, org, other_org):
    response = api_as(outsider).post("/clients", {"organisation": org.pk, "name": "Trojan B.V."})
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert api_as(owner).post("/clients", {"organisation": other_org.pk, "name": "Trojan B.V."}).status_code == 404
    assert not Client.objects.filter(name="Trojan B.V.").exists()


def test_it_refuses_an_invalid_client_with_field_errors_and_writes_nothing(api_as, owner, org):
    response = api_as(owner).post(
        "/clients", {"organisation": org.pk, "name": "", "vat_id": "NL000", "email": "nope", "country": "FR"}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"country"}  # the schema rejects an unsupported country before anything else runs
    response = api_as(owner).post("/clients", {"organisation": org.pk, "name": "", "vat_id": "NL000", "email": "nope"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"name", "vat_id", "email"}
    assert "NL000 is not a valid EU VAT id" in response.json()["errors"]["vat_id"][0]
    assert {"loc": ["body", "name"], "msg": "This field cannot be blank.", "type": "value_error"} in response.json()[
        "detail"
    ]
    assert Client.objects.count() == 0


def test_an_owner_updates_a_client(api_as, owner, acme):
    response = api_as(owner).patch(f"/clients/{acme.pk}", {"city": "Utrecht", "phone": "+31 30 123 4567"})
    assert response.status_code == 200
    acme.refresh_from_db()
    assert (acme.city, acme.phone, acme.name) == ("Utrecht", "+31 30 123 4567", "Acme B.V.")
    assert response.json()["city"] == "Utrecht"


def test_a_client_user_may_not_update_their_client(api_as, acme_user, acme):
    response = api_as(acme_user).patch(f"/clients/{acme.pk}", {"name": "Acme Renamed"})
    assert response.status_code == 403
    acme.refresh_from_db()
    assert acme.name == "Acme B.V."


def test_an_assistant_removed_from_the_team_loses_the_client(api_as, assistant, acme):
    Assignment.objects.filter(person=assistant).delete()
    assert api_as(assistant).patch(f"/clients/{acme.pk}", {"name": "Mine now"}).status_code == 404
    acme.refresh_from_db()
    assert acme.name == "Acme B.V."


def test_an_invalid_update_answers_422_and_changes_nothing(api_as, owner, acme):
    response = api_as(owner).patch(f"/clients/{acme.pk}", {"city": "Delft", "name": None})
    assert response.status_code == 422
    assert response.json()["errors"] == {"name": ["This field cannot be null."]}
    acme.refresh_from_db()
    assert (acme.city, acme.name) == ("", "Acme B.V.")
