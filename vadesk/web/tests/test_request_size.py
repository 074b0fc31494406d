"""No request body over the limit is read: a 413 before the CSRF check or a view parses it."""

import pytest
from django.urls import reverse

from vadesk.invoicing.models import BankStatement
from vadesk.jobs.models import JobRun

pytestmark = pytest.mark.django_db


def test_a_body_over_the_limit_is_refused_before_anything_reads_it(client, owner, settings):
    settings.MAX_REQUEST_BYTES = 1024 * 1024
    client.force_login(owner)
    # The declared length is what counts: the body is not read, not even for the CSRF token.
    response = client.post(
        reverse("invoicing:bank"),
        data=b"x",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(2 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "At most 1 MB can be sent at once" in response.content.decode()
    assert not JobRun.objects.exists() and not BankStatement.objects.exists()


def test_the_api_answers_json(client, settings):
    settings.MAX_REQUEST_BYTES = 1024 * 1024
    response = client.post(
        "/api/v1/clients", data=b"{}", content_type="application/json", CONTENT_LENGTH=str(2 * 1024 * 1024)
    )
    assert response.status_code == 413 and "at most 1 MB" in response.json()["detail"]


def test_a_body_within_the_limit_goes_through(client, owner, settings):
    settings.MAX_REQUEST_BYTES = 1024 * 1024
    client.force_login(owner)
    assert client.post(reverse("invoicing:bank"), {}).status_code == 200  # the form, with its error
