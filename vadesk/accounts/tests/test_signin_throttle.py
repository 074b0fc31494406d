"""Sign-in and API token use are throttled per account and per client address; the right password after the
limit is refused until the window ends; the counters are rows, so every web process sees them."""

import logging
import threading
from datetime import timedelta

import pytest
import time_machine
from django.test import Client as BrowserClient
from django.urls import reverse
from django.utils import timezone

from vadesk.accounts.hashers import hashing_slot
from vadesk.accounts.models import SignInFailure
from vadesk.accounts.services import api_token_create
from vadesk.accounts.throttle import client_address
from vadesk.conftest import PASSWORD, make_person

pytestmark = pytest.mark.django_db

THROTTLED = "Too many failed sign-ins"


def sign_in(client, email, password, address="203.0.113.7", **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_after_five_failures_is_refused_with_a_clear_message(client, assistant, caplog):
    for _ in range(5):
        assert THROTTLED not in sign_in(client, assistant.email, "wrong").content.decode()
    with caplog.at_level(logging.WARNING, logger="vadesk.security"):
        response = sign_in(client, assistant.email, PASSWORD)
    assert response.status_code == 200 and THROTTLED in response.content.decode()
    assert not signed_in(client)
    assert any(
        "refused while throttled" in r.getMessage() and assistant.email in r.getMessage() for r in caplog.records
    )


def test_the_limit_reached_is_logged_as_a_security_event(client, assistant, caplog):
    with caplog.at_level(logging.WARNING, logger="vadesk.security"):
        for _ in range(5):
            sign_in(client, assistant.email, "wrong")
    events = [r for r in caplog.records if getattr(r, "event", "") == "signin_throttled"]
    assert events and events[0].client_address == "203.0.113.7" and events[0].account == assistant.email


def test_four_failures_leave_the_right_password_accepted(client, assistant):
    for _ in range(4):
        sign_in(client, assistant.email, "wrong")
    sign_in(client, assistant.email, PASSWORD)
    assert signed_in(client)


def test_the_right_password_works_again_once_the_window_has_passed(client, assistant):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            sign_in(client, assistant.email, "wrong")
    with time_machine.travel(start + timedelta(minutes=14, seconds=59), tick=False):
        sign_in(client, assistant.email, PASSWORD)
        assert not signed_in(client)
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        sign_in(client, assistant.email, PASSWORD)
        assert signed_in(client)


def test_the_account_is_throttled_from_every_address(client, assistant):
    for number in range(5):
        sign_in(client, assistant.email, "wrong", address=f"198.51.100.{number}")
    sign_in(client, assistant.email, PASSWORD, address="192.0.2.99")
    assert not signed_in(client)


def test_the_e_mail_address_counts_whatever_its_case(client, assistant):
    for _ in range(5):
        sign_in(client, assistant.email.upper(), "wrong")
    sign_in(client, assistant.email, PASSWORD)
    assert not signed_in(client)


def test_one_address_guessing_at_many_accounts_is_throttled_for_all_of_them(client, assistant, colleague):
    for number in range(20):
        sign_in(client, f"guess{number}@assist.example", "wrong")
    sign_in(client, colleague.email, PASSWORD)
    assert not signed_in(client)
    other = BrowserClient()
    sign_in(other, colleague.email, PASSWORD, address="192.0.2.1")
    assert signed_in(other)


def test_a_success_clears_the_accounts_failures_but_not_the_addresss(client, assistant):
    for _ in range(4):
        sign_in(client, assistant.email, "wrong")
    sign_in(client, assistant.email, PASSWORD)
    assert SignInFailure.objects.filter(scope="account").count() == 0
    assert SignInFailure.objects.filter(scope="address").count() == 4


def test_the_failures_are_kept_in_the_database_for_every_process(client, assistant):
    for _ in range(5):
        sign_in(client, assistant.email, "wrong")
    # Another web process has its own memory but the same database: a fresh client and backend see the count.
    other = BrowserClient()
    sign_in(other, assistant.email, PASSWORD, address="192.0.2.1")
    assert not signed_in(other)
    assert SignInFailure.objects.filter(scope="account").count() == 5
    assert assistant.email not in "".join(SignInFailure.objects.values_list("key", flat=True))


def test_the_message_is_translated(client, assistant):
    for _ in range(5):
        sign_in(client, assistant.email, "wrong")
    response = sign_in(client, assistant.email, PASSWORD, HTTP_ACCEPT_LANGUAGE="nl")
    assert "Te veel mislukte aanmeldpogingen" in response.content.decode()


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5")
    settings.TRUSTED_PROXIES = 0
    assert client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXIES = 1
    assert client_address(request) == "203.0.113.5"  # the address the proxy saw; 1.1.1.1 is the client's claim
    settings.TRUSTED_PROXIES = 2
    assert client_address(request) == "1.1.1.1"


def test_a_client_cannot_dodge_the_address_limit_with_a_forged_header(client, assistant, colleague):
    for number in range(20):
        sign_in(client, f"guess{number}@assist.example", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    sign_in(client, colleague.email, PASSWORD)
    assert not signed_in(client)


def api_me(client, secret, address="203.0.113.7"):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}", REMOTE_ADDR=address)


def test_twenty_bad_tokens_from_an_address_and_the_right_one_is_refused_with_429(client, assistant):
    _token, secret = api_token_create(person=assistant, name="script")
    for number in range(20):
        assert api_me(client, f"vad_wrong{number:02d}xxxxxxxxxxxxxxx").status_code == 401
    response = api_me(client, secret)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Too many failed attempts" in response.json()["detail"]
    assert api_me(client, secret, address="192.0.2.1").status_code == 200


def test_a_good_token_keeps_working_without_failures(client, assistant):
    _token, secret = api_token_create(person=assistant, name="script")
    for _ in range(30):
        assert api_me(client, secret).status_code == 200
    assert SignInFailure.objects.count() == 0


def test_a_sign_in_waiting_too_long_for_a_hashing_slot_is_told_to_try_again(client, settings):
    settings.PASSWORD_HASHERS = ["vadesk.accounts.hashers.Argon2PasswordHasher"]
    person = make_person("hash@assist.example", "Hanna Hash")
    settings.PASSWORD_HASH_CONCURRENCY, settings.PASSWORD_HASH_WAIT_SECONDS = 1, 1
    held, release = threading.Event(), threading.Event()

    def hold():
        with hashing_slot():
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        held.wait(5)
        response = sign_in(client, person.email, PASSWORD)
    finally:
        release.set()
        holder.join()
    assert "Many people are signing in right now" in response.content.decode() and not signed_in(client)
    sign_in(client, person.email, PASSWORD)
    assert signed_in(client)
