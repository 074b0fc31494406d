"""Writes on profiles, work patterns and absences. Each authorises `by` and validates before saving."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Membership, Organisation, Person
from vadesk.clients.models import Assignment, Client
from vadesk.clients.services import client_team_set
from vadesk.lib.formatting import format_day
from vadesk.team import matching
from vadesk.team.capacity import subdivisions
from vadesk.team.handover import handover_notes_draft
from vadesk.team.jobs import coverage_check_job, covers_refresh_job
from vadesk.team.models import (
    WEEKDAY_KEYS,
    Absence,
    ClientNeeds,
    HolidayCountry,
    Interest,
    Profile,
    TeamSettings,
    WorkPattern,
)

MAX_ABSENCE_DAYS = 366
MAX_SKILLS = 50
MAX_SECTORS = 20


def is_owner(person: Person, organisation_id: int) -> bool:
    return organisation_id in reach_of(person).owner_of


def check_self_or_owner(by: Person, organisation: Organisation, person: Person) -> None:
    """The owner changes anyone's; an assistant only their own."""
    reach = reach_of(by)
    if organisation.pk in reach.owner_of:
        return
    if organisation.pk in reach.assistant_in and by.pk == person.pk:
        return
    raise PermissionDenied(_("Only an owner, or the assistant themself, can do this."))


def check_team_member(organisation: Organisation, person: Person) -> None:
    if not Membership.objects.filter(
        organisation=organisation,
        person=person,
        is_active=True,
        role__in=[Membership.Role.OWNER, Membership.Role.ASSISTANT],
    ).exists():
        raise ValidationError(_("%(person)s is not on this organisation's staff.") % {"person": person})


def profile_of(organisation: Organisation, person: Person) -> Profile:
    """The person's profile, made empty on first use (a read, not a service: it authorises nothing)."""
    profile, _created = Profile.objects.get_or_create(organisation=organisation, person=person)
    return profile


def _clean_skills(value: Any) -> dict[str, int]:
    if not isinstance(value, dict) or len(value) > MAX_SKILLS:
        raise ValidationError({"skills": _("At most %(max)d skills, each a name with a level.") % {"max": MAX_SKILLS}})
    out: dict[str, int] = {}
    for name, level in value.items():
        key = str(name).strip()
        if not key or len(key) > 40:
            raise ValidationError({"skills": _("A skill needs a name of at most 40 characters.")})
        if isinstance(level, bool) or not isinstance(level, int) or level not in matching.SKILL_LEVELS:
            raise ValidationError({"skills": _("The level of %(skill)s must be 1 to 5.") % {"skill": key}})
        out[key] = level
    return out


def _clean_languages(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or len(value) > 20:
        raise ValidationError({"languages": _("At most 20 languages, each with a level.")})
    out: dict[str, str] = {}
    for code, level in value.items():
        key = str(code).strip().lower()
        if not key.isalpha() or not 2 <= len(key) <= 3:
            raise ValidationError({"languages": _("%(code)r is not a language code such as nl.") % {"code": code}})
        if level not in matching.LANGUAGE_LEVELS:
            raise ValidationError(
                {"languages": _("The level of %(code)s must be native, fluent, working or basic.") % {"code": key}}
            )
        out[key] = level
    return out


def _clean_sectors(value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_SECTORS:
        raise ValidationError({"sectors": _("At most %(max)d sectors.") % {"max": MAX_SECTORS}})
    out = []
    for sector in value:
        name = str(sector).strip()
        if not name or len(name) > 40:
            raise ValidationError({"sectors": _("A sector needs a name of at most 40 characters.")})
        if name not in out:
            out.append(name)
    return out


@transaction.atomic
def profile_update(*, by: Person, organisation: Organisation, person: Person, **fields: Any) -> Profile:
    check_self_or_owner(by, organisation, person)
    check_team_member(organisation, person)
    profile = profile_of(organisation, person)
    cleaners = {"skills": _clean_skills, "languages": _clean_languages, "sectors": _clean_sectors}
    allowed = {*cleaners, "region", "holiday_country", "holiday_subdivision", "target_utilisation"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("Unknown profile fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(profile, name, cleaners[name](value) if name in cleaners else value)
    if profile.holiday_subdivision:
        profile.holiday_subdivision = profile.holiday_subdivision.strip()
        if profile.holiday_subdivision not in subdivisions(profile.holiday_country):
            raise ValidationError(
                {
                    "holiday_subdivision": _("%(code)s is not a region of %(country)s.")
                    % {"code": profile.holiday_subdivision, "country": HolidayCountry(profile.holiday_country).label}
                }
            )
    if not 0 <= int(profile.target_utilisation) <= 100:
        raise ValidationError({"target_utilisation": _("The target utilisation is a percentage, 0 to 100.")})
    profile.full_clean()
    profile.save()
    return profile


def _clean_days(days: Any) -> dict[str, list[str]]:
    if not isinstance(days, dict):
        raise ValidationError({"days": _("Working hours are given per weekday.")})
    out: dict[str, list[str]] = {}
    for key, span in days.items():
        if key not in WEEKDAY_KEYS:
            raise ValidationError({"days": _("%(day)r is not a weekday (mon … sun).") % {"day": key}})
        if not span:
            continue
        if isinstance(span, list | tuple) and len(span) == 2 and str(span[1]).startswith("24"):
            raise ValidationError({"days": _("%(day)s: a working day ends by 23:59.") % {"day": key}})
        try:
            start_text, end_text = span
            start, end = time.fromisoformat(str(start_text)), time.fromisoformat(str(end_text))
        except (TypeError, ValueError):
            raise ValidationError(
                {"days": _("%(day)s: give a start and an end such as 09:00–15:00.") % {"day": key}}
            ) from None
        if end <= start:
            raise ValidationError({"days": _("%(day)s: the end must come after the start.") % {"day": key}})
        out[key] = [start.strftime("%H:%M"), end.strftime("%H:%M")]
    return out


def _hours_per_day_check(days: Any) -> None:
    """More than 24 hours in one day: refused by name (a list of several spans, or hours as numbers)."""
    if isinstance(days, dict):
        for key, span in days.items():
            if isinstance(span, int | float | Decimal) and not isinstance(span, bool) and span > 24:
                raise ValidationError({"days": _("%(day)s: a day has at most 24 working hours.") % {"day": key}})


@transaction.atomic
def work_pattern_set(
    *, by: Person, organisation: Organisation, person: Person, valid_from: date, days: Any
) -> WorkPattern:
    """The hours per weekday from `valid_from` on (replaces a pattern starting on the same day)."""
    check_self_or_owner(by, organisation, person)
    check_team_member(organisation, person)
    _hours_per_day_check(days)
    clean = _clean_days(days)
    profile = profile_of(organisation, person)
    pattern, _created = WorkPattern.objects.update_or_create(
        profile=profile, valid_from=valid_from, defaults={"days": clean}
    )
    return pattern


def _closed_until(organisation: Organisation) -> date | None:
    row = TeamSettings.objects.filter(organisation=organisation).first()
    return row.absences_closed_until if row else None


def _clean_hours(part: str, hours: Any) -> Decimal | None:
    if part != Absence.Part.HOURS:
        return None
    try:
        value = Decimal(str(hours))
    except (InvalidOperation, ValueError):
        raise ValidationError({"hours": _("Give the hours of absence per day, e.g. 2.5.")}) from None
    if not value.is_finite() or not Decimal("0.25") <= value <= 24:
        raise ValidationError({"hours": _("Hours of absence per day are between 0.25 and 24.")})
    return value.quantize(Decimal("0.01"))


def _check_dates(organisation: Organisation, start: date, end: date) -> None:
    if end < start:
        raise ValidationError({"end_date": _("The absence ends before it starts.")})
    if (end - start).days >= MAX_ABSENCE_DAYS:
        raise ValidationError({"end_date": _("One absence lasts at most a year; register longer ones in parts.")})
    closed = _closed_until(organisation)
    if closed is not None and start <= closed:
        raise ValidationError(
            {"start_date": _("Absences up to %(date)s are closed and can no longer change.") % {"date": closed}}
        )


def _check_overlap(absence: Absence) -> None:
    clash = (
        Absence.objects.standing()
        .overlapping(absence.start_date, absence.end_date)
        .filter(organisation_id=absence.organisation_id, person_id=absence.person_id)
        .exclude(pk=absence.pk)
    )
    halves = {Absence.Part.MORNING, Absence.Part.AFTERNOON}
    for other in clash:
        # A morning and an afternoon on the same single day may both stand.
        single = absence.start_date == absence.end_date == other.start_date == other.end_date
        if single and {absence.part, other.part} == halves:
            continue
        raise ValidationError(
            _("This overlaps an absence from %(start)s to %(end)s.")
            % {"start": format_day(other.start_date), "end": format_day(other.end_date)}
        )


@transaction.atomic
def absence_request(
    *,
    by: Person,
    organisation: Organisation,
    person: Person,
    kind: str,
    start_date: date,
    end_date: date,
    part: str = Absence.Part.WHOLE,
    hours: Any = None,
    note: str = "",
    open_work: str = Absence.OpenWork.COVER,
) -> Absence:
    """Register an absence. An owner's registration, or a solo VA's own, needs no approval."""
    check_self_or_owner(by, organisation, person)
    check_team_member(organisation, person)
    # Serialise requests of one person, so two overlapping requests cannot both pass the check.
    Membership.objects.select_for_update().filter(organisation=organisation, person=person).exists()
    if kind not in Absence.Kind.values:
        raise ValidationError({"kind": _("Choose holiday, sick, training or other.")})
    if part not in Absence.Part.values:
        raise ValidationError({"part": _("Choose whole days, a half day or hours.")})
    if open_work not in Absence.OpenWork.values:
        raise ValidationError({"open_work": _("Choose cover or hand over for your open tasks.")})
    _check_dates(organisation, start_date, end_date)
    absence = Absence(
        organisation=organisation,
        person=person,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        part=part,
        hours=_clean_hours(part, hours),
        note=str(note)[:300],
        open_work=open_work,
        requested_by=by,
    )
    if is_owner(by, organisation.pk) or organisation.kind == Organisation.Kind.SOLO:
        absence.status = Absence.Status.APPROVED
        absence.decided_by = by
        absence.decided_at = timezone.now()
    _check_overlap(absence)
    absence.full_clean()
    absence.save()
    if absence.status == Absence.Status.APPROVED:
        handover_notes_draft(absence=absence)
        _recheck_coverage(absence.organisation_id)
    return absence


def _recheck_coverage(organisation_id: int) -> None:
    """An absence that stands (or no longer does) changes who is there: check the coming days again, and move
    open work if it has started (or give it back), after commit."""
    transaction.on_commit(lambda: coverage_check_job.enqueue(organisation_id=organisation_id))
    transaction.on_commit(lambda: covers_refresh_job.enqueue(organisation_id=organisation_id))


@transaction.atomic
def absence_decide(*, by: Person, absence: Absence, approve: bool) -> Absence:
    """An owner approves or rejects a requested absence; an assistant never decides on their own."""
    absence = Absence.objects.select_for_update().get(pk=absence.pk)
    if not is_owner(by, absence.organisation_id):
        if by.pk == absence.person_id:
            raise PermissionDenied(_("You cannot approve your own absence; an owner does."))
        raise PermissionDenied(_("Only an owner of the organisation can do this."))
    if absence.status != Absence.Status.REQUESTED:
        raise ValidationError(_("This absence has already been decided on."))
    _check_dates(absence.organisation, absence.start_date, absence.end_date)
    absence.status = Absence.Status.APPROVED if approve else Absence.Status.REJECTED
    absence.decided_by = by
    absence.decided_at = timezone.now()
    absence.save(update_fields=["status", "decided_by", "decided_at"])
    if approve:
        handover_notes_draft(absence=absence)
        _recheck_coverage(absence.organisation_id)
    return absence


@transaction.atomic
def absence_cancel(*, by: Person, absence: Absence) -> Absence:
    absence = Absence.objects.select_for_update().get(pk=absence.pk)
    check_self_or_owner(by, absence.organisation, absence.person)
    if absence.status not in (Absence.Status.REQUESTED, Absence.Status.APPROVED):
        raise ValidationError(_("This absence no longer stands."))
    _check_dates(absence.organisation, absence.start_date, absence.end_date)
    was_approved = absence.status == Absence.Status.APPROVED
    absence.status = Absence.Status.CANCELLED
    absence.save(update_fields=["status"])
    if was_approved:
        _recheck_coverage(absence.organisation_id)
    return absence


@transaction.atomic
def absences_close(*, by: Person, organisation: Organisation, until: date) -> TeamSettings:
    if not is_owner(by, organisation.pk):
        raise PermissionDenied(_("Only an owner of the organisation can do this."))
    row, _created = TeamSettings.objects.update_or_create(
        organisation=organisation, defaults={"absences_closed_until": until}
    )
    return row


@transaction.atomic
def handover_note_days_set(*, by: Person, organisation: Organisation, days: Any) -> TeamSettings:
    """From how many calendar days of absence on a handover note is drafted per client."""
    if not is_owner(by, organisation.pk):
        raise PermissionDenied(_("Only an owner of the organisation can do this."))
    try:
        value = int(str(days))
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_ABSENCE_DAYS:
        raise ValidationError(
            {"handover_note_days": _("Give a number of days from 1 to %(max)d.") % {"max": MAX_ABSENCE_DAYS}}
        )
    row, _created = TeamSettings.objects.update_or_create(
        organisation=organisation, defaults={"handover_note_days": value}
    )
    return row


@transaction.atomic
def client_needs_set(*, by: Person, client: Any, **fields: Any) -> ClientNeeds:
    """What the client's team must offer (skills needed, sector, hours a week, team size, on-site, region)."""
    if not is_owner(by, client.organisation_id):
        raise PermissionDenied(_("Only an owner of the organisation can do this."))
    row = ClientNeeds.objects.filter(client=client).first() or ClientNeeds(client=client)
    allowed = {"needs", "sector", "hours_per_week", "team_size", "on_site", "region"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if "needs" in fields:
        try:
            fields["needs"] = _clean_skills(fields["needs"])
        except ValidationError as exc:
            raise ValidationError({"needs": exc.messages}) from None
    for name, value in fields.items():
        setattr(row, name, value)
    if not 1 <= int(row.team_size) <= 10:
        raise ValidationError({"team_size": _("A team has 1 to 10 members.")})
    if Decimal(row.hours_per_week) < 0 or Decimal(row.hours_per_week) > 168:
        raise ValidationError({"hours_per_week": _("Expected hours per week are between 0 and 168.")})
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def team_ask(*, by: Person, client: Any, people: list[Person]) -> list[Interest]:
    """Ask assistants "who would like this client?"; an earlier answer stays until they answer again."""
    if not is_owner(by, client.organisation_id):
        raise PermissionDenied(_("Only an owner of the organisation can do this."))
    if not people:
        raise ValidationError(_("Choose at least one assistant to ask."))
    asked = []
    for person in people:
        check_team_member(client.organisation, person)
        row, _created = Interest.objects.get_or_create(client=client, person=person, defaults={"asked_by": by})
        asked.append(row)
    return asked


@transaction.atomic
def interest_answer(*, by: Person, interest: Interest, answer: str, note: str = "") -> Interest:
    """The asked assistant answers yes / maybe / no, with a note."""
    if interest.person_id != by.pk:
        raise PermissionDenied(_("Only the assistant who was asked can answer."))
    if answer not in (Interest.Answer.YES, Interest.Answer.MAYBE, Interest.Answer.NO):
        raise ValidationError({"answer": _("Answer yes, maybe or no.")})
    interest.answer = answer
    interest.note = str(note).strip()[:300]
    interest.answered_at = timezone.now()
    interest.save(update_fields=["answer", "note", "answered_at"])
    return interest


def team_batch_assign(*, by: Person, proposal: dict[int, list[int]], seen: dict[int, set[int]]) -> list[Client]:
    """Save a batch proposal (issue 14 point 7): each client's team gains its proposed members, all or none.

    `proposal` is client id → the proposed members, best score first; `seen` is client id → the members the
    client had when the teams were proposed. Whoever is on a team stays, with their role and place in the
    order of cover; the best proposed members join after them up to the team size the client's needs ask for
    (the first as lead when the team has none), through
    `client_team_set`, the *Team* page's service, which starts their onboarding. When a client's team changed
    since the proposal the whole batch is refused and nothing is saved."""
    with transaction.atomic():
        # The clients' rows are locked, so that two owners saving at once are told the second one is stale.
        clients = list(Client.objects.select_for_update().filter(pk__in=proposal).order_by("pk"))
        sizes = dict(ClientNeeds.objects.filter(client__in=clients).values_list("client_id", "team_size"))
        if len(clients) != len(proposal) or set(seen) != set(proposal):
            raise ValidationError(_("Propose the teams again: a client is no longer there."))
        for client in clients:
            if not is_owner(by, client.organisation_id):
                raise PermissionDenied(_("Only an owner of the organisation can do this."))
            team = list(client.assignments.in_cover_order())
            if {a.person_id for a in team} != seen[client.pk]:
                raise ValidationError(
                    _("The team of %(client)s changed after the teams were proposed; nothing was saved. Propose again.")
                    % {"client": client.name}
                )
            roles = {a.person_id: a.role for a in team}
            order = {a.person_id: n for n, a in enumerate(team, start=1)}
            # A team that was too small gains the best proposed members up to its size, never beyond it.
            size = max(1, sizes.get(client.pk, len(proposal[client.pk])))
            for person_id in proposal[client.pk]:
                if person_id in roles:
                    continue
                if len(roles) >= size:
                    break
                lead = Assignment.Role.LEAD not in roles.values()
                roles[person_id] = Assignment.Role.LEAD if lead else Assignment.Role.BACKUP
                order[person_id] = len(order) + 1
            client_team_set(by=by, client=client, roles=roles, order=order)
    return clients
