"""Logging in, the language switch and API tokens in the UI."""

from django.urls import reverse

from vadesk.accounts.models import ApiToken
from vadesk.accounts.services import person_for_token
from vadesk.conftest import PASSWORD


def test_logging_in_takes_an_assistant_to_today_in_their_language(client, assistant):
    assistant.language = "de"
    assistant.save()
    response = client.post(reverse("login"), {"username": assistant.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("today")
    assert response.headers["Content-Language"] == "de" and "Heute" in response.content.decode()


def test_a_wrong_password_is_refused_with_a_message(client, assistant):
    response = client.post(reverse("login"), {"username": assistant.email, "password": "wrong"})
    assert response.status_code == 200 and "msg-error" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_language_switch_is_remembered_for_the_person(client, assistant):
    client.force_login(assistant)
    client.post(reverse("set_language"), {"language": "nl", "next": reverse("clients")})
    assistant.refresh_from_db()
    assert assistant.language == "nl"
    assert client.get(reverse("clients")).headers["Content-Language"] == "nl"


def test_an_unknown_language_changes_nothing(client, assistant):
    client.force_login(assistant)
    client.post(reverse("set_language"), {"language": "xx"})
    assistant.refresh_from_db()
    assert assistant.language == "en"


def test_a_person_creates_a_token_sees_it_once_and_revokes_it(client, assistant):
    client.force_login(assistant)
    page = client.post(reverse("tokens"), {"name": "Zapier"}).content.decode()
    token = ApiToken.objects.get(person=assistant)
    secret = page.split('data-testid="token-secret">')[1].split("<")[0]
    assert person_for_token(secret) == assistant
    assert secret not in client.get(reverse("tokens")).content.decode()  # shown once only
    client.post(reverse("token_revoke", args=[token.pk]))
    assert person_for_token(secret) is None


def test_nobody_revokes_another_persons_token(client, assistant, colleague):
    from vadesk.accounts.services import api_token_create

    token, secret = api_token_create(person=assistant, name="mine")
    client.force_login(colleague)
    assert client.post(reverse("token_revoke", args=[token.pk])).status_code == 404
    assert person_for_token(secret) == assistant


def test_the_login_address_is_not_case_sensitive(client, assistant):
    typed = "  " + assistant.email.capitalize().replace("@assist", "@Assist") + " "
    response = client.post(reverse("login"), {"username": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(assistant.pk)
