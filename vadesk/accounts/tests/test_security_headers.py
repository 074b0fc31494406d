"""Every response carries the security headers the settings name; HTTPS settings redirect and send HSTS."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_carry_the_security_headers(client, assistant):
    client.force_login(assistant)
    response = client.get("/")
    response = client.get(response.url) if response.status_code == 302 else response
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff" and response["X-Frame-Options"] == "DENY"


def test_with_https_on_plain_http_is_redirected_and_hsts_sent(client, settings):
    settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS = True, 31536000
    response = client.get("/login/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get("/login/", secure=True)["Strict-Transport-Security"] == "max-age=31536000"
