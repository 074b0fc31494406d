"""Pages write days the way each language does, and the way the invoice PDF prints them; ages never read "0 minutes"."""

from datetime import UTC, date, datetime, timedelta

import pytest
from babel.dates import format_date
from django.utils import translation

from vadesk.invoicing.pdf.render import LOCALES
from vadesk.lib.formatting import DAY_STYLES, format_ago, format_day

TUESDAY = datetime(2026, 12, 1, 9, 5)


@pytest.mark.parametrize(
    "style, en, nl, de",
    [
        ("j M Y", "1 Dec 2026", "1 dec 2026", "1. Dez. 2026"),
        ("j M", "1 Dec", "1 dec", "1. Dez."),
        ("D j M H:i", "Tue 1 Dec, 09:05", "di 1 dec, 09:05", "Di., 1. Dez., 09:05"),
        ("l j F", "Tuesday 1 December", "dinsdag 1 december", "Dienstag, 1. Dezember"),
        ("l j F Y", "Tuesday, 1 December 2026", "dinsdag 1 december 2026", "Dienstag, 1. Dezember 2026"),
        ("F Y", "December 2026", "december 2026", "Dezember 2026"),
        ("F", "December", "december", "Dezember"),
    ],
)
def test_each_language_writes_the_day_its_own_way(style, en, nl, de):
    for language, expected in (("en", en), ("nl", nl), ("de", de)):
        with translation.override(language):
            assert format_day(TUESDAY, style) == expected


def test_a_long_date_on_a_page_is_the_pdfs():
    for language, locale in LOCALES.items():
        with translation.override(language):
            assert format_day(date(2026, 11, 1), "j F Y") == format_date(date(2026, 11, 1), "long", locale=locale)


def test_a_date_in_a_style_with_a_time_shows_only_the_day():
    with translation.override("de"):
        assert format_day(date(2026, 12, 1), "j M Y H:i") == "1. Dez. 2026"


def test_every_style_renders_in_every_language():
    for language in LOCALES:
        with translation.override(language):
            assert all(format_day(TUESDAY, style) for style in DAY_STYLES)
    assert format_day(None) == ""


def test_an_age_under_a_minute_is_just_now_never_zero_minutes():
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    with translation.override("nl"):
        assert format_ago(now - timedelta(seconds=20), now) == "zojuist"
        assert (
            format_ago(now - timedelta(minutes=5), now) == "5\xa0minuten geleden"
        )  # Django keeps a number and its unit together
    with translation.override("de"):
        assert format_ago(now - timedelta(hours=2, minutes=10), now) == "vor 2\xa0Stunden"
    with translation.override("en"):
        assert format_ago(now - timedelta(seconds=59), now) == "just now"
        assert format_ago(now - timedelta(days=3), now) == "Mon 30 Nov, 13:00"  # Amsterdam time
