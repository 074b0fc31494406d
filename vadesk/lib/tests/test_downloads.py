"""Download names: disguises removed, and a Content-Disposition that parses to the real name in every form."""

import re
from urllib.parse import unquote

import pytest

from vadesk.lib.downloads import content_disposition, filename_clean


def _parsed(header: str) -> tuple[str, str]:
    """RFC 6266 §4.1's grammar, strictly: (the filename* value decoded, the quoted ASCII filename)."""
    header.encode("ascii")  # a header value must be ASCII (non-Latin-1 names once broke it)
    match = re.fullmatch(
        r'attachment; filename="([\x20\x21\x23-\x5b\x5d-\x7e]*)"; filename\*=UTF-8\'\'([A-Za-z0-9%._~-]+)', header
    )
    assert match, header
    return unquote(match[2], errors="strict"), match[1]


def test_a_right_to_left_override_is_removed_and_the_header_is_valid():
    header = content_disposition("invoice\u202efdp.exe")
    assert "\u202e" not in header
    assert header.startswith("attachment; ")
    assert _parsed(header) == ("invoicefdp.exe", "invoicefdp.exe")


@pytest.mark.parametrize(
    "mark", ["\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"]
)
def test_every_bidi_control_is_removed(mark):
    assert filename_clean(f"report{mark}.pdf") == "report.pdf"


def test_control_characters_and_paths_are_removed():
    assert filename_clean("../../etc/pass\x00wd\r\n.txt") == "_.._etc_passwd.txt"
    assert filename_clean("\x07\u202e") == "download"


def test_a_non_latin_name_keeps_its_name_and_gets_an_ascii_fallback():
    header = content_disposition('Счёт №5 "final".pdf')
    full, fallback = _parsed(header)
    assert full == 'Счёт №5 "final".pdf'
    assert fallback.isascii() and fallback.endswith(".pdf") and '"' not in fallback


def test_accents_fold_in_the_fallback():
    assert _parsed(content_disposition("Bäckerei Müller – März.pdf")) == (
        "Bäckerei Müller – März.pdf",
        "Backerei Muller Marz.pdf",
    )


@pytest.mark.django_db
def test_a_mailed_attachment_downloads_without_the_override(client, assistant, task):
    from django.urls import reverse

    from vadesk.comms.models import Attachment, InboundMessage
    from vadesk.conftest import login

    inbound = InboundMessage.objects.create(key="<rlo@acme.example>", task=task, raw=b"", outcome="comment")
    attachment = Attachment.objects.create(
        task=task, inbound=inbound, filename="invoice\u202efdp.exe", content_type="", size=1, sha256="", content=b"x"
    )
    login(client, assistant)
    download = client.get(reverse("comms:attachment", args=[attachment.pk]))
    assert _parsed(download["Content-Disposition"]) == ("invoicefdp.exe", "invoicefdp.exe")


@pytest.mark.django_db
def test_the_accountant_export_downloads_with_both_filename_forms(client, owner, org):
    from django.urls import reverse

    from vadesk.conftest import login

    login(client, owner)
    download = client.get(reverse("invoicing:export"), {"start": "2026-03-01", "end": "2026-03-31"})
    assert download.status_code == 200
    assert _parsed(download["Content-Disposition"]) == ("invoices-2026-03-01-2026-03-31.csv",) * 2
