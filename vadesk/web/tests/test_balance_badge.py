"""The balance badge says how much is used, in the page's language, not a fixed "80 %"."""

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from vadesk.engagements.balance import Balance


def badge(used: int, language: str) -> str:
    balance = Balance(
        period_start=date(2026, 12, 1), period_end=date(2026, 12, 31), allowance=1200, rolled_over=0, used=used
    )
    with translation.override(language):
        return render_to_string("web/_balance.html", {"balance": balance, "engagement": {"pk": 7}})


@pytest.mark.parametrize(
    ("used", "language", "text"),
    [
        (1050, "nl", "87 % gebruikt"),  # 17:30 of 20:00
        (1155, "nl", "96 % gebruikt"),  # 19:15 of 20:00
        (1050, "de", "87 % verbraucht"),
        (960, "en", "80 % used"),
    ],
)
def test_the_badge_names_the_share_used(used, language, text):
    assert text in badge(used, language)


def test_below_80_percent_there_is_no_badge_and_at_100_it_says_used_up():
    assert "% used" not in badge(900, "en")
    assert "Used up" in badge(1200, "en") and "% used" not in badge(1200, "en")
