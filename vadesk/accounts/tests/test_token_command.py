"""`vadesk token EMAIL [--name NAME]` prints a working API token secret, once."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient

from vadesk.accounts.models import ApiToken


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_it_prints_a_secret_that_authenticates_as_the_person(assistant):
    secret, note = _run("ANNA@assist.example", "--name", "invoice sync")

    token = ApiToken.objects.get(person=assistant)
    assert secret.startswith("vad_") and len(secret) > 40
    assert (token.name, token.digest, token.prefix) == ("invoice sync", ApiToken.hash(secret), secret[:12])
    assert secret not in note and "invoice sync" in note
    response = HttpClient().get("/api/v1/me", headers={"authorization": f"Bearer {secret}"})
    assert response.json()["email"] == "anna@assist.example"


def test_each_run_makes_a_new_token(assistant):
    first, _ = _run("anna@assist.example")
    second, _ = _run("anna@assist.example")
    assert first != second
    assert list(ApiToken.objects.filter(person=assistant).values_list("name", flat=True)) == [
        "Command line",
        "Command line",
    ]


def test_it_refuses_an_unknown_email_clearly(db):
    with pytest.raises(CommandError, match="No one has the e-mail address 'nobody@example.com'"):
        _run("nobody@example.com")
    assert not ApiToken.objects.exists()


def test_it_refuses_a_deactivated_person(assistant):
    assistant.is_active = False
    assistant.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match="deactivated"):
        _run("anna@assist.example")
    assert not ApiToken.objects.exists()


def test_it_refuses_an_empty_name(assistant):
    with pytest.raises(CommandError, match="Name the token"):
        _run("anna@assist.example", "--name", "  ")
    assert not ApiToken.objects.exists()


def test_help_describes_the_command(capsys):
    with pytest.raises(SystemExit):
        call_command("token", "--help")
    text = capsys.readouterr().out
    assert "Create a REST API token" in text
    assert "[--name NAME]" in text and "EMAIL" in text
