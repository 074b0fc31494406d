"""This app's own Dutch and German catalogs: complete, compiled, placeholders kept, and used on the pages."""

import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[1] / "locale"
PERCENT = re.compile(r"%\([a-z_]+\)s")
DOLLAR = re.compile(r"\$[a-z_]+")


def catalog(language):
    with open(LOCALE / language / "LC_MESSAGES" / "django.po", "rb") as po:
        return read_po(po, locale=language)


def strings(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


@pytest.mark.parametrize("language", ["nl", "de"])
def test_the_catalog_is_complete_compiled_and_keeps_every_placeholder(language):
    po = catalog(language)
    assert not po.fuzzy and str(po.locale) == language and po.num_plurals == 2
    messages = [m for m in po if m.id]
    assert len(messages) > 200
    assert [m.id for m in messages if m.fuzzy or not all(s.strip() for s in strings(m.string))] == []
    for message in messages:
        english = strings(message.id)[-1]
        for translated in strings(message.string):
            assert sorted(set(PERCENT.findall(translated))) == sorted(set(PERCENT.findall(english))), message.id
            assert sorted(set(DOLLAR.findall(translated))) == sorted(set(DOLLAR.findall(english))), message.id
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as mo:
        compiled = {tuple(strings(m.id)): strings(m.string) for m in read_mo(mo) if m.id}
    assert all(compiled.get(tuple(strings(m.id))) == strings(m.string) for m in messages), (
        "run scripts/fill-catalog vadesk/comms/locale/translations.py"
    )


@pytest.mark.parametrize(
    ("language", "words"), [("nl", ["Telefoontje noteren", "Berichten"]), ("de", ["Anruf notieren", "Nachrichten"])]
)
def test_the_pages_speak_the_chosen_language(client, assistant, acme, language, words):
    client.force_login(assistant)
    client.cookies["vadesk_language"] = language
    body = client.get("/comms/calls/new/").content.decode()
    assert all(word in body for word in words)
