"""The outgoing MIME builder: what a mail program reads back is what the row says, on every attempt the same bytes."""

from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser

import pytest

from vadesk.comms.mime import Outgoing, build

WHEN = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
CALENDAR = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:Overleg\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


def outgoing(**fields) -> Outgoing:
    base = dict(
        sender="Bureau Müller <desk@assist.example>",
        recipient="ceo@acme.example",
        subject="Uw verzoek",
        text="Hallo,\n\nHet is klaar.",
        html="",
        message_id="<m1@assist.example>",
        date=WHEN,
    )
    return Outgoing(**{**base, **fields})


def parsed(message: Outgoing):
    return BytesParser(policy=policy.default).parsebytes(build(message))


def content(part) -> str:
    """A text part as a mail program shows it: its own line breaks, without the one before the boundary."""
    return part.get_content().replace("\r\n", "\n").removesuffix("\n")


def test_a_text_message_reads_back_with_its_headers():
    mail = parsed(outgoing(reply_to="desk+o1-ab@in.example", in_reply_to="<q@acme.example>", auto_submitted=True))

    assert mail.get_content_type() == "text/plain" and content(mail) == "Hallo,\n\nHet is klaar."
    assert str(mail["From"]) == "Bureau Müller <desk@assist.example>" and mail["From"].addresses[0].display_name
    assert (str(mail["To"]), str(mail["Subject"])) == ("ceo@acme.example", "Uw verzoek")
    assert mail["Date"].datetime == WHEN and mail["Message-ID"] == "<m1@assist.example>"
    assert mail["Reply-To"] == "desk+o1-ab@in.example"
    assert mail["In-Reply-To"] == mail["References"] == "<q@acme.example>"
    assert mail["Auto-Submitted"] == "auto-generated" and mail["MIME-Version"] == "1.0"
    assert not mail.defects


def test_text_that_is_not_ascii_or_has_long_lines_is_quoted_printable_and_reads_back_the_same():
    text = "Grüße aus Köln. " * 80 + "\n.\n" + "x" * 1200 + "  \nEnde"
    mail = parsed(outgoing(text=text, html="<p>" + "lang " * 400 + "</p>"))

    plain, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert plain["Content-Transfer-Encoding"] == "quoted-printable" and content(plain) == text
    assert content(html) == "<p>" + "lang " * 400 + "</p>"
    assert max(len(line) for line in build(outgoing(text=text)).split(b"\r\n")) <= 78


def test_a_long_or_foreign_subject_is_folded_and_encoded():
    subject = "Verzoek:" + " vergadering met de boekhouder" * 8
    assert str(parsed(outgoing(subject=subject))["Subject"]) == subject
    assert str(parsed(outgoing(subject="Größere Änderung 😀"))["Subject"]) == "Größere Änderung 😀"
    assert max(len(line) for line in build(outgoing(subject=subject)).split(b"\r\n")[:12]) <= 78


def test_html_calendar_and_attachments_nest_as_mail_programs_expect():
    mail = parsed(
        outgoing(
            html="<p>Het is <b>klaar</b>.</p>",
            calendar=CALENDAR,
            attachments=(("Factuur 2026-001.pdf", "application/pdf", b"%PDF-1.7\n\x00\xff"), ("Über.ics", "", b"x")),
        )
    )

    assert mail.get_content_type() == "multipart/mixed"
    alternative, *files = mail.iter_parts()
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html", "text/calendar"]
    assert content(alternative.get_body(("html",))) == "<p>Het is <b>klaar</b>.</p>"
    calendar = list(alternative.iter_parts())[2]
    assert calendar.get_param("method") == "REQUEST" and calendar.get_content() + "\r\n" == CALENDAR
    assert [(f.get_filename(), f.get_content_type()) for f in files] == [
        ("Factuur 2026-001.pdf", "application/pdf"),
        ("Über.ics", "application/octet-stream"),
    ]
    assert files[0].get_content() == b"%PDF-1.7\n\x00\xff" and not mail.defects


def test_the_same_row_gives_the_same_bytes_and_another_message_other_boundaries():
    message = outgoing(html="<p>x</p>", attachments=(("a.txt", "text/plain", b"a"),))

    assert build(message) == build(message)
    assert (
        build(message).split(b"boundary=")[1][:44]
        != build(outgoing(html="<p>x</p>", message_id="<m2@a>")).split(b"boundary=")[1][:44]
    )


def test_a_body_that_contains_the_boundary_gets_another_one():
    first = build(outgoing(html="<p>x</p>")).split(b'boundary="')[1].split(b'"')[0].decode()
    mail = parsed(outgoing(html="<p>x</p>", text=f"--{first}\nstill the text"))

    assert content(mail.get_body(("plain",))) == f"--{first}\nstill the text"


def test_a_header_value_with_a_line_break_is_refused_not_sent_as_two_headers():
    with pytest.raises(ValueError):
        build(outgoing(in_reply_to="<a@b>\r\nBcc: everyone@example.com"))
