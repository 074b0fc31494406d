"""The 400, 403, 404 and 500 pages: translated, in the layout of the person (staff or portal), and carrying
nothing internal; another organisation's object is as missing as one that never existed."""

import re

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.urls("vadesk.web.tests.urls_raising")]


def test_a_missing_page_is_a_translated_404_in_the_staff_layout(client, owner):
    owner.language = "nl"
    owner.save(update_fields=["language"])
    client.force_login(owner)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Pagina niet gevonden" in page
    assert reverse("clients") in page  # the staff navigation, not Django's bare page


def test_another_organisations_client_is_as_missing_as_one_that_never_existed(client, owner, other_client):
    client.force_login(owner)
    elsewhere = client.get(reverse("client_detail", args=[other_client.pk]))
    nowhere = client.get(reverse("client_detail", args=[other_client.pk + 1000]))
    assert elsewhere.status_code == nowhere.status_code == 404
    assert _as_seen(elsewhere) == _as_seen(nowhere)
    assert other_client.name not in elsewhere.content.decode()


def test_a_client_user_sees_the_404_in_the_portal_layout(client, acme_user):
    client.force_login(acme_user)
    response = client.get("/portal/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert reverse("portal:hours") in page and reverse("clients") not in page
    assert "Pagina niet gevonden" in page  # Cees reads Dutch


def test_a_refusal_is_a_translated_403(client, assistant):
    assistant.language = "de"
    assistant.save(update_fields=["language"])
    client.force_login(assistant)
    response = client.get(reverse("invoicing:bank"))  # owners only
    assert response.status_code == 403
    assert "Nicht für Sie" in response.content.decode()


def test_a_value_vadesk_cannot_read_is_named_on_the_400(client, owner):
    client.force_login(owner)
    response = client.get("/raise/vadesk-400/")
    assert response.status_code == 400
    assert "“week” that vadesk cannot read" in response.content.decode()


def test_djangos_own_refusal_says_nothing_of_the_setup(client, owner):
    client.force_login(owner)
    response = client.get("/raise/django-400/")
    assert response.status_code == 400
    page = response.content.decode()
    assert "internal-db" not in page and "HTTP_HOST" not in page
    assert "holds a value vadesk cannot read" in page


def test_a_broken_request_is_a_plain_500_without_its_error(client, owner):
    client.raise_request_exception = False
    client.force_login(owner)
    response = client.get("/raise/500/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "secret-token" not in page and "RuntimeError" not in page and "Traceback" not in page
    assert owner.full_name not in page  # rendered without the request's context


def test_the_500_page_is_translated(client, owner):
    owner.language = "de"
    owner.save(update_fields=["language"])
    client.raise_request_exception = False
    client.force_login(owner)
    response = client.get("/raise/500/")
    assert "Etwas ist schiefgelaufen" in response.content.decode()


def _as_seen(response) -> str:
    """The page without what differs per request anyway: CSRF tokens and the address the page was asked at."""
    page = re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+"', "", response.content.decode())
    return re.sub(r'name="next" value="[^"]*"', "", page)
