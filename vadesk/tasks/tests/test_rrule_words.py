"""Monthly rhythms from the 29th on skip no month, and every rhythm the form offers reads as words, in nl/de/en."""

from datetime import datetime

import pytest
from django.utils import translation

from vadesk.tasks.rrule import describe_rrule, monthly_on, parse_rrule


def dates(rule: str, first: datetime, count: int = 6) -> list[str]:
    return [d.date().isoformat() for d in parse_rrule(rule, first)[:count]]


def test_the_31st_falls_on_every_months_last_day():
    assert dates(monthly_on(31), datetime(2027, 1, 31, 9)) == [
        "2027-01-31",
        "2027-02-28",
        "2027-03-31",
        "2027-04-30",
        "2027-05-31",
        "2027-06-30",
    ]


def test_the_30th_and_29th_keep_their_day_and_take_februarys_last():
    assert dates(monthly_on(30), datetime(2027, 1, 30, 9), 4) == [
        "2027-01-30",
        "2027-02-28",
        "2027-03-30",
        "2027-04-30",
    ]
    assert dates(monthly_on(29), datetime(2027, 12, 29, 9), 3) == [
        "2027-12-29",
        "2028-01-29",
        "2028-02-29",
    ]  # leap year
    assert dates(monthly_on(30, interval=3), datetime(2026, 11, 30, 9), 3) == ["2026-11-30", "2027-02-28", "2027-05-30"]


def test_an_ordinary_day_is_a_plain_bymonthday():
    assert monthly_on(25) == "FREQ=MONTHLY;BYMONTHDAY=25"
    assert monthly_on(28, interval=3) == "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=28"


@pytest.mark.parametrize(
    "rule, en, nl, de",
    [
        ("FREQ=MONTHLY;BYMONTHDAY=25", "Every month on day 25", "Elke maand op de 25e", "Jeden Monat am 25."),
        (monthly_on(31), "Every month on its last day", "Elke maand op de laatste dag", "Jeden Monat am letzten Tag"),
        (
            monthly_on(30),
            "Every month on day 30, or on the last day of a shorter month",
            "Elke maand op de 30e, of op de laatste dag van een kortere maand",
            "Jeden Monat am 30., in kürzeren Monaten am letzten Tag",
        ),
        (
            monthly_on(5, interval=3),
            "Every three months on day 5",
            "Elke drie maanden op de 5e",
            "Alle drei Monate am 5.",
        ),
        ("FREQ=WEEKLY;BYDAY=TU", "Every week on Tuesday", "Elke week op dinsdag", "Jede Woche am Dienstag"),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
            "Every two weeks on Friday",
            "Om de week op vrijdag",
            "Alle zwei Wochen am Freitag",
        ),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Every working day", "Elke werkdag", "Jeden Werktag"),
        ("FREQ=DAILY;COUNT=3", "Custom rhythm", "Eigen ritme", "Eigener Rhythmus"),
        ("FREQ=MONTHLY;BYMONTHDAY=25;UNTIL=20271231T000000Z", "Custom rhythm", "Eigen ritme", "Eigener Rhythmus"),
    ],
)
def test_each_rhythm_reads_as_words(rule, en, nl, de):
    for language, expected in (("en", en), ("nl", nl), ("de", de)):
        with translation.override(language):
            assert describe_rrule(rule) == expected
