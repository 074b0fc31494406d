"""The client portal's appointments: the client's own calendars, a week at a time, and nobody else's."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from vadesk.agenda.models import Calendar, Party
from vadesk.agenda.parties import assistant_party, client_party
from vadesk.agenda.services import booking_cancel, booking_create
from vadesk.api.tests.conftest import globex, globex_user  # noqa: F401 (fixtures)
from vadesk.conftest import login


@pytest.fixture(autouse=True)
def _march_2026(time_machine):
    time_machine.move_to(datetime(2026, 3, 17, 8, tzinfo=UTC), tick=True)


@pytest.fixture
def agenda(acme, acme_calendar, assistant):
    booking_create(
        by=assistant,
        calendar=acme_calendar,
        start=datetime(2026, 3, 18, 9, tzinfo=UTC),
        end=datetime(2026, 3, 18, 10, tzinfo=UTC),
        summary="Board meeting",
        location="Utrecht",
        send=False,
    )
    dropped = booking_create(
        by=assistant,
        calendar=acme_calendar,
        start=datetime(2026, 3, 19, 9, tzinfo=UTC),
        end=datetime(2026, 3, 19, 10, tzinfo=UTC),
        summary="Dropped call",
        send=False,
    )
    booking_cancel(by=assistant, event=dropped, send=False)
    booking_create(
        by=assistant,
        calendar=acme_calendar,
        start=datetime(2026, 3, 26, 9, tzinfo=UTC),
        end=datetime(2026, 3, 26, 10, tzinfo=UTC),
        summary="Next week's review",
        send=False,
    )
    own = Calendar.objects.create(party=assistant_party(assistant, acme.organisation), name="Mine")
    booking_create(
        by=assistant,
        calendar=own,
        start=datetime(2026, 3, 18, 12, tzinfo=UTC),
        end=datetime(2026, 3, 18, 13, tzinfo=UTC),
        summary="Assistant's dentist",
        send=False,
    )
    outside = Party.objects.create(organisation=acme.organisation, client=acme, kind=Party.Kind.EXTERNAL, name="Jan")
    supplier = Calendar.objects.create(party=outside, name="Jan's", source=Calendar.Source.LOCAL)
    booking_create(
        by=assistant,
        calendar=supplier,
        start=datetime(2026, 3, 18, 14, tzinfo=UTC),
        end=datetime(2026, 3, 18, 15, tzinfo=UTC),
        summary="Supplier's private appointment",
        send=False,
    )
    return acme_calendar


def test_the_client_sees_their_own_appointments_by_week(client, acme_user, agenda):
    login(client, acme_user)
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("agenda_portal") in home
    page = client.get(reverse("agenda_portal")).content.decode()
    assert "Board meeting" in page and "10:00–11:00" in page and "Utrecht" in page  # 09:00Z in Amsterdam
    assert "<s>Dropped call</s>" in page
    assert (
        "Assistant's dentist" not in page
        and "Supplier&#x27;s private appointment" not in page
        and "Supplier's" not in page
    )
    assert "Next week" not in page
    following = client.get(reverse("agenda_portal") + "?on=2026-03-23").content.decode()
    assert "Next week&#x27;s review" in following and "Board meeting" not in following


def test_another_clients_user_sees_nothing_of_it(client, globex_user, agenda, globex):
    client_party(globex)
    login(client, globex_user)
    page = client.get(reverse("agenda_portal")).content.decode()
    for secret in ("Board meeting", "Dropped call", "dentist", "Supplier"):
        assert secret not in page
    assert page.count('<td colspan="3" class="muted small">') == 7  # seven empty days


@pytest.mark.parametrize("who", ["assistant", "owner", "outsider"])
def test_staff_do_not_get_the_portal_page(who, request, client, agenda):
    login(client, request.getfixturevalue(who))
    assert client.get(reverse("agenda_portal")).status_code == 403
