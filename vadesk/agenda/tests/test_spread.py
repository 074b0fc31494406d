"""The best times are real alternatives: spread over days and times of day, the better score first."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse

from vadesk.agenda.parties import client_party
from vadesk.agenda.proposals import Proposal, spread
from vadesk.conftest import login

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def quarter_hours(days: int, score: int = 0) -> list[Proposal]:
    """Every quarter-hour from 9:00 to 16:45 on `days` working days from Monday 16 March 2026, earliest first."""
    out = []
    for day in range(days):
        for q in range(32):
            start = datetime(2026, 3, 16, 9, tzinfo=AMSTERDAM) + timedelta(days=day, minutes=15 * q)
            out.append(Proposal(start, start + timedelta(hours=1), score))
    return out


def local(p: Proposal) -> datetime:
    return p.start.astimezone(AMSTERDAM)


def test_ten_proposals_over_a_week_take_one_per_day_before_a_second_and_turn_the_time_of_day():
    chosen = spread(quarter_hours(7), 10, AMSTERDAM)
    assert len(chosen) == 10
    days = [local(p).date() for p in chosen]
    assert len(set(days)) == 7  # every day once before any day twice
    assert {local(p).hour < 12 for p in chosen} == {True, False}  # mornings and afternoons
    # The three picks of round two go to the first days; the days with one pick turn the time of day.
    once = [local(p) for p in chosen if days.count(local(p).date()) == 1]
    assert [t.day for t in once] == [19, 20, 21, 22] and [t.hour < 12 for t in once] == [False, True, False, True]
    assert chosen == sorted(chosen, key=lambda p: p.start)


def test_a_single_free_morning_still_gives_ten_times():
    one_morning = [p for p in quarter_hours(1) if local(p).hour < 12][:12]
    chosen = spread(one_morning, 10, AMSTERDAM)
    assert len(chosen) == 10 and chosen == one_morning[:10]  # nothing else fits, so nothing is lost


def test_a_better_score_comes_first_however_the_days_fall():
    preferred = [p for p in quarter_hours(1, score=100) if local(p).hour in (10, 14) and local(p).minute == 0]
    chosen = spread(preferred + quarter_hours(5), 6, AMSTERDAM)
    assert [p.score for p in chosen] == [100, 100, 0, 0, 0, 0]


def test_near_duplicates_of_a_preferred_time_wait_until_no_real_alternative_is_left():
    """The walk-through's case: the client prefers Tuesday 9 to 12, so nine quarter-hours of that morning led."""
    preferred = [p for p in quarter_hours(2, score=100)[32:] if local(p).hour < 12]  # Tuesday 9:00–11:45
    chosen = spread(preferred + quarter_hours(7), 10, AMSTERDAM)
    tuesday = [local(p).strftime("%H:%M") for p in chosen if p.score == 100]
    assert tuesday == ["09:00", "10:00", "11:00"]  # an hour apart: three real choices that morning
    assert len({local(p).date() for p in chosen}) == 7
    few = spread(preferred, 10, AMSTERDAM)  # nothing else fits: the in-between times are offered too
    assert len(few) == 10 and [local(p).strftime("%H:%M") for p in few][:2] == ["09:00", "09:15"]


def test_the_find_page_offers_times_on_several_days_and_both_halves_of_the_day(client, assistant, acme):
    party = client_party(acme)
    party.working_hours = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    party.save()
    login(client, assistant)
    page = client.get(
        reverse("agenda_find", args=[acme.pk]), {"duration": 60, "from": "2030-03-18", "days": 7}
    ).content.decode()
    starts = [
        datetime.fromisoformat(s).astimezone(AMSTERDAM) for s in re.findall(r'name="start" value="([^"]+)"', page)
    ]
    assert len(starts) == 10
    assert len({s.date() for s in starts}) == 5 and {s.hour < 12 for s in starts} == {True, False}
    assert all(s.tzinfo for s in starts) and min(starts) >= datetime(2030, 3, 18, tzinfo=UTC)


def test_the_booking_form_invites_the_chosen_parties(client, assistant, acme):
    from vadesk.agenda.models import Party

    party = client_party(acme)
    party.email, party.working_hours = "ceo@acme.example", {"mon": [["09:00", "17:00"]]}
    party.save()
    supplier = Party.objects.create(
        organisation=acme.organisation,
        client=acme,
        kind=Party.Kind.EXTERNAL,
        name="Jan de Vries",
        email="jan@supplier.example",
        time_zone="Europe/Amsterdam",
    )
    silent = Party.objects.create(
        organisation=acme.organisation,
        client=acme,
        kind=Party.Kind.EXTERNAL,
        name="No mail",
        time_zone="Europe/Amsterdam",
    )
    login(client, assistant)
    query = {"duration": 60, "from": "2030-03-18", "days": 1, "party": [party.pk, supplier.pk, silent.pk]}
    page = client.get(reverse("agenda_find", args=[acme.pk]), query).content.decode()
    boxes = re.findall(r'<textarea name="attendees" rows="2" data-testid="invitees">(.*?)</textarea>', page, re.S)
    assert boxes and set(boxes) == {"ceo@acme.example\njan@supplier.example"}
    only_jan = client.get(reverse("agenda_find", args=[acme.pk]), {**query, "party": [supplier.pk]}).content.decode()
    assert "ceo@acme.example</textarea>" not in only_jan and "jan@supplier.example</textarea>" in only_jan
