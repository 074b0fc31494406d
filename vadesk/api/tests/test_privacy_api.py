"""Privacy: a client user reading the API gets their own client's work and nothing the team keeps internal.

Every GET operation of the OpenAPI document is called as acme's client user, its path filled with acme's
objects, after internal comments, dossier facts and follow-ups were written with marker strings.
"""

import re

import pytest

from vadesk.agenda.models import Calendar
from vadesk.agenda.parties import client_party
from vadesk.api.main import api
from vadesk.conftest import leaked

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme_ids(acme, task, bundle, internal_notes, assistant):
    from django.utils import timezone

    from vadesk.clients.models import DossierFact
    from vadesk.timesheets.services import time_entry_log

    entry = time_entry_log(by=assistant, engagement=bundle, task=task, work_date=timezone.localdate(), minutes=30)
    calendar = Calendar.objects.create(party=client_party(acme), name="Work", source=Calendar.Source.LOCAL)
    return {
        "client_id": acme.pk,
        "task_id": task.pk,
        "engagement_id": bundle.pk,
        "entry_id": entry.pk,
        "fact_id": DossierFact.objects.get(client=acme).pk,
        "calendar_id": calendar.pk,
        "organisation_id": acme.organisation_id,
    }


def get_paths(ids):
    """The path of every GET operation, filled with acme's ids; an id this test does not know stays out."""
    for path, operations in api.get_openapi_schema()["paths"].items():
        if "get" not in operations:
            continue
        names = re.findall(r"{(\w+)}", path)
        if all(name in ids for name in names):
            yield path.removeprefix("/api/v1").format(**ids)


def test_no_get_operation_gives_a_client_user_anything_internal(api_as, acme_user, acme_ids, task):
    client_api = api_as(acme_user)
    paths = list(get_paths(acme_ids))
    assert len(paths) >= 15, paths  # the walk reaches the whole read side
    for path in paths:
        response = client_api.get(path, {"start": "2026-01-01T00:00:00Z", "end": "2026-12-31T00:00:00Z"})
        assert leaked(response.content) == [], (path, response.status_code)
    comments = client_api.get(f"/tasks/{task.pk}/comments").content.decode()
    assert "Welke datum past u het best?" in comments  # positive control: the client's own thread is there
