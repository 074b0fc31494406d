import pytest
from django.conf import settings

from vadesk.clients.models import Contact
from vadesk.comms.tests.servers import SmtpServer


@pytest.fixture
def smtp_server(monkeypatch):
    with SmtpServer() as server:
        monkeypatch.setattr(settings, "SMTP_HOST", "127.0.0.1")
        monkeypatch.setattr(settings, "SMTP_PORT", server.port)
        monkeypatch.setattr(settings, "DEFAULT_FROM_EMAIL", "desk@assist.example")
        yield server


@pytest.fixture
def cees(acme) -> Contact:
    return Contact.objects.create(
        client=acme,
        name="Cees Acme",
        email="ceo@acme.example",
        phone="06 12345678",
        preferred_language="nl",
        is_primary=True,
    )


@pytest.fixture
def gerda(other_client) -> Contact:
    return Contact.objects.create(
        client=other_client, name="Gerda Geheim", email="gerda@geheim.example", preferred_language="de", is_primary=True
    )


@pytest.fixture
def smtp_watch(monkeypatch):
    from vadesk.comms.tests.delivery import SmtpWatch

    return SmtpWatch(monkeypatch)
