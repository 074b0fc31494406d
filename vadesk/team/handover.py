"""Handover notes, generated, not typed (issue 14 point 6).

An approved absence of `TeamSettings.handover_note_days` calendar days or more (default 3) drafts one note per
client of the absent person (on its team, or with an open task of theirs): open tasks, tasks waiting for the
client, appointments in the period, pinned dossier facts, open follow-ups and hours left per engagement. The
draft keeps facts (ids, keys, dates), not sentences, so that each reader sees it in their own language. The
absent person adds their own lines; the backup (the first present member in the order of cover on the first
day; the owners when nobody is) acknowledges it, and the time is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Person
from vadesk.agenda.models import Occurrence, Party
from vadesk.clients.models import Client, DossierFact
from vadesk.comms.models import FollowUp
from vadesk.engagements.models import Engagement
from vadesk.tasks.models import Status, Task
from vadesk.tasks.routing import Rule
from vadesk.team.cover import clients_of, first_working_day
from vadesk.team.models import Absence, HandoverNote, TeamSettings
from vadesk.team.routing import absence_aware_route
from vadesk.timesheets.balances import balances_of

DEFAULT_DAYS = 3
MAX_OWN_LINES = 5000
SHOWN = 100  # per section: a note is read, not scrolled


def note_days(organisation_id: int) -> int:
    row = TeamSettings.objects.filter(organisation_id=organisation_id).only("handover_note_days").first()
    return row.handover_note_days if row else DEFAULT_DAYS


def needs_notes(absence: Absence) -> bool:
    days = (absence.end_date - absence.start_date).days + 1
    return absence.status == Absence.Status.APPROVED and days >= note_days(absence.organisation_id)


def handover_notes_draft(*, absence: Absence) -> list[HandoverNote]:
    """Draft the notes of a long approved absence; a client that has one keeps it (own lines, acknowledgement)."""
    if not needs_notes(absence):
        return []
    zone = ZoneInfo(absence.organisation.time_zone)
    first = datetime.combine(
        first_working_day(absence.start_date, absence.organisation.country), time(12, 0), tzinfo=zone
    )
    have = set(HandoverNote.objects.filter(absence=absence).values_list("client_id", flat=True))
    notes = []
    for client in clients_of(absence):
        if client.pk in have:
            continue
        route = absence_aware_route(client=client, category="", at=first)
        backup = route.people[0] if route.rule != Rule.OWNERS and route.people else None
        notes.append(HandoverNote(absence=absence, client=client, backup=backup, draft=draft_for(absence, client)))
    return HandoverNote.objects.bulk_create(notes)


def draft_for(absence: Absence, client: Client) -> dict[str, Any]:
    zone = ZoneInfo(absence.organisation.time_zone)
    start = datetime.combine(absence.start_date, time.min, tzinfo=zone)
    end = datetime.combine(absence.end_date + timedelta(days=1), time.min, tzinfo=zone)
    tasks = list(Task.objects.open().filter(client=client).order_by("due_at", "-priority", "id")[: SHOWN * 2])
    occurrences = (
        Occurrence.objects.filter(
            calendar__party__kind=Party.Kind.CLIENT,
            calendar__party__client=client,
            event__deleted=False,
            start__lt=end,
            end__gt=start,
        )
        .exclude(status="CANCELLED")
        .select_related("event")
        .order_by("start")[:SHOWN]
    )
    facts = DossierFact.objects.filter(client=client, pinned=True).order_by("-noted_on", "-id")[:SHOWN]
    follow_ups = FollowUp.objects.filter(client=client, done_at=None).order_by("due_at", "id")[:SHOWN]
    engagements = list(Engagement.objects.active().filter(client=client).order_by("name", "pk"))
    balances = balances_of(engagements, absence.start_date)

    def task_line(task: Task) -> dict[str, Any]:
        due = task.due_at.astimezone(zone).date().isoformat() if task.due_at else ""
        return {"id": task.pk, "title": task.title, "status": task.status, "due": due}

    return {
        "tasks": [task_line(t) for t in tasks if t.status != Status.WAITING][:SHOWN],
        "waiting": [task_line(t) for t in tasks if t.status == Status.WAITING][:SHOWN],
        "appointments": [
            {
                "start": o.start.isoformat(),
                "all_day": o.kind != Occurrence.Kind.FIXED,
                "summary": o.summary or o.event.summary,
            }
            for o in occurrences
        ],
        "facts": [{"topic": f.topic, "text": f.text} for f in facts],
        "follow_ups": [{"text": f.text, "due": f.due_at.astimezone(zone).date().isoformat()} for f in follow_ups],
        "hours": [{"name": e.name, "remaining": balances[e.pk].remaining} for e in engagements],
    }


def may_acknowledge(person: Person, note: HandoverNote) -> bool:
    """The backup; an owner when the note has none (nobody on the team was there)."""
    if note.backup_id is not None:
        return note.backup_id == person.pk
    return note.absence.organisation_id in reach_of(person).owner_of


@transaction.atomic
def handover_note_write(*, by: Person, note: HandoverNote, own_lines: str) -> HandoverNote:
    """The absent person adds their own lines for the backup."""
    note = HandoverNote.objects.select_for_update().select_related("absence").get(pk=note.pk)
    if by.pk != note.absence.person_id:
        raise PermissionDenied(_("Only the person who is away adds their own lines to this note."))
    text = str(own_lines).strip()
    if len(text) > MAX_OWN_LINES:
        raise ValidationError(
            {"own_lines": _("Your notes are at most %(max)d characters long.") % {"max": MAX_OWN_LINES}}
        )
    note.own_lines = text
    note.save(update_fields=["own_lines", "updated_at"])
    return note


@transaction.atomic
def handover_note_acknowledge(*, by: Person, note: HandoverNote) -> HandoverNote:
    """The backup confirms they have read it; the time is kept (once: a second click changes nothing)."""
    note = HandoverNote.objects.select_for_update().select_related("absence").get(pk=note.pk)
    if not may_acknowledge(by, note):
        raise PermissionDenied(_("Only the backup who covers this client acknowledges the note."))
    if note.acknowledged_at is None:
        note.acknowledged_by = by
        note.acknowledged_at = timezone.now()
        note.save(update_fields=["acknowledged_by", "acknowledged_at", "updated_at"])
    return note


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    lines: list[str]


def _hours(minutes: int | None) -> str:
    if minutes is None:
        return _("no limit (by the hour)")
    return _("%(hours)s h left") % {"hours": formats.number_format(Decimal(minutes) / 60, 1)}


def _day(text: str) -> str:
    return formats.date_format(date.fromisoformat(text), "SHORT_DATE_FORMAT") if text else ""


def _task(line: dict[str, Any]) -> str:
    status = Status(line["status"]).label if line["status"] in Status.values else line["status"]
    due = _("due %(date)s") % {"date": _day(line["due"])} if line["due"] else _("no due date")
    return f"{line['title']} · {status} · {due}"


def _appointment(line: dict[str, Any], zone: ZoneInfo) -> str:
    start = datetime.fromisoformat(line["start"])
    if line.get("all_day"):
        return f"{formats.date_format(start.date(), 'SHORT_DATE_FORMAT')} · {line['summary']}"
    return f"{formats.date_format(start.astimezone(zone), 'SHORT_DATETIME_FORMAT')} · {line['summary']}"


def sections(note: HandoverNote) -> list[Section]:
    """The draft in the reader's language, section by section (an empty one says so)."""
    draft = note.draft
    zone = ZoneInfo(note.absence.organisation.time_zone)
    topics = dict(DossierFact.Topic.choices)
    return [
        Section("tasks", _("Open tasks"), [_task(t) for t in draft.get("tasks", [])]),
        Section("waiting", _("Waiting for the client"), [_task(t) for t in draft.get("waiting", [])]),
        Section(
            "appointments",
            _("Appointments during the absence"),
            [_appointment(a, zone) for a in draft.get("appointments", [])],
        ),
        Section(
            "facts",
            _("Pinned dossier facts"),
            [f"{topics.get(f['topic'], f['topic'])}: {f['text']}" for f in draft.get("facts", [])],
        ),
        Section(
            "follow_ups",
            _("Open follow-ups"),
            [f"{f['text']} · {_('due %(date)s') % {'date': _day(f['due'])}}" for f in draft.get("follow_ups", [])],
        ),
        Section(
            "hours",
            _("Hours left per engagement"),
            [f"{h['name']}: {_hours(h['remaining'])}" for h in draft.get("hours", [])],
        ),
    ]
