"""Joining a client's team (issue 14.8): a checklist for the newcomer and a handover request to the lead.

Registered on `clients.team_joined` in `TeamConfig.ready()`, so it runs in the transaction that saves the team:
1. each person new on the team gets an onboarding task, assigned to them: an introduction meeting with the
   client (booked through the agenda, linked), reading the dossier (linked), and a visit to the office when
   the client's needs say on-site work is expected;
2. the client's lead (the first lead in the order of cover who is not new on the team) gets a task to write
   a handover note for the newcomers: what the first months taught.
Texts are in the language of the person the task is for. A team saved again without newcomers makes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vadesk.accounts.models import Person
from vadesk.clients.models import Assignment, Client
from vadesk.tasks.models import Category, Task
from vadesk.tasks.open_work import open_work_batch
from vadesk.tasks.routing import staff_team
from vadesk.tasks.services import task_create
from vadesk.team.models import ClientNeeds

ONBOARDING_DAYS = 7  # the checklist is due a week after joining
HANDOVER_DAYS = 5


def on_team_joined(*, client: Client, people: list[Person], by: Person) -> None:
    onboarding_start(client=client, people=people, by=by)


def onboarding_start(*, client: Client, people: list[Person], by: Person) -> list[Task]:
    """The onboarding task of each newcomer and the lead's handover task; returns them, newcomers first."""
    needs = ClientNeeds.objects.filter(client=client).first()
    with transaction.atomic(), open_work_batch():
        tasks = [_checklist_task(client, person, by, needs) for person in people]
        newcomers = {p.pk for p in people}
        lead = next(
            (a.person for a in staff_team(client) if a.role == Assignment.Role.LEAD and a.person_id not in newcomers),
            None,
        )
        if lead is not None:
            tasks.append(_handover_task(client, lead, people, by))
    return tasks


def _checklist_task(client: Client, person: Person, by: Person, needs: ClientNeeds | None) -> Task:
    with translation.override(person.language):
        checklist = [
            _("Introduction meeting with %(client)s: book it through the agenda (%(link)s)")
            % {"client": client.name, "link": reverse("agenda_book", args=[client.pk])},
            _("Read the dossier of %(client)s (%(link)s)")
            % {"client": client.name, "link": reverse("client_detail", args=[client.pk])},
        ]
        if needs is not None and needs.on_site:
            where = f" ({needs.region})" if needs.region else ""
            checklist.append(_("Visit the office: on-site work is expected%(where)s") % {"where": where})
        title = _("Welcome to the team of %(client)s: get to know the client") % {"client": client.name}
        description = _("You joined the team of %(client)s. Tick each step off when it is done.") % {
            "client": client.name
        }
    return task_create(
        by=by,
        client=client,
        title=title[:200],
        description=description,
        category=Category.OTHER,
        due_at=timezone.now() + timedelta(days=ONBOARDING_DAYS),
        assignees=[person],
        checklist=checklist,
    )


def _handover_task(client: Client, lead: Person, people: list[Person], by: Person) -> Task:
    names = ", ".join(str(p) for p in people)
    with translation.override(lead.language):
        title = _("Handover note on %(client)s for %(names)s") % {"client": client.name, "names": names}
        description = _(
            "%(names)s joined the team of %(client)s. Write down what you learned in the first months: how the "
            "client likes to work, who is who, the recurring work, what to watch out for. Put it in the dossier "
            "or as a comment here."
        ) % {"names": names, "client": client.name}
    return task_create(
        by=by,
        client=client,
        title=title[:200],
        description=description,
        category=Category.OTHER,
        due_at=timezone.now() + timedelta(days=HANDOVER_DAYS),
        assignees=[lead],
    )
