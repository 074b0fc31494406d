"""What a client must never read, field by field, on every channel the client has (issue 11, "Bad input and
safety"; the bug Zammad shipped): every portal page, the work-log exports, the monthly report's page and PDF, and
every GET operation of the API as the client's user.

One practice holds each kind of internal thing with a marker of its own: internal comments, dossier facts,
follow-ups, internal time notes, an absence's note, the hourly and excess rates (the organisation does not show
rates), another client of the same organisation and one of another organisation, and the name of an assistant
(the organisation shows "your team", no names), also as the owner who finalised an invoice issued in the client's
name. None may reach the client; a positive control shows each channel
carries the client's own work.
"""

import csv
import io
import json
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from vadesk.api.tests.conftest import api_as  # noqa: F401  (the API's token client)
from vadesk.api.tests.test_privacy_api import get_paths
from vadesk.clients.models import Client
from vadesk.conftest import INTERNAL_MARKERS, login
from vadesk.engagements.models import Engagement
from vadesk.invoicing.tests.conftest import seller  # noqa: F401  (the organisation's own seller profile)
from vadesk.invoicing.tests.test_behalf import _final, behalf  # noqa: F401  (acme issues invoices in its name)
from vadesk.portal.tests.test_privacy_portal import portal_pages, sent_report
from vadesk.reports.models import MonthlyReport
from vadesk.tasks.services import comment_add, task_create, task_transition
from vadesk.team.models import Absence
from vadesk.timesheets.consent import consent_ask_if_due
from vadesk.timesheets.models import WorkLogPolicy
from vadesk.timesheets.services import time_entry_log
from vadesk.timesheets.worklog import work_log_policy_set

pytestmark = pytest.mark.django_db

MARKERS = {
    **INTERNAL_MARKERS,
    "time_note": "ZQX-TIME-NOTE",
    "absence_note": "ZQX-ABSENCE-NOTE",
    "other_client": "ZQX Zusterbedrijf",
    "other_client_task": "ZQX-OTHER-TASK",
    "other_client_note": "ZQX-OTHER-CLIENT-NOTE",
    "other_organisation_client": "Geheim GmbH",
    "hidden_first_name": "Quirina",
    "hidden_surname": "Verborgenheit",
    "hidden_owner_name": "Ottilie Onzichtbaar",
    "hourly_rate": "87,65",
    "hourly_rate_dot": "87.65",
    "excess_rate": "71,30",
    "excess_rate_dot": "71.30",
}


def leaks(text: str | bytes) -> list[str]:
    text = text.decode("utf-8-sig", errors="replace") if isinstance(text, bytes) else text
    return [name for name, marker in MARKERS.items() if marker in text]


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def practice(org, acme, owner, assistant, task, bundle, internal_notes, other_client, acme_user, behalf):
    """acme's month with every kind of internal thing next to what the client should read."""
    assistant.full_name = "Quirina Verborgenheit"
    assistant.save(update_fields=["full_name"])
    owner.full_name = MARKERS["hidden_owner_name"]
    owner.save(update_fields=["full_name"])
    _final(behalf, owner, assistant, "Weiterbildung Müller GmbH")  # finalised by the owner, in acme's name
    work_log_policy_set(by=owner, organisation=org, names=WorkLogPolicy.Names.TEAM, show_rates=False)
    today = timezone.localdate()
    hourly = Engagement.objects.create(
        client=acme,
        name="Losse uren",
        kind=Engagement.Kind.HOURLY,
        starts_on=today - timedelta(days=60),
        hourly_rate=Decimal("87.65"),
        billing_increment_minutes=1,
    )
    bundle.excess_rate = Decimal("71.30")
    bundle.save(update_fields=["excess_rate"])
    for engagement, minutes in ((bundle, 540), (hourly, 60)):
        time_entry_log(
            by=assistant,
            engagement=engagement,
            task=task,
            work_date=today,
            minutes=minutes,
            note=f"{MARKERS['time_note']}: klant is traag",
            client_note="Bestuursagenda vergeleken",
        )
    comment_add(by=assistant, task=task, body="Welke datum past u het best?", visibility="client")
    task_transition(by=assistant, task=task, to="done")
    Absence.objects.create(
        organisation=org,
        person=assistant,
        kind=Absence.Kind.SICK,
        start_date=today,
        end_date=today + timedelta(days=2),
        note=MARKERS["absence_note"],
        status=Absence.Status.APPROVED,
        requested_by=assistant,
    )
    sister = Client.objects.create(organisation=org, name=MARKERS["other_client"], preferred_language="nl")
    sister_bundle = Engagement.objects.create(
        client=sister,
        name="Zuster",
        kind=Engagement.Kind.HOURLY,
        starts_on=today - timedelta(days=30),
        hourly_rate=Decimal("50"),
    )
    sister_task = task_create(by=owner, client=sister, engagement=sister_bundle, title=MARKERS["other_client_task"])
    time_entry_log(
        by=owner,
        engagement=sister_bundle,
        task=sister_task,
        work_date=today,
        minutes=30,
        client_note=MARKERS["other_client_note"],
    )
    consent_ask_if_due(bundle, today)  # 9 of its 10 hours: the 80 % question waits on the client
    return {"task": task, "hourly": hourly}


def test_every_portal_page_and_export_shows_nothing_internal_field_by_field(client, acme_user, practice):
    login(client, acme_user)
    pages = {name: url for name, url in portal_pages(practice["task"]).items() if url}
    report = MonthlyReport.objects.get()
    pages["portal:hours_pdf"] = reverse("portal:hours_pdf")
    pages["portal:report_pdf"] = reverse("portal:report_pdf", args=[report.pk])
    home = ""
    for name, url in pages.items():
        response = client.get(url, follow=True)
        assert response.status_code == 200, name
        body = pdf_text(response.content) if response["Content-Type"] == "application/pdf" else response.content
        assert leaks(body) == [], name
        home = response.content.decode() if name == "portal:home" else home
    # Positive controls: the client's own work is on each channel.
    assert "Uw team" in home and 'data-testid="your-team"' in home
    assert "Bestuursagenda vergeleken" in client.get(reverse("portal:hours")).content.decode()
    export = client.get(reverse("portal:hours_csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(export), delimiter=";"))  # Dutch: semicolons, as Excel there reads them
    assert all(len(row) == 7 for row in rows)  # no rate and no amount columns: the organisation shows none
    assert [row[1:5] for row in rows[1:]] == [
        ["Uw team", "Plan board meeting", "Agenda", "Bestuursagenda vergeleken"]
    ] * 2
    assert "Plan board meeting" in pdf_text(client.get(pages["portal:report_pdf"]).content)
    issued = client.get(reverse("invoicing:portal_list")).content.decode()
    assert "Weiterbildung Müller GmbH" in issued and "Uw team ·" in issued  # who finalised it, as names are shown


def _walk(value, path=""):
    """Every (path, key, value) of a JSON document."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield path, key, inner
            yield from _walk(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            yield from _walk(inner, f"{path}[{n}]")


RATE_FIELDS = {"hourly_rate", "excess_rate", "rate", "amount"}


def test_no_api_response_gives_the_client_anything_internal_field_by_field(api_as, acme_user, practice, acme, bundle):
    ids = {
        "client_id": acme.pk,
        "task_id": practice["task"].pk,
        "engagement_id": bundle.pk,
        "entry_id": practice["task"].time_entries.first().pk,
        "organisation_id": acme.organisation_id,
        "report_id": sent_report(practice["task"]).pk,
    }
    reader = api_as(acme_user)
    seen = 0
    for path in get_paths(ids):
        response = reader.get(path, {"start": "2026-01-01T00:00:00Z", "end": "2027-12-31T00:00:00Z"})
        assert leaks(response.content) == [], (path, leaks(response.content))
        if not response["Content-Type"].startswith("application/json") or response.status_code != 200:
            continue
        seen += 1
        for where, key, value in _walk(json.loads(response.content)):
            assert not (key == "note" and value), (path, where)  # the internal note: empty for the client
            assert not (key in RATE_FIELDS and value not in (None, "", "0", "0.00")), (path, where, key, value)
    assert seen >= 15
    entries = reader.get("/time-entries").json()["items"]
    assert "Bestuursagenda vergeleken" in {e["client_note"] for e in entries}  # positive control
