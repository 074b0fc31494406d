"""Organisations: the ones the person belongs to, with their role there."""

from vadesk.accounts.models import Membership


def test_it_lists_the_organisations_a_person_belongs_to_with_their_role(api_as, owner, org):
    response = api_as(owner).get("/organisations")
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": org.pk,
            "name": "Assist & Co",
            "kind": "agency",
            "country": "NL",
            "currency": "EUR",
            "time_zone": "Europe/Amsterdam",
            "role": "owner",
            "client_id": None,
        }
    ]


def test_a_client_user_sees_their_role_and_their_client(api_as, acme_user, acme):
    [organisation] = api_as(acme_user).get("/organisations").json()
    assert (organisation["role"], organisation["client_id"]) == ("client", acme.pk)


def test_it_lists_every_organisation_of_a_person_in_several(api_as, assistant, other_org):
    Membership.objects.create(person=assistant, organisation=other_org, role=Membership.Role.ASSISTANT)
    roles = {o["name"]: o["role"] for o in api_as(assistant).get("/organisations").json()}
    assert roles == {"Assist & Co": "assistant", "Büro Schmidt": "assistant"}


def test_it_leaves_out_an_inactive_membership(api_as, assistant, org):
    Membership.objects.filter(person=assistant).update(is_active=False)
    assert api_as(assistant).get("/organisations").json() == []
    assert api_as(assistant).get(f"/organisations/{org.pk}").status_code == 404


def test_it_shows_one_organisation_the_person_is_in(api_as, assistant, org):
    response = api_as(assistant).get(f"/organisations/{org.pk}")
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["role"]) == ("Assist & Co", "assistant")


def test_it_hides_an_organisation_the_person_is_not_in(api_as, outsider, acme_user, org, other_org):
    response = api_as(outsider).get(f"/organisations/{org.pk}")
    assert response.status_code == 404
    assert "Assist" not in response.content.decode()
    assert api_as(acme_user).get(f"/organisations/{other_org.pk}").status_code == 404
    assert api_as(outsider).get("/organisations/999999").status_code == 404


def test_me_describes_the_person_behind_the_token(api_as, assistant):
    assert api_as(assistant).get("/me").json() == {
        "id": assistant.pk,
        "email": "anna@assist.example",
        "full_name": "Anna Assistent",
        "language": "en",
    }
