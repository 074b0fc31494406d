"""Error messages come from the services through gettext and follow Accept-Language."""

import pytest


@pytest.mark.parametrize(
    ("accept", "language", "message"),
    [
        ("en", "en", "Give the task a title."),
        ("nl", "nl", "Geef de taak een titel."),
        ("de", "de", "Geben Sie der Aufgabe einen Titel."),
        ("nl-BE,nl;q=0.9,en;q=0.8", "nl", "Geef de taak een titel."),
        ("fr", "en", "Give the task a title."),
    ],
)
def test_a_service_refusal_speaks_the_requested_language(api_as, assistant, acme, accept, language, message):
    response = api_as(assistant, language=accept).post("/tasks", {"client": acme.pk, "title": " "})
    assert response.status_code == 422
    assert response.json()["errors"] == {"title": [message]}
    assert response["Content-Language"] == language


def test_the_persons_profile_language_does_not_override_the_header(api_as, acme_user, acme):
    # acme_user's profile says Dutch; a script asking for English gets English.
    response = api_as(acme_user, language="en").post("/tasks", {"client": acme.pk, "title": ""})
    assert response.json()["errors"] == {"title": ["Give the task a title."]}
