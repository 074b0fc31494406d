"""Reply tokens carry 128 bits of an HMAC under a key of their own (not SECRET_KEY itself)."""

import hmac
import re
from hashlib import sha256

from django.test import override_settings

from vadesk.comms.addresses import (
    organisation_address,
    organisation_from_address,
    task_from_address,
    task_from_subject,
    task_reply_address,
    task_token,
)

BASE = "desk@in.example"


def signature(token: str) -> str:
    return re.fullmatch(r"\[T\d+-([0-9a-f]+)\]", token).group(1)


def test_a_token_carries_128_bits():
    assert len(signature(task_token(42))) == 32
    assert re.fullmatch(r"desk\+t42-[0-9a-f]{32}@in\.example", task_reply_address(BASE, 42))


def test_the_right_token_leads_back_to_its_task_and_organisation():
    assert task_from_subject(f"Re: {task_token(42)}") == 42
    assert task_from_address(task_reply_address(BASE, 42)) == 42
    assert organisation_from_address(organisation_address(BASE, 7)) == 7


def test_a_forged_or_short_token_is_refused():
    real = signature(task_token(42))
    forged = ("0" if real[0] != "0" else "1") + real[1:]
    assert task_from_subject(f"Re: [T42-{forged}]") is None
    assert task_from_subject(f"Re: [T42-{real[:8]}]") is None  # the old 32-bit form
    assert task_from_subject(f"Re: [T43-{real}]") is None


def test_the_key_is_not_the_secret_key_itself(settings):
    plain = hmac.new(settings.SECRET_KEY.encode(), b"vadesk-comms:task:42", sha256).hexdigest()[:32]
    assert signature(task_token(42)) != plain


def test_an_own_key_setting_signs_the_tokens(settings):
    derived = task_token(42)
    with override_settings(REPLY_TOKEN_KEY="a-reply-token-key-of-its-own-0123456789"):
        own = task_token(42)
        assert task_from_subject(own) == 42 and task_from_subject(derived) is None
    assert own != derived


def test_a_new_secret_key_changes_the_derived_tokens(settings):
    before = task_token(42)
    with override_settings(SECRET_KEY="another-secret-key-" + "x" * 40):
        assert task_token(42) != before
