"""Handover notes drafted for a long absence, the absent person's lines, the backup's acknowledgement, the pages
(nl/de/en, outsiders), the cover on the backup's today page and in the client's portal."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from vadesk.agenda.models import Calendar, Event, Occurrence
from vadesk.agenda.parties import client_party
from vadesk.clients.models import DossierFact
from vadesk.comms.models import FollowUp
from vadesk.tasks.models import Status, Task
from vadesk.team.cover import covers_refresh
from vadesk.team.handover import (
    handover_note_acknowledge,
    handover_note_write,
    handover_notes_draft,
    note_days,
    sections,
)
from vadesk.team.models import Absence, HandoverNote, TeamSettings
from vadesk.team.services import absence_decide, absence_request, handover_note_days_set

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 12, 3)
START, END = date(2026, 12, 7), date(2026, 12, 14)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=AMS), tick=False):
        yield


def away(org, by, person, *, start=START, end=END, kind="sick"):
    return absence_request(by=by, organisation=org, person=person, kind=kind, start_date=start, end_date=end)


@pytest.fixture
def dossier(acme, team, bundle):
    """Acme's open work of all kinds, and things that must not be in the note."""
    tasks = {}
    for title, status, who in [
        ("Book the trip", Status.NEW, "a"),
        ("Plan the board", Status.IN_PROGRESS, "c"),  # another member's: still the client's open work
        ("Signed contract?", Status.WAITING, "a"),
        ("Old invoice run", Status.DONE, "a"),
    ]:
        task = Task.objects.create(client=acme, title=title, status=status)
        task.assignees.set([team[who]])
        tasks[title] = task
    calendar = Calendar.objects.create(party=client_party(acme), name="Acme", source=Calendar.Source.LOCAL)
    for summary, day in [("Board meeting", 9), ("After the absence", 20)]:
        event = Event.objects.create(calendar=calendar, uid=f"{day}@acme", ics="", summary=summary)
        start = datetime(2026, 12, day, 10, 0, tzinfo=AMS)
        Occurrence.objects.create(
            calendar=calendar, event=event, recurrence_id="", start=start, end=start + timedelta(hours=1)
        )
    DossierFact.objects.create(client=acme, text="Door code 4711", pinned=True, topic="location")
    DossierFact.objects.create(client=acme, text="Not pinned", pinned=False)
    due = datetime(2026, 12, 10, 9, 0, tzinfo=AMS)
    FollowUp.objects.create(client=acme, text="Ask about the move", due_at=due)
    FollowUp.objects.create(client=acme, text="Already asked", due_at=due, done_at=due)
    return tasks


def texts(note):
    return {s.key: s.lines for s in sections(note)}


def test_a_long_absence_drafts_a_note_with_everything_the_backup_needs(org, acme, owner, team, dossier):
    away(org, owner, team["a"])
    note = HandoverNote.objects.get()
    assert (note.client, note.backup) == (acme, team["b"])
    lines = texts(note)
    open_titles = [line.split(" · ")[0] for line in lines["tasks"] + lines["waiting"]]
    assert sorted(open_titles) == sorted(t.title for t in Task.objects.open().filter(client=acme))
    assert [line.split(" · ")[0] for line in lines["waiting"]] == ["Signed contract?"]
    assert [line.split(" · ")[1] for line in lines["appointments"]] == ["Board meeting"]
    assert lines["facts"] == ["Location & directions: Door code 4711"]
    assert [line.split(" · ")[0] for line in lines["follow_ups"]] == ["Ask about the move"]
    assert lines["hours"] == ["Strippenkaart 10 uur: 10.0 h left"]


def test_every_open_task_of_each_of_the_absent_persons_clients_is_in_their_note(org, acme, owner, team):
    """Anna leads Acme and backs up Beta; Gamma has no team with her but an open task of hers. Each client gets a
    note listing every one of its open tasks (whoever is on them), none of another client's, none closed."""
    from vadesk.clients.models import Assignment, Client

    beta = Client.objects.create(organisation=org, name="Beta B.V.", country="NL")
    gamma = Client.objects.create(organisation=org, name="Gamma GmbH", country="DE")
    Assignment.objects.create(client=beta, person=team["b"], role="lead", position=0)
    Assignment.objects.create(client=beta, person=team["a"], role="backup", position=1)
    expected = {}
    for client, rows in [
        (acme, [("Acme 1", Status.NEW, "a"), ("Acme 2", Status.PLANNED, "b"), ("Acme 3", Status.WAITING, "c")]),
        (beta, [("Beta 1", Status.IN_PROGRESS, "b"), ("Beta 2", Status.DONE, "a"), ("Beta 3", Status.NEW, "a")]),
        (gamma, [("Gamma 1", Status.NEW, "a"), ("Gamma 2", Status.CANCELLED, "a")]),
    ]:
        for title, status, who in rows:
            task = Task.objects.create(client=client, title=title, status=status)
            task.assignees.set([team[who]])
        expected[client.pk] = {t for t, status, _ in rows if status not in (Status.DONE, Status.CANCELLED)}
    away(org, owner, team["a"])
    notes = {n.client_id: n for n in HandoverNote.objects.all()}
    assert set(notes) == {acme.pk, beta.pk, gamma.pk}
    for client_id, titles in expected.items():
        draft = notes[client_id].draft
        assert {t["title"] for t in draft["tasks"] + draft["waiting"]} == titles, client_id


def test_a_short_absence_drafts_none_and_the_setting_changes_that(org, acme, owner, team):
    away(org, owner, team["a"], start=date(2026, 12, 7), end=date(2026, 12, 8))
    assert not HandoverNote.objects.exists()
    handover_note_days_set(by=owner, organisation=org, days=2)
    away(org, owner, team["a"], start=date(2026, 12, 10), end=date(2026, 12, 11))
    assert HandoverNote.objects.count() == 1


@pytest.mark.parametrize("days", ["0", "-1", "abc", "400"])
def test_a_bad_setting_is_refused_and_nothing_changes(org, owner, days):
    with pytest.raises(Exception, match="from 1 to 366"):
        handover_note_days_set(by=owner, organisation=org, days=days)
    assert note_days(org.pk) == 3
    assert not TeamSettings.objects.exists()


def test_a_request_drafts_on_approval_once(org, acme, owner, team):
    absence = away(org, team["a"], team["a"])
    assert absence.status == Absence.Status.REQUESTED and not HandoverNote.objects.exists()
    absence_decide(by=owner, absence=absence, approve=True)
    assert HandoverNote.objects.count() == 1
    absence.refresh_from_db()
    assert handover_notes_draft(absence=absence) == []
    assert HandoverNote.objects.count() == 1


def test_the_backup_is_the_next_present_one_in_the_chain(org, acme, owner, team):
    away(org, owner, team["b"], start=date(2026, 12, 4), end=date(2026, 12, 8))
    away(org, owner, team["a"])
    assert HandoverNote.objects.get(absence__person=team["a"]).backup == team["c"]


def test_nobody_present_leaves_it_to_the_owners(org, acme, owner, team):
    for key in "bc":
        away(org, owner, team[key], start=date(2026, 12, 1), end=date(2026, 12, 20))
    away(org, owner, team["a"])
    note = HandoverNote.objects.get(absence__person=team["a"])
    assert note.backup is None
    with pytest.raises(PermissionDenied):
        handover_note_acknowledge(by=team["b"], note=note)
    assert handover_note_acknowledge(by=owner, note=note).acknowledged_by == owner


def test_only_the_absent_person_writes_and_only_the_backup_acknowledges(org, acme, owner, team):
    away(org, owner, team["a"])
    note = HandoverNote.objects.get()
    with pytest.raises(PermissionDenied):
        handover_note_write(by=team["b"], note=note, own_lines="mine")
    with pytest.raises(PermissionDenied):
        handover_note_acknowledge(by=team["a"], note=note)
    handover_note_write(by=team["a"], note=note, own_lines="  Call Cees on Mondays only. ")
    done = handover_note_acknowledge(by=team["b"], note=note)
    first = done.acknowledged_at
    assert first is not None and handover_note_acknowledge(by=team["b"], note=note).acknowledged_at == first
    note.refresh_from_db()
    assert note.own_lines == "Call Cees on Mondays only."


def test_the_pages_write_acknowledge_and_show_the_time(client, org, acme, owner, team):
    away(org, owner, team["a"])
    note = HandoverNote.objects.get()
    url = reverse("team:handover", args=[note.pk])
    client.force_login(team["a"])
    assert client.post(url, {"action": "write", "own_lines": "Key under the mat"}).status_code == 302
    client.force_login(team["b"])
    page = client.get(url).content.decode()
    assert "Key under the mat" in page and "Sick" not in page
    client.post(url, {"action": "acknowledge"})
    page = client.get(url).content.decode()
    assert "Acknowledged by Bram Backup on 3 December 2026 09:00" in page
    # The backup cannot write the absent person's lines: refused by name, nothing changed.
    response = client.post(url, {"action": "write", "own_lines": "overwritten"}, follow=True)
    assert "Only the person who is away" in response.content.decode()
    note.refresh_from_db()
    assert note.own_lines == "Key under the mat"


@pytest.mark.parametrize(
    ("language", "heading", "waiting", "days"),
    [
        ("nl", "Resterende uren per opdracht", "Wacht op de klant", "van 7 december tot 14 december 2026"),
        ("de", "Verbleibende Stunden je Auftrag", "Wartet auf den Kunden", "7. Dezember bis 14. Dezember 2026"),
    ],
)
def test_the_note_is_in_the_readers_language(client, org, acme, owner, team, dossier, language, heading, waiting, days):
    away(org, owner, team["a"])
    team["b"].language = language
    team["b"].save(update_fields=["language"])
    client.force_login(team["b"])
    page = client.get(reverse("team:handover", args=[HandoverNote.objects.get().pk])).content.decode()
    assert heading in page and waiting in page
    assert days in page  # days written the way the language does ("7. Dezember", not "7 Dezember")


def test_outsiders_get_404_and_change_nothing(client, org, acme, owner, team, colleague, outsider, acme_user):
    away(org, owner, team["a"])
    note = HandoverNote.objects.get()
    url = reverse("team:handover", args=[note.pk])
    for who in (colleague, outsider, acme_user):
        client.force_login(who)
        for response in (client.get(url), client.post(url, {"action": "acknowledge"})):
            assert response.status_code in (302, 403, 404), who
    note.refresh_from_db()
    assert note.acknowledged_at is None


def test_the_backups_today_page_shows_the_cover_and_the_note(client, org, acme, owner, team):
    away(org, owner, team["a"], start=date(2026, 12, 1), end=date(2026, 12, 14))
    covers_refresh(organisation=org, today=TODAY)
    client.force_login(team["b"])
    page = client.get(reverse("today")).content.decode()
    assert "Covering" in page and "Acme B.V." in page and "for Anna, 1 December until 14 December 2026" in page
    assert reverse("team:handover", args=[HandoverNote.objects.get().pk]) in page
    client.force_login(team["c"])
    assert "Covering" not in client.get(reverse("today")).content.decode()


@pytest.mark.parametrize(
    ("language", "line", "kind"),
    [
        ("en", "Anna is away until 14 December; Bram helps you in the meantime.", "sick"),
        ("nl", "Anna is afwezig tot 14 december; Bram helpt u in de tussentijd.", "ziek"),
        ("de", "Anna ist bis 14 Dezember abwesend; Bram hilft Ihnen in der Zwischenzeit.", "krank"),
    ],
)
def test_the_client_sees_who_helps_until_when_never_the_type(
    client, org, acme, owner, team, acme_user, language, line, kind
):
    away(org, owner, team["a"], start=date(2026, 12, 1), end=date(2026, 12, 14))
    covers_refresh(organisation=org, today=TODAY)
    acme_user.language = language
    acme_user.save(update_fields=["language"])
    client.force_login(acme_user)
    page = client.get(reverse("portal:home")).content.decode()
    assert line in page
    assert kind not in page.lower()


def test_the_absences_page_links_the_notes(client, org, acme, owner, team):
    away(org, owner, team["a"])
    client.force_login(owner)
    page = client.get(reverse("team:absences")).content.decode()
    assert reverse("team:handover", args=[HandoverNote.objects.get().pk]) in page
    response = client.post(reverse("team:absences"), {"form": "handover_days", "handover_note_days": "0"})
    assert response.status_code == 200 and not TeamSettings.objects.exists()
    client.post(reverse("team:absences"), {"form": "handover_days", "handover_note_days": "5"})
    assert note_days(org.pk) == 5
