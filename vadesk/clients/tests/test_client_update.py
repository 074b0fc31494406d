"""Client details are the owner's to change (the client page's rule), through every entry point alike."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from vadesk.api.tests.conftest import api_as  # noqa: F401  (the API entry point)
from vadesk.clients.services import client_update

EDIT = {"name": "Acme Renamed", "kind": "company", "preferred_language": "nl", "country": "NL", "city": "Utrecht"}


def _unchanged(acme) -> bool:
    acme.refresh_from_db()
    return (acme.name, acme.city) == ("Acme B.V.", "")


def test_the_service_refuses_an_assigned_assistant(assistant, acme):
    with pytest.raises(PermissionDenied):
        client_update(by=assistant, client=acme, name="Acme Renamed")
    assert _unchanged(acme)


def test_an_assigned_assistant_cannot_change_the_client_through_the_api(api_as, assistant, acme):
    response = api_as(assistant).patch(f"/clients/{acme.pk}", {"name": "Acme Renamed"})

    assert response.status_code == 403
    assert _unchanged(acme)


def test_an_assigned_assistant_cannot_change_the_client_on_its_page(client, assistant, acme):
    client.force_login(assistant)

    assert client.post(reverse("client_edit", args=[acme.pk]), EDIT).status_code == 403
    assert _unchanged(acme)


def test_the_owner_changes_the_client_on_both(client, api_as, owner, acme):
    assert api_as(owner).patch(f"/clients/{acme.pk}", {"city": "Delft"}).status_code == 200
    client.force_login(owner)

    assert client.post(reverse("client_edit", args=[acme.pk]), EDIT).status_code == 302
    acme.refresh_from_db()
    assert (acme.name, acme.city) == ("Acme Renamed", "Utrecht")
