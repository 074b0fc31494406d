"""Memory bounded by the page: the agenda week and the portal's appointments never read an event's iCalendar text."""

import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vadesk.agenda.models import Event, Occurrence
from vadesk.agenda.services import booking_create
from vadesk.conftest import login

OCCURRENCES = 20


@pytest.fixture(autouse=True)
def _march_2026(time_machine):
    time_machine.move_to(datetime(2026, 3, 17, 8, tzinfo=UTC), tick=True)


@pytest.fixture
def busy_week(acme_calendar, assistant) -> Event:
    """One event with twenty occurrences in the week of 16 March 2026."""
    event = booking_create(
        by=assistant,
        calendar=acme_calendar,
        start=datetime(2026, 3, 16, 9, tzinfo=UTC),
        end=datetime(2026, 3, 16, 10, tzinfo=UTC),
        summary="Stand-up",
        send=False,
    )
    Occurrence.objects.bulk_create(
        Occurrence(
            calendar=acme_calendar,
            event=event,
            recurrence_id=f"2026031{i % 7}T{i:02d}0000Z",
            start=datetime(2026, 3, 16, i % 20, tzinfo=UTC) + timedelta(days=i % 5),
            end=datetime(2026, 3, 16, i % 20, 30, tzinfo=UTC) + timedelta(days=i % 5),
            summary="Stand-up",
        )
        for i in range(1, OCCURRENCES)
    )
    return event


def with_text_of(event: Event, size: int) -> None:
    padding = "X-PADDING:" + "x" * size + "\r\n"
    Event.objects.filter(pk=event.pk).update(ics=event.ics.replace("END:VEVENT", padding + "END:VEVENT", 1))


@pytest.fixture(params=["week", "portal"])
def page(request, client, acme, assistant, acme_user):
    if request.param == "week":
        login(client, assistant)
        return reverse("agenda_week", args=[acme.pk]) + "?on=2026-03-16"
    login(client, acme_user)
    return reverse("agenda_portal") + "?on=2026-03-16"


def test_the_page_does_not_select_the_ics_column(client, busy_week, page):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page)
    assert response.status_code == 200 and response.content.decode().count("Stand-up") >= OCCURRENCES
    reading = [q["sql"] for q in queries if '"agenda_event"."ics"' in q["sql"]]
    assert reading == []


def peak_of(client, url: str) -> int:
    client.get(url)  # warm up: templates, translations, URL resolvers
    tracemalloc.start()
    try:
        client.get(url)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_peak_memory_does_not_grow_with_the_event_text(client, busy_week, page):
    with_text_of(busy_week, 1024)
    small = peak_of(client, page)
    with_text_of(busy_week, 5 * 1024 * 1024)
    large = peak_of(client, page)
    # Reading the text once would add 5 MB; per occurrence, 100 MB.
    assert large - small < 1024 * 1024, (small, large)
